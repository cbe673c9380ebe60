import { type Stats, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type Aggregator, MAX_LINE, newAggregator, type UsageOptions } from './usage-scan.js';
import { fileSource } from './call-record.js';
import { InputError } from './errors.js';
import { forEachLines, type LineBuffer } from './file-lines.js';
import type { LedgerParts } from './usage-ledger.js';
import { onTask } from './threads.js';
import type { PairParts, PairTable } from './pair-table.js';

/**
 * A worker's task: the parts of a usage log (bounds[k] to bounds[k + 1], at
 * line starts), which it takes in turn with the other threads by the shared
 * counter `next`, until none is left.
 */
export interface WorkerTask {
  path: string;
  bounds: number[];
  next: SharedArrayBuffer;
  header: string[];
  options: Omit<UsageOptions, 'progress'>;
}

/** What a worker reports: its totals, or that the range needs the careful, in-order reader. */
export type WorkerResult =
  | { kind: 'totals'; rows: number; skipped: number; customers: string[]; pairs: PairParts; operations: WorkerOperation[] }
  /** Its totals, its customers to be asked for (CustomersAsked): it kept calls as read, their customers not looked up. */
  | { kind: 'totals-first'; rows: number; skipped: number; operations: WorkerOperation[] }
  | { kind: 'ledger'; rows: number; skipped: number; latest: number | undefined; earliest: number | undefined; customers: string[]; operations: string[]; book: LedgerParts }
  | { kind: 'in-order' };

export interface WorkerOperation {
  operation: string;
  /** Where its first call is: part × 2^31 + line within the part, for the order of operations. */
  first: number;
  calls: number;
  cost: import('../core/exact-sum.js').SumParts;
  credits: import('../core/exact-sum.js').SumParts;
  /** Its customers, unless they are to be asked for ('totals-first'). */
  customers?: PackedCustomers;
}

/** What the main thread asks a worker that answered 'totals-first': the customers of these operations (and no more questions). */
export interface CustomersAsked {
  operations: string[];
}

/** The worker's answer: its customers (ids into `customers`) and pairs, for the operations asked that it read; or that the file changed since. */
export type CustomersAnswer = { kind: 'customers'; customers: string[]; pairs: PairParts; operations: { operation: string; customers: PackedCustomers }[] } | { kind: 'changed' };

/**
 * An operation's customers as a worker hands them over: its pairs, indices
 * into the worker's pair table (PairParts, moved once for all operations,
 * not copied), whose keys give each pair's customer id into the worker's
 * customer names and whose sums its calls and cost units; the rare cost past
 * a Number's exact range or of a value with more decimals, sparse beside, by
 * position in `pairs`. A log of 500 operations and 2,000 customers is a
 * million pairs.
 */
export interface PackedCustomers {
  pairs: Int32Array;
  big: [number, string][];
  extra: [number, string][];
}

function pack(pairs: PairTable, list: Int32Array | undefined): PackedCustomers {
  const of = list ?? new Int32Array(0);
  const big: [number, string][] = [];
  const extra: [number, string][] = [];
  if (pairs.big.size > 0 || pairs.extra.size > 0) {
    for (let i = 0; i < of.length; i++) {
      const units = pairs.big.get(of[i]!);
      if (units !== undefined) big.push([i, units.toString()]);
      const decimal = pairs.extra.get(of[i]!);
      if (decimal !== undefined && !decimal.isZero()) extra.push([i, decimal.toFixed()]);
    }
  }
  return { pairs: of, big, extra };
}

/** Line numbers in a worker count from part × PART_LINES: they order first calls across parts (no part has 2^31 lines). */
const PART_LINES = 2 ** 31;

