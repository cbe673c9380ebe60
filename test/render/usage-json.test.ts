import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, decOf } from '../../src/core/decimal.js';
import type { CustomerMonth } from '../../src/core/usage.js';
import { toJson } from '../../src/render/json.js';
import { customerJson, customerRowText } from '../../src/render/usage.js';

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

/** A customer as credits usage makes it from integer units: used and projected also as digits, the decimals made from them. */
const fromUnits: fc.Arbitrary<CustomerMonth> = fc
  .tuple(customer, fc.bigInt({ min: 0n, max: 4n * 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 41n }), fc.integer({ min: -3, max: 45 }))
  .map(([c, units, digits, shift]) => ({ ...c, used: new Dec(`${units}e-6`), usedUnits: { coefficient: units, places: 6 }, projected: decOf({ digits, shift }), projectedDigits: { digits, shift } }));

describe('the usage document', () => {
  it('writes each row of every customer exactly as the JSON writer writes the customer', () => {
    fc.assert(
      fc.property(fc.oneof(customer, fromUnits), (c) => {
        expect(customerRowText(c)).toBe(toJson(customerJson(c, false), '  ', 2));
      }),
      { numRuns: 2000 },
    );
  });
});
