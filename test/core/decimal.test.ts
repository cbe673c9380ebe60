import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, decOf, digitsText, quotient, quotientDigits, quotientOf } from '../../src/core/decimal.js';

/** Non-negative decimals of up to 30 significant digits, from 10^-20 to 10^12. */
const value = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }), fc.integer({ min: -20, max: -18 + 30 }))
  .map(([coefficient, exponent]) => new Dec(`${coefficient}e${exponent}`));
/** Up to 10 digits: a product with a value above has at most 40 digits, so Dec computes it exactly. */
const whole = (min: bigint) => fc.bigInt({ min, max: 10n ** 10n - 1n });

describe('quotient', () => {
  it('equals Dec’s own value.times(m).dividedBy(d) where the product is exact', () => {
    fc.assert(
      fc.property(value, whole(0n), whole(1n), (v, m, d) => {
        expect(quotient(v, m, d).toFixed()).toBe(v.times(m.toString()).dividedBy(d.toString()).toFixed());
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same from integer units at any scale as from the decimal they stand for', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 12 }), whole(0n), whole(1n), (units, places, m, d) => {
        expect(quotientOf({ coefficient: units, places }, m, d).toFixed()).toBe(quotient(new Dec(`${units}e-${places}`), m, d).toFixed());
      }),
      { numRuns: 2000 },
    );
  });

  it('writes digits to some places as the Dec rounded to them writes itself, without making it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 42n }), fc.integer({ min: -5, max: 45 }), fc.integer({ min: 0, max: 12 }), (digits, shift, places) => {
        expect(digitsText({ digits, shift }, places)).toBe(decOf({ digits, shift }).toDecimalPlaces(places).toFixed());
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 12 }), whole(0n), whole(1n), (units, places, m, d) => {
        const q = quotientDigits({ coefficient: units, places }, m, d);
        expect(digitsText(q, 6)).toBe(quotientOf({ coefficient: units, places }, m, d).toDecimalPlaces(6).toFixed());
      }),
      { numRuns: 1000 },
    );
  });

  it('takes decimals as m and d, and rounds half up once at 40 digits', () => {
    expect(quotient(new Dec('1'), 1n, 3n).toFixed()).toBe(`0.${'3'.repeat(40)}`);
    expect(quotient(new Dec('2'), 1n, 3n).toFixed()).toBe(`0.${'6'.repeat(39)}7`);
    expect(quotient(new Dec('32450'), 2_678_400_000n, 1_339_200_000n).toFixed()).toBe('64900');
    expect(quotient(new Dec('0.5'), new Dec('0.25'), new Dec('0.001')).toFixed()).toBe('125');
    expect(quotient(new Dec('0'), 7n, 3n).toFixed()).toBe('0');
    expect(quotient(new Dec(`${'9'.repeat(41)}`), 1n, 1n).toFixed()).toBe(`1${'0'.repeat(41)}`);
    expect(() => quotient(new Dec(1), 1n, 0n)).toThrow(RangeError);
    expect(() => quotient(new Dec(-1), 1n, 1n)).toThrow(RangeError);
  });
});
