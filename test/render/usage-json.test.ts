import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { type CustomerMonth, customerMonth, monthWindow } from '../../src/core/usage.js';
import { toJson } from '../../src/render/json.js';
import { customerJson, usageJsonPieces } from '../../src/render/usage.js';
import { ROW_SEPARATOR, customerRowText, rowPieces, rowTask, rowsOfTask } from '../../src/render/usage-rows.js';

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

  it('writes, from a row task, the bytes rowPieces writes of the same customers', () => {
    // Customers as the reader hands them over: names of any text (quotes, controls, astral characters), units of 10^-6,
    // and windows from the month's first instant to past its end.
    const name = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('a"b', 'back\\slash', 'tab\tnl\n', '😀', 'kunde_ü'));
    const units = fc.oneof(fc.integer({ min: 0, max: 10 }).map((n) => n * 1_000_000), fc.integer({ min: 0, max: 4 * 10 ** 15 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.nat({ max: 10 ** 6 }), units), { minLength: 1, maxLength: 2100 }), fc.integer({ min: 0, max: 32 * 86_400_000 }), (rows, elapsed) => {
        const window = monthWindow(MONTH, Date.UTC(2026, 9, 1) + elapsed);
        const customers = rows.map(([customer, calls, count]) => customerMonth({ customer, calls, credits: new Dec(`${count}e-6`), units: { count, places: 6 }, operations: () => [] }, window, new Dec('0.001')));
        const task = rowTask(customers, window)!;
        // The task crosses to the thread as a structured clone.
        const bytes = Buffer.concat(rowsOfTask(structuredClone(task))).toString('utf8');
        expect(bytes).toBe(ROW_SEPARATOR + [...rowPieces(customers, 0, customers.length)].join(''));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves to this thread the rows a plan decides, and credits summed otherwise than in units of one scale', () => {
    const window = monthWindow(MONTH, Date.UTC(2026, 9, 16));
    const plain = (count: number, places = 6) => customerMonth({ customer: 'c', calls: 1, credits: new Dec(count).dividedBy(10 ** places), units: { count, places }, operations: () => [] }, window, new Dec('0.001'));
    expect(rowTask([plain(1), plain(2)], window)).toBeDefined();
    expect(rowTask([plain(1), customerMonth({ customer: 'p', calls: 1, credits: new Dec(5), units: { count: 5e6, places: 6 }, operations: () => [] }, window, new Dec('0.001'), { name: 'Pro', included: new Dec(100) })], window)).toBeUndefined();
    expect(rowTask([plain(1), customerMonth({ customer: 'd', calls: 1, credits: new Dec('0.1'), operations: () => [] }, window, new Dec('0.001'))], window)).toBeUndefined();
    expect(rowTask([plain(1), plain(1, 3)], window)).toBeUndefined();
    expect(rowTask([], window)).toBeUndefined();
  });
});

