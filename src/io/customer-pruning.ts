import { chooseTop } from '../core/top.js';

/**
 * An operation's costliest customers across reader threads, worked out from
 * each thread's costliest rather than from all of them. With 50,000 customers
 * merging every thread's every customer by name was the main thread's
 * largest cost after the reading (88,000 names sent over and looked up). Each
 * thread instead reports the customers whose cost there is at or above a
 * floor, which every customer it leaves out is under. A customer no thread
 * reported costs less than the threads' floors added up, and one some thread
 * left out less than what the others reported plus that thread's floor: when
 * the `top`-th costliest of what was reported is at least the sum of the
 * floors, only the customers that could still reach it are asked about again
 * (their costs in the threads that left them out), and the top are exact. When
 * it is not, the threads are asked for everything.
 *
 * Costs are whole units of 10^-12 in a Number; a thread with a cost past a
 * Number's exact range, or of more decimals, reports everything instead.
 */

/** One thread's reported customers of an operation. */
export interface ThreadBest {
  names: readonly string[];
  calls: ArrayLike<number>;
  units: ArrayLike<number>;
  /** Every customer this thread left out costs less than this many units here; −1 when it left none out. */
  floor: number;
}

/** The largest `--top` for which a thread chooses what to send; past it every customer is sent. */
export const TOP_AT_MOST = 64;

/**
 * Which of a thread's pairs of an operation it reports (bestCustomers): all
 * of them (floor −1) when there are no more than `wholeUpTo` (or `top` is
 * past TOP_AT_MOST), else those costing at least the floor: the `top`-th
 * costliest cost here over the number of threads, in whole units. The
 * threads' floors then add up to no more than the costliest `top`-th of any
 * one thread, which is never past the `top`-th costliest sum reported, so
 * candidatesOf can always tell. A pair's cost is sums[2 × pair + 1], as the
 * pair table keeps it.
 */
export function reportedOf(pairs: Int32Array, sums: Float64Array, top: number, threads: number, wholeUpTo: number): { floor: number; chosen: Int32Array } {
  const count = pairs.length;
  // The top so far is kept in order by insertion: past TOP_AT_MOST that could cost `top` moves a pair.
  if (count <= wholeUpTo || top < 1 || top > TOP_AT_MOST) return { floor: -1, chosen: pairs };
  // The top costliest costs so far, in order, and the pairs at or above the floor they make so far (which only rises).
  // Plain loops over arrays: this runs once, before V8 has optimized it.
  const best = new Float64Array(top);
  let seen = 0;
  let floor = 0;
  let n = 0;
  const chosen = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const pair = pairs[k]!;
    const cost = sums[2 * pair + 1]!;
    if (cost < floor) continue;
    chosen[n++] = pair;
    if (seen === top && cost <= best[top - 1]!) continue;
    let at = seen < top ? seen++ : top - 1;
    while (at > 0 && best[at - 1]! < cost) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = cost;
    if (seen === top) floor = Math.floor(best[top - 1]! / threads);
  }
  // A floor of 0 leaves nobody out.
  if (floor <= 0) return { floor: -1, chosen: pairs };
  let kept = 0;
  for (let k = 0; k < n; k++) if (sums[2 * chosen[k]! + 1]! >= floor) chosen[kept++] = chosen[k]!;
  return { floor, chosen: chosen.subarray(0, kept) };
}

/** What is known of a reported customer: its calls and units so far, and which threads have given theirs (bit t for thread t). */
interface Known {
  calls: number;
  units: number;
  from: number;
}

export interface Candidates {
  /** The customers that can still be among the top, with what is known of them. */
  known: Map<string, Known>;
  /** Per thread, the candidates it did not report, whose calls and units it is to be asked for. */
  missing: string[][];
}

/**
 * The customers that can still be among the `top` costliest, or undefined
 * when the reports cannot tell (the threads are then asked for everything).
 * Sums stay exact: a report with units past what all of them can add up to
 * under 2^53 is undefined too. At most 31 threads.
 */
export function candidatesOf(reports: readonly ThreadBest[], top: number): Candidates | undefined {
  const threads = reports.length;
  const limit = Number.MAX_SAFE_INTEGER / (threads + 1);
  const known = new Map<string, Known>();
  // The threads that left some out (a floor of 0 or more), and their floors added up.
  let partial = 0;
  let floors = 0;
  for (let t = 0; t < threads; t++) {
    const { names, calls, units, floor } = reports[t]!;
    if (floor > limit || threads > 31) return undefined;
    if (floor >= 0) {
      partial |= 1 << t;
      floors += floor;
    }
    for (let k = 0; k < names.length; k++) {
      const cost = units[k]!;
      if (cost > limit) return undefined;
      // A thread reports each name once: its customers' names are its ids' bytes, all different.
      const entry = known.get(names[k]!);
      if (entry === undefined) known.set(names[k]!, { calls: calls[k]!, units: cost, from: 1 << t });
      else {
        entry.calls += calls[k]!;
        entry.units += cost;
        entry.from |= 1 << t;
      }
    }
  }
  // The top-th costliest reported sum is at most the top-th costliest customer's cost. (A typed array sorts numbers
  // natively, with no comparator called for each pair.)
  const sums = Float64Array.from(known.values(), (e) => e.units).sort();
  const bar = top >= 1 && sums.length >= top ? sums[sums.length - top]! : 0;
  // A customer no thread reported costs less than the floors added up: it cannot reach the bar if they do not.
  if (partial !== 0 && floors > bar) return undefined;
  const missing: string[][] = reports.map(() => []);
  for (const [name, entry] of known) {
    // The threads that left this customer out, under their floors there.
    const left = partial & ~entry.from;
    let most = entry.units;
    for (let t = 0; t < threads; t++) if (left & (1 << t)) most += reports[t]!.floor;
    // Given whole, it can tie the bar; left out somewhere, its cost is under `most`, so only when `most` is past the bar.
    if (left === 0 ? entry.units < bar : most <= bar) known.delete(name);
    else for (let t = 0; t < threads; t++) if (left & (1 << t)) missing[t]!.push(name);
  }
  return { known, missing };
}

/** Adds what thread `t` gave for the names it was asked (missing[t], in that order): calls and units, 0 for a customer it never met. */
export function addMissing(candidates: Candidates, t: number, calls: ArrayLike<number>, units: ArrayLike<number>): void {
  const names = candidates.missing[t]!;
  for (let k = 0; k < names.length; k++) {
    const entry = candidates.known.get(names[k]!)!;
    entry.calls += calls[k]!;
    entry.units += units[k]!;
    entry.from |= 1 << t;
  }
}

/** The `top` costliest of the candidates once every thread has given theirs: costliest first, ties by name. */
export function costliestOf(candidates: Candidates, top: number): { customer: string; calls: number; units: number }[] {
  const entries = [...candidates.known];
  return chooseTop(entries.length, (i) => entries[i]![1].units, (i) => entries[i]![0], top).map((i) => ({ customer: entries[i]![0], calls: entries[i]![1].calls, units: entries[i]![1].units }));
}
