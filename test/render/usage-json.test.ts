import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { type CustomerMonth, customerMonth, monthWindow } from '../../src/core/usage.js';
import { toJson } from '../../src/render/json.js';
import { customerJson, customerRowText, usageJsonPieces } from '../../src/render/usage.js';

const decimal = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 20 })).map(([n, places]) => new Dec(`${n}e-${places}`));
const customer: fc.Arbitrary<CustomerMonth> = fc.record({
  customer: fc.string({ maxLength: 8 }),
  plan: fc.option(fc.record({ name: fc.string({ maxLength: 6 }), included: decimal }), { nil: undefined }),
  calls: fc.nat(),
  used: decimal,
  projected: decimal,
  usedShare: fc.option(decimal, { nil: undefined }),
  projectedShare: fc.option(decimal, { nil: undefined }),
  overage: fc.option(decimal, { nil: undefined }),
  overageMoney: fc.option(decimal, { nil: undefined }),
  operations: fc.constant([]),
  willExceed: fc.boolean(),
  underTenth: fc.boolean(),
}, { requiredKeys: ['customer', 'calls', 'used', 'projected', 'operations', 'willExceed', 'underTenth'] }) as fc.Arbitrary<CustomerMonth>;

/** A customer as credits usage makes it from integer units, by customerMonth itself: its projection written from the units, its decimals made when read. */
const MONTH = 2026 * 12 + 9;
const fromUnits: fc.Arbitrary<CustomerMonth> = fc
  .tuple(customer, fc.bigInt({ min: 0n, max: 4n * 10n ** 15n }), fc.integer({ min: 0, max: 31 * 86_400_000 - 1 }))
  .map(([c, units, elapsed]) =>
    customerMonth({ customer: c.customer, calls: c.calls, credits: new Dec(`${units}e-6`), units: { count: Number(units), places: 6 }, operations: () => [] }, monthWindow(MONTH, Date.UTC(2026, 9, 1) + elapsed), new Dec('0.001')),
  );

describe('the usage document', () => {
  it('writes each row of every customer exactly as the JSON writer writes the customer', () => {
    fc.assert(
      fc.property(fc.oneof(customer, fromUnits), (c) => {
        expect(customerRowText(c)).toBe(toJson(customerJson(c, false), '  ', 2));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes every customer in pieces that join to the document the JSON writer writes, across batches', () => {
    fc.assert(
      // Up to 2,600 customers: the rows are written a thousand at a time.
      fc.property(fc.constantFrom(0, 1, 999, 1000, 1001, 2600).chain((n) => fc.array(fc.oneof(customer, fromUnits), { minLength: n, maxLength: n })), (customers) => {
        const report = { log: 'usage.csv', table: 'credits.yaml', currency: 'USD', perCredit: new Dec('0.001'), month: '2026-10', now: '2026-10-16T00:00:00.000Z', elapsed: new Dec('0.5'), creditsFrom: 'log' as const, customers, planFit: [] };
        const expected = toJson({
          schema_version: 1,
          log: report.log,
          table: report.table,
          month: report.month,
          now: report.now,
          elapsed: report.elapsed,
          currency: report.currency,
          per_credit: report.perCredit,
          credits_from: report.creditsFrom,
          customers: customers.map((c) => customerJson(c, false)),
          plan_fit: [],
        });
        expect([...usageJsonPieces(report)].join('')).toBe(`${expected}\n`);
      }),
      { numRuns: 15 },
    );
  });
});
