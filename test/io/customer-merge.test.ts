import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { SAFE_UNITS } from '../../src/core/exact-sum.js';
import { CustomerIds, MergedCustomers } from '../../src/io/usage-parallel.js';
import { COST_SCALE } from '../../src/io/usage-scan.js';

/** A pair's key as the pair table writes it: customer × 2^20 + operation + 1. */
const keyOf = (customer: number, op: number) => customer * 2 ** 20 + op + 1;

interface Call {
  customer: number;
  calls: number;
  units: number;
  big?: string;
  extra?: string;
}

/** One thread's part of an operation: its customer names (ids 0…), and its pairs of that operation. */
interface Thread {
  names: string[];
  calls: Call[];
}

/** The plain way: every pair's cost a decimal, merged by name in a Map, sorted costliest first and by name. */
function reference(threads: readonly Thread[]): Map<string, { calls: number; cost: Dec }> {
  const merged = new Map<string, { calls: number; cost: Dec }>();
  for (const t of threads) {
    for (const c of t.calls) {
      const name = t.names[c.customer]!;
      let cost = new Dec(c.units).dividedBy(new Dec(10).pow(COST_SCALE));
      if (c.big) cost = cost.plus(new Dec(c.big).dividedBy(new Dec(10).pow(COST_SCALE)));
      if (c.extra) cost = cost.plus(c.extra);
      const seen = merged.get(name);
      merged.set(name, seen ? { calls: seen.calls + c.calls, cost: seen.cost.plus(cost) } : { calls: c.calls, cost });
    }
  }
  return merged;
}

function merge(threads: readonly Thread[]): MergedCustomers {
  const parts = threads.map((t, thread) => {
    // Pairs of other operations sit between this one's, as in a real table.
    const keys = new Float64Array(2 * t.calls.length);
    const sums = new Float64Array(4 * t.calls.length);
    const pairs = new Int32Array(t.calls.length);
    const big: [number, string][] = [];
    const extra: [number, string][] = [];
    t.calls.forEach((c, i) => {
      const pair = 2 * i + 1;
      keys[pair - 1] = keyOf(c.customer, 1);
      keys[pair] = keyOf(c.customer, 0);
      sums[2 * pair] = c.calls;
      sums[2 * pair + 1] = c.units;
      pairs[i] = pair;
      if (c.big) big.push([i, c.big]);
      if (c.extra) extra.push([i, c.extra]);
    });
    return { thread, table: { keys, sums }, packed: { pairs, big, extra } };
  });
  return new MergedCustomers(parts, new CustomerIds(threads.map((t) => t.names)));
}

const nameArb = fc.oneof(fc.constantFrom('a', 'b', 'B', 'é', 'e', 'aa'), fc.integer({ min: 0, max: 60 }).map((n) => `c${n}`));
const threadArb = fc.uniqueArray(nameArb, { minLength: 1, maxLength: 40 }).chain((names) =>
  fc.record({
    names: fc.constant(names),
    calls: fc.uniqueArray(
      fc.record(
        {
          customer: fc.integer({ min: 0, max: names.length - 1 }),
          calls: fc.integer({ min: 1, max: 9 }),
          units: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 50 }) }, { weight: 1, arbitrary: fc.constantFrom(SAFE_UNITS, SAFE_UNITS - 1, 2 ** 40) }),
          big: fc.option(fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String), { freq: 12, nil: undefined }),
          extra: fc.option(fc.constantFrom('0.0000001', '3', '0.5'), { freq: 12, nil: undefined }),
        },
        { requiredKeys: ['customer', 'calls', 'units'] },
      ),
      { selector: (c) => c.customer, maxLength: 40 },
    ),
  }),
);

describe('customers merged across threads', () => {
  it('have the calls and cost of the plain merge by name, in the order met, and the same top customers', () => {
    fc.assert(
      fc.property(fc.array(threadArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 8 }), (threads, top) => {
        const merged = merge(threads);
        const want = reference(threads);
        const got = merged.values();
        expect(got.map((c) => c.customer)).toEqual([...want.keys()]);
        for (const c of got) expect({ calls: c.calls, cost: c.cost.total(COST_SCALE).toFixed() }).toEqual({ calls: want.get(c.customer)!.calls, cost: want.get(c.customer)!.cost.toFixed() });
        const spilled = threads.some((t) => t.calls.some((c) => c.big !== undefined || c.extra !== undefined)) || [...want.values()].some((c) => c.cost.times(new Dec(10).pow(COST_SCALE)).gt(SAFE_UNITS));
        const chosen = merged.top(top);
        // Past SAFE_UNITS or with more decimals, the caller sorts the decimals of values() instead.
        if (chosen === undefined) {
          expect(spilled).toBe(true);
          return;
        }
        const expected = [...want]
          .sort(([a, x], [b, y]) => y.cost.comparedTo(x.cost) || a.localeCompare(b))
          .slice(0, top)
          .map(([customer, c]) => `${customer} ${c.calls} ${c.cost.toFixed()}`);
        expect(chosen.map((c) => `${c.customer} ${c.calls} ${c.cost.toFixed()}`)).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('looks up only the customers an operation has', () => {
    const ids = new CustomerIds([['a', 'b', 'c'], ['c', 'd']]);
    expect(ids.id(1, 0)).toBe(0);
    expect(ids.id(0, 2)).toBe(0);
    expect(ids.id(0, 0)).toBe(1);
    expect(ids.names).toEqual(['c', 'a']);
  });
});
