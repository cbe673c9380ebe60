import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readerThreads, runWorker, type WorkerLine } from './threads.js';
import { USAGE_WORKER as WORKER } from './usage-warm.js';
import { lineBounds, lineStart } from './file-lines.js';
import { zeroed } from './zeroed.js';
import { ExactSum, SAFE_UNITS } from '../core/exact-sum.js';
import { chooseTop } from '../core/top.js';
import { detectDelimiter } from './csv.js';
import { COST_SCALE, CREDIT_SCALE, type CustomerUsage, type TopCustomer, type Ledger, type OperationTotals, type UsageOptions, type UsageTotals, MAX_LINE, headerFields, ledgerFrom, logChanged, newAggregator } from './usage-scan.js';
import { LedgerBook, MonthCells } from './usage-ledger.js';
import { Dec, ZERO } from '../core/decimal.js';
import { type PairParts, pairCustomer } from './pair-table.js';
import type { BestAnswer, CustomersAnswer, CustomersAsked, MoreAsked, PackedCustomers, SumsAnswer, WorkerResult, WorkerTask } from './usage-worker.js';
import { addMissing, type Candidates, candidatesOf, costliestOf } from './customer-pruning.js';

/**
 * Sums a large log on several threads: the file is cut at line boundaries
 * into parts, which the workers take in turn and run the fast path over.
 * Resolves undefined when
 * the file needs the in-order reader instead: a quote anywhere (a quoted
 * field may hold a newline, so cutting at one is unsafe), or a bad row (whose
 * line number only the in-order reader knows).
 */
export async function readUsageInParallel(path: string, size: number, options: UsageOptions): Promise<UsageTotals | undefined> {
  const parts = await readInParallel(path, size, options);
  if (parts === undefined) return undefined;
  return mergeTotals(path, parts.header, parts.results, parts.lines, options);
}

/**
 * The same for the ledger of credits usage: each worker's book merged by
 * customer and operation name. The first worker's book is taken whole when
 * its ids are the merged ones; the others' cells are added to it.
 */
export async function readLedgerInParallel(path: string, size: number, options: UsageOptions): Promise<Ledger | undefined> {
  const parts = await readInParallel(path, size, options);
  if (parts === undefined) return undefined;
  const aggregator = newAggregator(path, parts.header, options);
  const ledgers = parts.results.filter((r) => r.kind === 'ledger');
  const book = new LedgerBook(CREDIT_SCALE);
  const customers: string[] = [];
  const customerIds = new Map<string, number>();
  const operations: string[] = [];
  const operationIds = new Map<string, number>();
  const idsOf = (names: readonly string[], into: string[], ids: Map<string, number>) =>
    Int32Array.from(names, (name) => {
      let id = ids.get(name);
      if (id === undefined) {
        ids.set(name, (id = into.length));
        into.push(name);
      }
      return id;
    });
  let rows = 0;
  let skipped = 0;
  let latest: number | undefined;
  let earliest: number | undefined;
  for (const [k, result] of ledgers.entries()) {
    if (result.earliest !== undefined && (earliest === undefined || result.earliest < earliest)) earliest = result.earliest;
    if (result.latest !== undefined && (latest === undefined || result.latest > latest)) latest = result.latest;
    rows += result.rows;
    skipped += result.skipped;
    const customerMap = idsOf(result.customers, customers, customerIds);
    const operationMap = idsOf(result.operations, operations, operationIds);
    if (k === 0 && isIdentity(customerMap) && isIdentity(operationMap)) {
      // No two of the first worker's names are one (ids written with spaces around them would be): its ids are the merged ones.
      book.stride = result.book.stride;
      for (const month of result.book.months) book.months.set(month.month, MonthCells.from(month, result.book.stride));
      continue;
    }
    book.widen(operations.length);
    const stride = result.book.stride;
    for (const month of result.book.months) {
      const into = book.cells(month.month);
      into.reserve(customers.length);
      const { sums } = month;
      const span = Math.min(customerMap.length, sums.length / 2 / stride);
      for (let customer = 0, from = 0; customer < span; customer++, from += 2 * stride) {
        const base = customerMap[customer]! * into.stride;
        for (let op = 0; op < stride; op++) {
          const calls = sums[from + 2 * op + 1]!;
          if (calls !== 0) into.add(base + operationMap[op]!, calls, sums[from + 2 * op]!);
        }
      }
      // Sums past a Number and values of more places are sparse: added by the cells they are in.
      const target = (cell: number) => customerMap[Math.floor(cell / stride)]! * into.stride + operationMap[cell % stride]!;
      for (const [cell, spilled] of month.big) into.addBig(target(cell), BigInt(spilled));
      for (const [cell, decimal] of month.extra) into.addDecimal(target(cell), 0, new Dec(decimal));
    }
  }
  return ledgerFrom(path, rows, skipped, aggregator.index.credits >= 0, latest, book, customers, operations, earliest, true);
}

