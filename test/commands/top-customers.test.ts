import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topCustomers } from '../../src/commands/audit.js';
import { Dec } from '../../src/core/decimal.js';
import { ExactSum, SAFE_UNITS } from '../../src/core/exact-sum.js';
import { COST_SCALE, type CustomerUsage } from '../../src/io/usage-scan.js';

/** What the audit shows of an operation's customers, worked out the plain way: merged by name in decimals, sorted, cut. */
function reference(customers: readonly CustomerUsage[], top: number): { customer: string; calls: number; cost: string }[] {
  const merged = new Map<string, { customer: string; calls: number; cost: Dec }>();
  for (const c of customers) {
    const seen = merged.get(c.customer);
    const cost = c.cost.total(COST_SCALE);
    merged.set(c.customer, seen ? { customer: c.customer, calls: seen.calls + c.calls, cost: seen.cost.plus(cost) } : { customer: c.customer, calls: c.calls, cost });
  }
  return [...merged.values()]
    .sort((a, b) => b.cost.comparedTo(a.cost) || a.customer.localeCompare(b.customer))
    .slice(0, top)
    .map((c) => ({ ...c, cost: c.cost.toFixed() }));
}

const sum = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.constantFrom(SAFE_UNITS, SAFE_UNITS - 1, 2 ** 40) }),
    fc.oneof({ weight: 8, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 20n }) }),
    fc.oneof({ weight: 8, arbitrary: fc.constant('0') }, { weight: 1, arbitrary: fc.constantFrom('0.0000001', '3', '0.5') }),
  )
  .map(([small, big, extra]) => {
    const cost = new ExactSum();
    cost.small = small;
    cost.big = big;
    cost.extra = new Dec(extra);
    return cost;
  });
// Names that meet again (as a customer read by two threads does), costs that tie, and now and then more customers than
// sixteen times those asked for, which are chosen one by one rather than sorted.
const name = fc.oneof(fc.constantFrom('a', 'b', 'B', 'c', 'é', 'e', 'z', 'aa'), fc.integer({ min: 0, max: 300 }).map((n) => `c${n}`));
const customer = fc.record({ customer: name, calls: fc.integer({ min: 1, max: 9 }), cost: sum });

describe('an operation’s top customers', () => {
  it('are those the plain sort of every customer in decimals gives, ties by name, whether the costs are units or not', () => {
    fc.assert(
      fc.property(fc.array(customer, { maxLength: 300 }), fc.integer({ min: 1, max: 12 }), (customers, top) => {
        const got = topCustomers(customers, top)
          .sort((a, b) => b.cost.comparedTo(a.cost) || a.customer.localeCompare(b.customer))
          .slice(0, top)
          .map((c) => ({ ...c, cost: c.cost.toFixed() }));
        expect(got).toEqual(reference(customers, top));
        // Customers merged by name already, as the threads' reader hands them over.
        const byName = [...new Map(customers.map((c) => [c.customer, c])).values()];
        const given = topCustomers(byName, top, true)
          .sort((a, b) => b.cost.comparedTo(a.cost) || a.customer.localeCompare(b.customer))
          .slice(0, top)
          .map((c) => ({ ...c, cost: c.cost.toFixed() }));
        expect(given).toEqual(reference(byName, top));
      }),
      { numRuns: 2000 },
    );
  });

  it('are only the top ones, in order, when every cost is units', () => {
    const customers = Array.from({ length: 1000 }, (_, i): CustomerUsage => {
      const cost = new ExactSum();
      cost.small = (i * 7919) % 1000;
      return { customer: `c${i}`, calls: 1, cost };
    });
    const got = topCustomers(customers, 5);
    expect(got.map((c) => `${c.customer} ${c.cost.toFixed()}`)).toEqual(reference(customers, 5).map((c) => `${c.customer} ${c.cost}`));
    expect(got).toHaveLength(5);
  });
});
