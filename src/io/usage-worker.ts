import { type Stats, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type Aggregator, MAX_LINE, newAggregator, type UsageOptions } from './usage-scan.js';
import { fileSource } from './call-record.js';
import { InputError } from './errors.js';
import { forEachLines, type LineBuffer } from './file-lines.js';
import type { LedgerParts } from './usage-ledger.js';
import { onTask } from './threads.js';
import { type PairParts, type PairTable, pairCustomer } from './pair-table.js';
import { reportedOf, type ThreadBest } from './customer-pruning.js';
import { hashBytes } from './byte-key-map.js';

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

/**
 * What the main thread asks a worker that answered 'totals-first': the
 * customers of these operations. With `best`, only those of each operation
 * that can be among its `best.top` costliest over all `best.threads`
 * (BestAnswer), and then one more question (MoreAsked); without, all of
 * them, and no more questions.
 */
export interface CustomersAsked {
  operations: string[];
  best?: { top: number; threads: number };
}

/** The worker's answer: its customers (ids into `customers`) and pairs, for the operations asked that it read; or that the file changed since. */
export type CustomersAnswer = { kind: 'customers'; customers: string[]; pairs: PairParts; operations: { operation: string; customers: PackedCustomers }[] } | { kind: 'changed' };

/**
 * The answer to `best`: each asked operation's costliest customers here, in
 * the order asked (customer-pruning.ts); or all customers as without `best`
 * when a cost here is past a Number or of more decimals, or a name is not its
 * id's bytes (a name could then not find its customer when asked again).
 */
export type BestAnswer = { kind: 'best'; operations: ThreadBest[] } | CustomersAnswer;

/** The question after 'best': every customer after all (answered as CustomersAnswer), or the calls and cost units of these customers of each asked operation (SumsAnswer). */
export type MoreAsked = { kind: 'all' } | { kind: 'missing'; names: string[][] };

export interface SumsAnswer {
  kind: 'sums';
  operations: { calls: Float64Array<ArrayBuffer>; units: Float64Array<ArrayBuffer> }[];
}

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

/** Looks up the customers of the kept calls of the operations asked, from the file as it was read (`read`: its size and time of change then); false when it changed since. */
function folded(aggregator: Aggregator, asked: CustomersAsked, read: Stats): boolean {
  const wanted = new Uint8Array(aggregator.byName.size);
  for (const name of asked.operations) {
    const op = aggregator.byName.get(name);
    if (op) wanted[op.id] = 1;
  }
  let source: ReturnType<typeof fileSource> | undefined;
  try {
    source = aggregator.source = fileSource(aggregator.file);
    if (source.size !== read.size || source.mtimeMs !== read.mtimeMs) return false;
    aggregator.fold(wanted);
  } catch (error) {
    // The file gone, or shorter than the calls it was read with: it changed since (beside a new size or time of change).
    if (error instanceof InputError || (error as NodeJS.ErrnoException).code !== undefined) return false;
    throw error;
  } finally {
    source?.close();
    aggregator.source = undefined;
  }
  return true;
}

/** Every customer of the operations asked (their calls looked up already). */
function everyCustomer(aggregator: Aggregator, asked: CustomersAsked): Extract<CustomersAnswer, { kind: 'customers' }> {
  const lists = aggregator.pairsByOperation();
  const wanted = new Set(asked.operations);
  return {
    kind: 'customers',
    customers: aggregator.customerNames,
    pairs: aggregator.pairs.parts(),
    operations: [...aggregator.byName.values()].filter((op) => wanted.has(op.operation)).map((op) => ({ operation: op.operation, customers: pack(aggregator.pairs, lists[op.id]) })),
  };
}

/** The customers of the operations asked, their kept calls looked up from the file first. */
export function customersOf(aggregator: Aggregator, asked: CustomersAsked, read: Stats): CustomersAnswer {
  return folded(aggregator, asked, read) ? everyCustomer(aggregator, asked) : { kind: 'changed' };
}

