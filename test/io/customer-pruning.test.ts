import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMissing, candidatesOf, costliestOf, reportedOf, type ThreadBest, TOP_AT_MOST } from '../../src/io/customer-pruning.js';

/** One thread's customers of an operation: calls and cost units by name. */
type Thread = Map<string, { calls: number; units: number }>;

/** What a thread reports, as bestCustomers does: its pairs laid out as the pair table keeps them (calls, then units). */
function report(thread: Thread, top: number, threads: number, wholeUpTo: number): ThreadBest {
  const names = [...thread.keys()];
  // Pairs of another operation sit between this one's.
  const sums = new Float64Array(4 * names.length);
  const pairs = Int32Array.from(names, (_, i) => 2 * i + 1);
  names.forEach((name, i) => {
    sums[2 * (2 * i + 1)] = thread.get(name)!.calls;
    sums[2 * (2 * i + 1) + 1] = thread.get(name)!.units;
  });
  const { floor, chosen } = reportedOf(pairs, sums, top, threads, wholeUpTo);
  const given = Array.from(chosen, (pair) => names[(pair - 1) / 2]!);
  return { names: given, calls: Float64Array.from(given, (n) => thread.get(n)!.calls), units: Float64Array.from(given, (n) => thread.get(n)!.units), floor };
}

/** The plain way: every thread's customers merged by name, costliest first, ties by name. */
function reference(threads: readonly Thread[], top: number): { customer: string; calls: number; units: number }[] {
  const merged = new Map<string, { calls: number; units: number }>();
  for (const thread of threads) {
    for (const [name, c] of thread) {
      const seen = merged.get(name) ?? { calls: 0, units: 0 };
      merged.set(name, { calls: seen.calls + c.calls, units: seen.units + c.units });
    }
  }
  return [...merged]
    .sort(([a, x], [b, y]) => y.units - x.units || a.localeCompare(b))
    .slice(0, top)
    .map(([customer, c]) => ({ customer, ...c }));
}

const threadArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 120 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      // Costs from a few values (many ties) or many, zeros among them.
      fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 10 ** 6 })), { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, units, calls]): Thread => new Map(ids.map((id, i) => [`cust_${String(id).padStart(3, '0')}`, { calls: calls[i]!, units: units[i]! }])));

describe('the costliest customers from each thread’s costliest', () => {
  it('are those of every customer merged by name, however the threads split them', () => {
    fc.assert(
      fc.property(fc.array(threadArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 3, 50, 10_000), (threads, top, wholeUpTo) => {
        const reports = threads.map((t) => report(t, top, threads.length, wholeUpTo));
        // A thread that leaves customers out reports its top at least.
        for (const [t, r] of reports.entries()) expect(r.floor < 0 ? r.names.length : Math.min(r.names.length, top)).toBe(r.floor < 0 ? threads[t]!.size : Math.min(top, threads[t]!.size));
        const candidates = candidatesOf(reports, top);
        // The floors the threads choose always let it tell.
        expect(candidates).toBeDefined();
        // Asked again, a thread gives its sums of the names it left out (0 for one it never met).
        for (const [t, thread] of threads.entries()) {
          const names = candidates!.missing[t]!;
          for (const name of names) expect(reports[t]!.names).not.toContain(name);
          addMissing(candidates!, t, names.map((n) => thread.get(n)?.calls ?? 0), names.map((n) => thread.get(n)?.units ?? 0));
        }
        expect(costliestOf(candidates!, top)).toEqual(reference(threads, top));
      }),
      { numRuns: 1500 },
    );
  });

  it('leave out the customers that cannot reach the top, and ask only about the rest', () => {
    const a: Thread = new Map(Array.from({ length: 40 }, (_, i) => [`c${String(i).padStart(2, '0')}`, { calls: 1, units: i === 0 ? 1000 : i }]));
    const b: Thread = new Map([['c01', { calls: 2, units: 990 }], ['c02', { calls: 1, units: 5 }], ['z', { calls: 1, units: 3 }]]);
    const reports = [report(a, 1, 2, 0), report(b, 1, 2, 0)];
    // a's costliest is 1000 units: it gives those costing 500 or more; b gives those costing 495 or more.
    expect(reports.map((r) => [r.floor, r.names])).toEqual([
      [500, ['c00']],
      [495, ['c01']],
    ]);
    const candidates = candidatesOf(reports, 1)!;
    // c01 may cost up to 990 + 499 in all, past c00's 1000 so far: a is asked about it; c00 may cost up to 1000 + 494.
    expect(candidates.missing).toEqual([['c01'], ['c00']]);
    addMissing(candidates, 0, [1], [1]);
    addMissing(candidates, 1, [0], [0]);
    expect(costliestOf(candidates, 1)).toEqual([{ customer: 'c00', calls: 1, units: 1000 }]);
  });

  it('sends every customer for a --top past TOP_AT_MOST', () => {
    const thread: Thread = new Map(Array.from({ length: 200 }, (_, i) => [`c${i}`, { calls: 1, units: i }]));
    expect(report(thread, TOP_AT_MOST, 2, 0).floor).toBeGreaterThan(0);
    const all = report(thread, TOP_AT_MOST + 1, 2, 0);
    expect([all.floor, all.names.length]).toEqual([-1, 200]);
  });

  it('cannot tell when the floors left out add up past the top-th costliest reported', () => {
    const best = (names: string[], units: number[], floor: number): ThreadBest => ({ names, calls: units.map(() => 1), units, floor });
    // Nobody reported by either thread may cost up to 60 + 60, past the 100 that c reached.
    expect(candidatesOf([best(['c'], [100], 60), best(['d'], [70], 60)], 1)).toBeUndefined();
    expect(candidatesOf([best(['c'], [100], 50), best(['d'], [70], 50)], 1)).toBeDefined();
    // Sums that could pass 2^53 are not added up as Numbers.
    expect(candidatesOf([best(['c'], [2 ** 52], -1), best(['c'], [2 ** 52], -1)], 1)).toBeUndefined();
  });
});