async function run(task: WorkerTask, aggregator: Aggregator): Promise<WorkerResult> {
  // Line numbers are unknown here: a bad row, a quote the scanner leaves or an overlong line is re-read in order, where they are.
  const next = new Int32Array(task.next);
  // The file goes to the in-order reader: the other threads need take no more parts.
  const inOrder = (): WorkerResult => {
    Atomics.store(next, 0, task.bounds.length);
    return { kind: 'in-order' };
  };
  // One buffer for every part this thread takes.
  const reuse: LineBuffer = {};
  try {
    for (let part = Atomics.add(next, 0, 1); part < task.bounds.length - 1; part = Atomics.add(next, 0, 1)) {
      aggregator.line = part * PART_LINES;
      const read = forEachLines(task.path, task.bounds[part]!, task.bounds[part + 1]!, MAX_LINE, (buf, length, last, offset) => {
        // The last line of the file may end without a LF: it is given one.
        const bytes = last && length > 0 && buf[length - 1] !== 0x0a ? Buffer.concat([buf.subarray(0, length), Buffer.from([0x0a])]) : buf;
        const end = bytes === buf ? length : length + 1;
        aggregator.base = offset;
        return aggregator.scan(bytes, 0, end) === end;
      }, reuse);
      if (!read) return inOrder();
    }
  } catch {
    return inOrder();
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
  const operations = [...aggregator.byName.values()].map((op) => ({ operation: op.operation, first: op.first, calls: op.calls, cost: op.cost.parts(), credits: op.credits.parts() }));
  // Kept calls' customers are looked up only for the operations the main thread asks about (customersOf).
  if (aggregator.record.size > 0) return { kind: 'totals-first', rows: aggregator.rows, skipped: aggregator.skipped, operations };
  const lists = aggregator.pairsByOperation();
  return {
    kind: 'totals',
    rows: aggregator.rows,
    skipped: aggregator.skipped,
    customers: aggregator.customerNames,
    pairs: aggregator.pairs.parts(),
    operations: operations.map((op, id) => ({ ...op, customers: pack(aggregator.pairs, lists[id]) })),
  };
}

/** The customers of the operations asked, their kept calls looked up from the file first: the file as it was read (`read`: its size and time of change then). */
export function customersOf(aggregator: Aggregator, asked: CustomersAsked, read: Stats): CustomersAnswer {
  const wanted = new Uint8Array(aggregator.byName.size);
  for (const name of asked.operations) {
    const op = aggregator.byName.get(name);
    if (op) wanted[op.id] = 1;
  }
  let source: ReturnType<typeof fileSource> | undefined;
  try {
    source = aggregator.source = fileSource(aggregator.file);
    if (source.size !== read.size || source.mtimeMs !== read.mtimeMs) return { kind: 'changed' };
    aggregator.fold(wanted);
  } catch (error) {
    // The file gone, or shorter than the calls it was read with: it changed since (beside a new size or time of change).
    if (error instanceof InputError || (error as NodeJS.ErrnoException).code !== undefined) return { kind: 'changed' };
    throw error;
  } finally {
    source?.close();
    aggregator.source = undefined;
  }
  const lists = aggregator.pairsByOperation();
  return {
    kind: 'customers',
    customers: aggregator.customerNames,
    pairs: aggregator.pairs.parts(),
    operations: [...aggregator.byName.values()].filter((op) => wanted[op.id] === 1).map((op) => ({ operation: op.operation, customers: pack(aggregator.pairs, lists[op.id]) })),
  };
}

if (parentPort) {
  const port = parentPort;
  // For the robustness tests only: a worker that dies without a word, as one killed by the system would.
  if (process.env['CREDITS_TEST_WORKER_EXIT'] === '1') process.exit(3);
  // A ledger's arrays and the pair table are moved to the main thread, not copied.
  const customerBuffers = (pairs: PairParts, operations: readonly { customers?: PackedCustomers }[]): ArrayBuffer[] => [pairs.keys.buffer, pairs.sums.buffer, ...operations.map((o) => o.customers!.pairs.buffer as ArrayBuffer)];
  const transfers = (result: WorkerResult): ArrayBuffer[] =>
    result.kind === 'ledger' ? result.book.months.map((m) => m.sums.buffer as ArrayBuffer) : result.kind === 'totals' ? customerBuffers(result.pairs, result.operations) : [];
  onTask<WorkerTask>(port, workerData, (task) => {
    // Made inside the promise: a header the aggregator refuses is then an answer (read it in order), not a thread that dies.
    let aggregator: Aggregator;
    let read: Stats;
    const reading = Promise.resolve().then(() => {
      read = statSync(task.path);
      return run(task, (aggregator = newAggregator(task.path, task.header, task.options)));
    });
    reading.then(
      (result) => {
        // Asked once more, for the customers of the operations the main thread needs.
        if (result.kind === 'totals-first')
          port.once('message', (asked: CustomersAsked) => {
            const answer = customersOf(aggregator, asked, read);
            port.postMessage(answer, answer.kind === 'customers' ? customerBuffers(answer.pairs, answer.operations) : []);
          });
        port.postMessage(result, transfers(result));
      },
      () => port.postMessage({ kind: 'in-order' } satisfies WorkerResult),
    );
  });
}
