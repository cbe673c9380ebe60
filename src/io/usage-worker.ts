import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { newAggregator, scanChunks, type UsageOptions } from './usage-scan.js';
import type { LedgerParts } from './usage-ledger.js';

/** One worker's share of a usage log: a byte range that starts and ends on line boundaries. */
export interface WorkerTask {
  path: string;
  start: number;
  end: number;
  header: string[];
  options: Omit<UsageOptions, 'progress'>;
}

/** What a worker reports: its totals, or that the range needs the careful, in-order reader. */
export type WorkerResult =
  | { kind: 'totals'; rows: number; skipped: number; operations: WorkerOperation[] }
  | { kind: 'ledger'; rows: number; skipped: number; latest: number | undefined; earliest: number | undefined; customers: string[]; operations: string[]; book: LedgerParts }
  | { kind: 'in-order' };

export interface WorkerOperation {
  operation: string;
  calls: number;
  cost: import('../core/exact-sum.js').SumParts;
  credits: import('../core/exact-sum.js').SumParts;
  customers: { customer: string; calls: number; cost: import('../core/exact-sum.js').SumParts }[];
}

async function run(task: WorkerTask): Promise<WorkerResult> {
  const aggregator = newAggregator(task.path, task.header, task.options);
  const stream = createReadStream(task.path, { start: task.start, end: task.end - 1, highWaterMark: 1 << 20 });
  try {
    // Line numbers are unknown here; a bad row is re-read in order, where they are.
    const rest = await scanChunks(stream[Symbol.asyncIterator](), aggregator, undefined);
    stream.destroy();
    if (rest) return { kind: 'in-order' };
  } catch {
    stream.destroy();
    return { kind: 'in-order' };
  }
  if (task.options.ledger) {
    return {
      kind: 'ledger',
      rows: aggregator.rows,
      skipped: aggregator.skipped,
      latest: aggregator.latest,
      earliest: aggregator.earliest,
      customers: aggregator.customerNames,
      operations: aggregator.operationNames,
      book: aggregator.book.parts(),
    };
  }
  return {
    kind: 'totals',
    rows: aggregator.rows,
    skipped: aggregator.skipped,
    operations: [...aggregator.byName.values()].map((op) => ({
      operation: op.operation,
      calls: op.calls,
      cost: op.cost.parts(),
      credits: op.credits.parts(),
      customers: [...op.customers.values()].map((c) => ({ customer: c.customer, calls: c.calls, cost: c.cost.parts() })),
    })),
  };
}

if (parentPort) {
  const port = parentPort;
  // For the robustness tests only: a worker that dies without a word, as one killed by the system would.
  if (process.env['CREDITS_TEST_WORKER_EXIT'] === '1') process.exit(3);
  run(workerData as WorkerTask).then(
    // A ledger's arrays are moved to the main thread, not copied.
    (result) => port.postMessage(result, result.kind === 'ledger' ? result.book.months.flatMap((m) => [m.units.buffer as ArrayBuffer, m.calls.buffer as ArrayBuffer]) : []),
    () => port.postMessage({ kind: 'in-order' } satisfies WorkerResult),
  );
}