function isIdentity(map: Int32Array): boolean {
  for (let i = 0; i < map.length; i++) if (map[i] !== i) return false;
  return true;
}

interface ParallelParts {
  header: string[];
  results: WorkerResult[];
  /** Per result, the worker still to be asked for its customers ('totals-first'). */
  lines: (WorkerLine | undefined)[];
}

/** Runs the workers over the file's parts; undefined when the file is for the in-order reader. */
async function readInParallel(path: string, size: number, options: UsageOptions): Promise<ParallelParts | undefined> {
  const threads = readerThreads();
  if (threads < 2 || !existsSync(fileURLToPath(WORKER)) || (options.delimiter ?? ',') !== ',') return undefined;
  const handle = await open(path, 'r');
  let header: string[];
  const bounds: number[] = [];
  try {
    const first = await lineStart(handle, 0, size);
    if (first > MAX_LINE) return undefined;
    const head = Buffer.alloc(first);
    await handle.read(head, 0, first, 0);
    const line = head.subarray(0, head.lastIndexOf(0x0a) === -1 ? head.length : head.lastIndexOf(0x0a));
    // Workers split on commas and LF: a log delimited otherwise, or with bare CR line ends, is read in order.
    const cr = line.indexOf(0x0d);
    if ((cr >= 0 && cr < line.length - 1) || detectDelimiter(path, line) !== ',') return undefined;
    header = headerFields(path, line);
    bounds.push(...(await lineBounds(handle, first, size, partsOf(size, threads))));
  } finally {
    await handle.close();
  }
  const { progress, started, ...rest } = options;
  // The parts are taken in turn by whichever thread is free (a counter shared by all), so a thread that started late reads less.
  const next = new SharedArrayBuffer(4);
  const lines: (WorkerLine | undefined)[] = [];
  const running = Promise.all(
    Array.from({ length: threads }, (_, k) =>
      runWorker<WorkerResult, WorkerResult>(
        WORKER,
        { path, bounds, next, header, options: rest } satisfies WorkerTask,
        (result) => result,
        { kind: 'in-order' },
        `${path}: a thread reading the log`,
        // A thread that kept calls is asked for its customers later (customersFor).
        (result, line) => {
          if (result.kind !== 'totals-first') return false;
          lines[k] = line;
          return true;
        },
      ),
    ),
  );
  started?.();
  const results = await running;
  if (results.some((r) => r.kind === 'in-order')) {
    for (const line of lines) line?.end();
    return undefined;
  }
  progress?.(size, size);
  return { header, results, lines };
}

/** How many parts a log is cut into for `threads` threads: several each, of about 2 MiB (under 20 ms of reading each), so that they end at about the same time. */
function partsOf(size: number, threads: number): number {
  return Math.min(256, Math.max(threads * 4, Math.ceil(size / (2 * 1024 * 1024))));
}

