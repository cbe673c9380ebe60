import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, decOf, digitsText, quotient, quotientDigits, quotientOf, quotientText } from '../../src/core/decimal.js';

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

  it('writes a projection from floats only where they settle it: as the exact quotient writes, at and near every half', () => {
    const exact = (c: bigint, m: number, d: number) => digitsText(quotientDigits({ coefficient: c, places: 6 }, BigInt(m), BigInt(d)), 6);
    const safe = fc.bigInt({ min: 0n, max: 2n ** 53n - 1n });
    // Credits in millionths projected over a month of milliseconds, from its first one to its last.
    fc.assert(
      fc.property(safe, fc.integer({ min: 1, max: 2_678_400_000 }), fc.integer({ min: 1, max: 2_678_400_000 }), (c, m, d) => {
        expect(quotientText({ count: Number(c), places: 6 }, m, d, 6)).toBe(exact(c, m, d));
      }),
      { numRuns: 3000 },
    );
    // Exactly a half: (2n + 1)·k / 2k; and a hair either side of one: (10^j·(2n + 1) ± 1) / (2·10^j).
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 15 }), fc.constantFrom(-1n, 0n, 1n), (n, k, j, hair) => {
        const half = 2n * n + 1n;
        expect(quotientText({ count: Number(half), places: 6 }, k, 2 * k, 6)).toBe(exact(half, k, 2 * k));
        const near = 10n ** BigInt(j) * half + hair;
        if (near >= 0n && near < 2n ** 53n) expect(quotientText({ count: Number(near), places: 6 }, 1, 2 * 10 ** j, 6)).toBe(exact(near, 1, 2 * 10 ** j));
      }),
      { numRuns: 3000 },
    );
    // Units at another scale than the places: the exact path.
    expect(quotientText({ count: 12345, places: 2 }, 1, 3, 6)).toBe(digitsText(quotientDigits({ coefficient: 12345n, places: 2 }, 1n, 3n), 6));
    expect(quotientText({ count: 5, places: 6 }, 1, 2, 6)).toBe('0.000003');
    expect(quotientText({ count: 2 ** 53 - 1, places: 6 }, 2_678_400_000, 3, 6)).toBe(exact(2n ** 53n - 1n, 2_678_400_000, 3));
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