/** Each asked operation's id here and pairs, in the order asked (−1 and none for one this thread did not read). */
function askedPairs(aggregator: Aggregator, asked: CustomersAsked): { id: number; pairs: Int32Array }[] {
  const all = aggregator.pairsByOperation();
  return asked.operations.map((name) => {
    const op = aggregator.byName.get(name);
    return { id: op?.id ?? -1, pairs: (op && all[op.id]) ?? new Int32Array(0) };
  });
}

/** An operation with no more customers than this in a thread is given whole: choosing among them costs more than sending them. */
const WHOLE_UP_TO = 8192;

/**
 * Each asked operation's customers that can be among its `top` costliest
 * over all `threads` (reportedOf): those costing at least a floor here, which
 * every other one is under; all of them (floor −1) when it has no more than
 * WHOLE_UP_TO here. Every customer as without `best` when that cannot be
 * exact here.
 */
export function bestCustomers(aggregator: Aggregator, asked: CustomersAsked & { top: number; threads: number }, read: Stats): BestAnswer {
  if (!folded(aggregator, asked, read)) return { kind: 'changed' };
  const { pairs } = aggregator;
  if (!aggregator.plainNames || pairs.big.size > 0 || pairs.extra.size > 0) return everyCustomer(aggregator, asked);
  // The pairs' calls and cost units as arrays, read in plain loops: this runs once, before V8 has optimized it.
  const { keys, sums } = pairs.parts();
  const operations = askedPairs(aggregator, asked).map(({ pairs: list }): ThreadBest => {
    const { floor, chosen } = reportedOf(list, sums, asked.top, asked.threads, WHOLE_UP_TO);
    const n = chosen.length;
    const chosenNames = new Array<string>(n);
    const calls = new Float64Array(n);
    const units = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const pair = chosen[k]!;
      chosenNames[k] = aggregator.customerName(pairCustomer(keys, pair));
      calls[k] = sums[2 * pair]!;
      units[k] = sums[2 * pair + 1]!;
    }
    return { names: chosenNames, calls, units, floor };
  });
  return { kind: 'best', operations };
}

/** The calls and cost units of the customers named, per asked operation: 0 for one not met here. */
export function customerSums(aggregator: Aggregator, asked: CustomersAsked, names: readonly (readonly string[])[]): SumsAnswer {
  const { pairs, customerIds } = aggregator;
  const operations = askedPairs(aggregator, asked).map(({ id }, k) => {
    const list = names[k] ?? [];
    const calls = new Float64Array(list.length);
    const units = new Float64Array(list.length);
    for (const [i, name] of list.entries()) {
      // Asked only where every name is its id's bytes (plainNames).
      const bytes = Buffer.from(name, 'utf8');
      const customer = id < 0 ? -1 : customerIds.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
      const pair = customer < 0 ? -1 : pairs.pairOf(id, customer);
      if (pair >= 0) {
        calls[i] = pairs.calls(pair);
        units[i] = pairs.units(pair);
      }
    }
    return { calls, units };
  });
  return { kind: 'sums', operations };
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
            if (asked.best !== undefined) {
              const best = bestCustomers(aggregator, { ...asked, ...asked.best }, read);
              // Then everyone after all, or the sums of the customers the others reported and this thread did not.
              if (best.kind === 'best') {
                port.once('message', (more: MoreAsked) => {
                  if (more.kind === 'all') {
                    const all = everyCustomer(aggregator, asked);
                    port.postMessage(all, customerBuffers(all.pairs, all.operations));
                    return;
                  }
                  const sums = customerSums(aggregator, asked, more.names);
                  port.postMessage(sums, sums.operations.flatMap((o) => [o.calls.buffer, o.units.buffer]));
                });
              }
              port.postMessage(best, best.kind === 'customers' ? customerBuffers(best.pairs, best.operations) : []);
              return;
            }
            const answer = customersOf(aggregator, asked, read);
            port.postMessage(answer, answer.kind === 'customers' ? customerBuffers(answer.pairs, answer.operations) : []);
          });
        port.postMessage(result, transfers(result));
      },
      () => port.postMessage({ kind: 'in-order' } satisfies WorkerResult),
    );
  });
}