function mergeTotals(path: string, header: string[], results: WorkerResult[], lines: readonly (WorkerLine | undefined)[], options: UsageOptions): UsageTotals {
  const aggregator = newAggregator(path, header, options);
  let rows = 0;
  let skipped = 0;
  const operations = new Map<string, OperationTotals & { first: number; parts: CustomerPart[] }>();
  const totals = results.filter((r) => r.kind === 'totals' || r.kind === 'totals-first');
  // Each thread's customer names: of a thread that kept calls as read, those it gives when asked (customersFor).
  const names: (readonly string[])[] = totals.map((t) => (t.kind === 'totals' ? t.customers : []));
  const later = totals.some((t) => t.kind === 'totals-first');
  let asked: Set<string> | undefined;
  // Each asked operation's costliest customers, when the threads worked them out from their own (costliestByThreads), and how many.
  let best: { top: number; byOperation: Map<string, TopCustomer[]> } | undefined;
  const bestOf = (name: string, n: number): TopCustomer[] => {
    if (!asked?.has(name)) throw new Error(`the customers of ${name} were not asked for (customersFor)`);
    if (n > best!.top) throw new Error(`the ${best!.top} costliest customers of ${name} were asked for, not ${n}`);
    return best!.byOperation.get(name)!.slice(0, Math.max(n, 0));
  };
  // Customers are merged only for the operations that are asked for them (the flagged ones), by ids given once for all.
  let ids: CustomerIds | undefined;
  for (const [thread, result] of totals.entries()) {
    rows += result.rows;
    skipped += result.skipped;
    for (const part of result.operations) {
      let op = operations.get(part.operation);
      if (!op) {
        const parts: CustomerPart[] = [];
        // Not kept: its arrays are as long as all threads' customers, and a diff asks every operation once.
        const name = part.operation;
        const sums = () => {
          if (later && !asked?.has(name)) throw new Error(`the customers of ${name} were not asked for (customersFor)`);
          return new MergedCustomers(parts, (ids ??= new CustomerIds(names)));
        };
        const customers = {
          values: () => {
            if (best) throw new Error(`only the costliest customers of ${name} were asked for (customersFor)`);
            return sums().values();
          },
          top: (n: number) => (best ? bestOf(name, n) : sums().top(n)),
          byName: true,
        };
        operations.set(part.operation, (op = { operation: part.operation, first: part.first, calls: 0, cost: new ExactSum(), credits: new ExactSum(), customers, parts }));
      }
      op.first = Math.min(op.first, part.first);
      op.calls += part.calls;
      op.cost.addParts(part.cost);
      op.credits.addParts(part.credits);
      if (result.kind === 'totals') op.parts.push({ thread, table: result.pairs, packed: part.customers! });
    }
  }
  return {
    file: path,
    rows,
    skipped,
    hasCredits: aggregator.index.credits >= 0,
    hasCustomers: aggregator.index.customer >= 0,
    // In the order of their first call in the log, as the in-order reader has them, whichever thread read which part.
    operations: new Map([...operations].sort(([, a], [, b]) => a.first - b.first)),
    // The threads that kept calls look up those of the operations asked for, each for its own, and end.
    customersFor: async (wanted, top) => {
      if (!later || asked) return;
      const ask = (t: (typeof totals)[number], thread: number) => (t.kind === 'totals-first' ? lines[thread]!.ask<CustomersAnswer>({ operations: [...wanted] } satisfies CustomersAsked) : undefined);
      let answers: (CustomersAnswer | undefined)[] = [];
      try {
        // Every thread kept calls: only each one's costliest are sent over, unless they cannot tell (customer-pruning.ts).
        if (wanted.length > 0 && top !== undefined && top >= 1 && totals.every((t) => t.kind === 'totals-first')) {
          const found = await costliestByThreads(lines as WorkerLine[], wanted, top);
          if (found.kind === 'top') {
            best = { top, byOperation: found.byOperation };
            asked = new Set(wanted);
            return;
          }
          answers = found.answers;
        } else if (wanted.length > 0) answers = await Promise.all(totals.map(ask));
      } finally {
        for (const line of lines) line?.end();
      }
      for (const [thread, answer] of answers.entries()) {
        if (answer === undefined) continue;
        if (answer.kind === 'changed') throw logChanged(path);
        names[thread] = answer.customers;
        for (const o of answer.operations) operations.get(o.operation)!.parts.push({ thread, table: answer.pairs, packed: o.customers });
      }
      asked = new Set(wanted);
    },
  };
}

/**
 * Each asked operation's `top` costliest customers, from each thread's
 * costliest (bestCustomers) and then the costs, from the threads that left
 * them out, of the customers that can still be among them; or every thread's
 * every customer when those cannot tell (or a thread cannot give them
 * exactly), or that the log changed.
 */
async function costliestByThreads(lines: readonly WorkerLine[], wanted: readonly string[], top: number): Promise<{ kind: 'top'; byOperation: Map<string, TopCustomer[]> } | { kind: 'all'; answers: CustomersAnswer[] }> {
  const best = { top, threads: lines.length };
  const first = await Promise.all(lines.map((line) => line.ask<BestAnswer>({ operations: [...wanted], best } satisfies CustomersAsked)));
  const reports = first.every((a) => a.kind === 'best') ? (first as Extract<BestAnswer, { kind: 'best' }>[]) : undefined;
  const candidates = reports && wanted.map((_, k) => candidatesOf(reports.map((r) => r.operations[k]!), top));
  if (candidates === undefined || candidates.some((c) => c === undefined)) {
    const all = { kind: 'all' } satisfies MoreAsked;
    return { kind: 'all', answers: await Promise.all(first.map((a, t) => (a.kind === 'best' ? lines[t]!.ask<CustomersAnswer>(all) : a))) };
  }
  const found = candidates as Candidates[];
  // A thread that left out none of the candidates is not asked again.
  const sums = await Promise.all(
    lines.map((line, t) => (found.some((c) => c.missing[t]!.length > 0) ? line.ask<SumsAnswer>({ kind: 'missing', names: found.map((c) => c.missing[t]!) } satisfies MoreAsked) : undefined)),
  );
  const byOperation = new Map<string, TopCustomer[]>();
  for (const [k, name] of wanted.entries()) {
    for (const [t, answer] of sums.entries()) if (answer) addMissing(found[k]!, t, answer.operations[k]!.calls, answer.operations[k]!.units);
    const chosen = costliestOf(found[k]!, top).map(({ customer, calls, units }) => {
      const cost = new ExactSum();
      cost.small = units;
      return { customer, calls, cost: cost.total(COST_SCALE) };
    });
    byOperation.set(name, chosen);
  }
  return { kind: 'top', byOperation };
}

