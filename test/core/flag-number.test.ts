import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { flagNumber } from '../../src/core/flag-number.js';

describe('flagNumber', () => {
  it('reads plain numbers, percentages and prices per thousand or million exactly', () => {
    expect(flagNumber('0.7')).toBe('0.7');
    expect(flagNumber(' 70% ', { percent: true })).toBe('0.7');
    expect(flagNumber('120%', { percent: true })).toBe('1.2');
    expect(flagNumber('2.5/1M', { per: true })).toBe('0.0000025');
    expect(flagNumber('15 / 1k', { per: true })).toBe('0.015');
    expect(flagNumber('1e-3')).toBe('0.001');
    expect(flagNumber('.5')).toBe('0.5');
    expect(flagNumber('-0')).toBe('0');
    expect(flagNumber('0.00000012345678901234567')).toBe('0.00000012345678901234567');
  });

  it('refuses what is not a number, and forms not asked for', () => {
    for (const text of ['', '.', 'e5', 'abc', '1,5', '70%', '2.5/1M', '1.2.3', '--1']) expect(flagNumber(text), text).toBeUndefined();
  });

  it('shifts the decimal point exactly as decimal division does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: -8, max: 8 }), fc.constantFrom('', '%', '/1K', '/1M'), (mantissa, scale, exponent, suffix) => {
        const digits = mantissa.toString().replace('-', '').padStart(scale + 1, '0');
        const text = `${mantissa < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(-scale)}` : ''}${exponent !== 0 ? `e${exponent}` : ''}`;
        const divisor = { '': 1, '%': 100, '/1K': 1000, '/1M': 1_000_000 }[suffix];
        const Wide = Dec.clone({ precision: 200 });
        expect(flagNumber(`${text}${suffix}`, { percent: true, per: true })).toBe(new Wide(text).dividedBy(divisor).toFixed());
      }),
      { numRuns: 500 },
    );
  });
});