/** One worker's customers of an operation: the thread (whose names its customer ids stand for), and the pairs its pair indices are of. */
interface CustomerPart {
  thread: number;
  table: PairParts;
  packed: PackedCustomers;
}

/**
 * One id per customer name across the threads, each thread's customer ids
 * mapped to it as they are first asked for: an operation met by a few
 * customers looks up only those.
 */
export class CustomerIds {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  /** Per thread, its customer id's merged id + 1 (0: not asked for yet). */
  private readonly maps: Int32Array[];
  /** How many merged ids there can be at most: every thread's customers. */
  readonly capacity: number;

  constructor(private readonly threads: readonly (readonly string[])[]) {
    this.maps = threads.map((names) => zeroed(new Int32Array(names.length)));
    this.capacity = threads.reduce((n, names) => n + names.length, 0);
  }

  id(thread: number, customer: number): number {
    const map = this.maps[thread]!;
    const known = map[customer]!;
    if (known !== 0) return known - 1;
    const name = this.threads[thread]![customer]!;
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.byName.set(name, id);
    }
    map[customer] = id + 1;
    return id;
  }
}

/**
 * One operation's customers from every worker's part, merged by name: calls
 * and cost units per merged id in typed arrays, the rare sum past SAFE_UNITS
 * or value of more decimals sparse beside. Only the customers asked for
 * become objects: 50,000 of them made 50,000 objects and decimals for the
 * five named.
 */
export class MergedCustomers {
  private readonly calls: Float64Array;
  private readonly units: Float64Array;
  private readonly big = new Map<number, bigint>();
  private readonly extra = new Map<number, Dec>();
  /** Merged ids in the order met. */
  private readonly met: number[] = [];

  constructor(
    parts: readonly CustomerPart[],
    private readonly ids: CustomerIds,
  ) {
    const calls = (this.calls = zeroed(new Float64Array(ids.capacity)));
    const units = (this.units = zeroed(new Float64Array(ids.capacity)));
    const { met } = this;
    const add = (id: number, count: number, cost: number) => {
      // Every pair and every call has a call: a customer with none is met here first.
      if (calls[id] === 0) met.push(id);
      calls[id] = calls[id]! + count;
      // Both under SAFE_UNITS (4e15): their sum is exact under 2^53.
      const sum = units[id]! + cost;
      if (sum > SAFE_UNITS) {
        this.big.set(id, (this.big.get(id) ?? 0n) + BigInt(sum));
        units[id] = 0;
      } else units[id] = sum;
    };
    for (const { thread, table, packed: part } of parts) {
      const { sums, keys } = table;
      const big = new Map(part.big);
      const extra = new Map(part.extra);
      const spilled = big.size > 0 || extra.size > 0;
      for (let i = 0; i < part.pairs.length; i++) {
        const pair = part.pairs[i]!;
        const id = ids.id(thread, pairCustomer(keys, pair));
        add(id, sums[2 * pair]!, sums[2 * pair + 1]!);
        if (spilled) {
          const more = big.get(i);
          if (more !== undefined) this.big.set(id, (this.big.get(id) ?? 0n) + BigInt(more));
          const decimal = extra.get(i);
          if (decimal !== undefined) this.extra.set(id, (this.extra.get(id) ?? ZERO).plus(decimal));
        }
      }
    }
  }

  private usage(id: number): CustomerUsage {
    const cost = new ExactSum();
    cost.small = this.units[id]!;
    cost.big = this.big.get(id) ?? 0n;
    cost.extra = this.extra.get(id) ?? ZERO;
    return { customer: this.ids.names[id]!, calls: this.calls[id]!, cost };
  }

  values(): CustomerUsage[] {
    return this.met.map((id) => this.usage(id));
  }

  /** The `n` costliest in order, ties by name, chosen by units; undefined when a cost spilled (values() then gives them for the decimal sort). */
  top(n: number): TopCustomer[] | undefined {
    if (this.big.size > 0 || this.extra.size > 0) return undefined;
    const { met, units, ids } = this;
    const chosen = chooseTop(met.length, (i) => units[met[i]!]!, (i) => ids.names[met[i]!]!, n).map((i) => met[i]!);
    return chosen.map((id) => ({ customer: ids.names[id]!, calls: this.calls[id]!, cost: this.usage(id).cost.total(COST_SCALE) }));
  }
}
