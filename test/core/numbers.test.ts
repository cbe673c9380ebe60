import { describe, expect, it } from 'vitest';
import { parseDecimal, readNumber, signFits } from '../../src/core/numbers.js';

const plain = (text: string, decimalComma = false) => {
  const read = readNumber(text, decimalComma ? { decimalMark: 'comma' } : {});
  return typeof read === 'string' ? read : read.value.toFixed();
};

describe('readNumber', () => {
  it('reads numbers as spreadsheets export them', () => {
    expect(parseDecimal('0.0002')?.toFixed()).toBe('0.0002');
    expect(parseDecimal(' $0.0002 ')?.toFixed()).toBe('0.0002');
    expect(parseDecimal('$ 1,800,000')?.toFixed()).toBe('1800000');
    expect(parseDecimal('1,800,000.25')?.toFixed()).toBe('1800000.25');
    expect(parseDecimal('12,345.67')?.toFixed()).toBe('12345.67');
    expect(parseDecimal('2E-04')?.toFixed()).toBe('0.0002');
    expect(parseDecimal('.5')?.toFixed()).toBe('0.5');
    expect(parseDecimal('-3')?.toFixed()).toBe('-3');
    expect(parseDecimal('1.250')?.toFixed()).toBe('1.25');
  });

  it('refuses what is not a finite number under either convention', () => {
    for (const text of ['', 'abc', 'NaN', 'Infinity', '1.2.3', '12,34,567', '0x10', '1 2', '$5€', '+-3', '$']) {
      expect(plain(text), text).toBe('invalid');
    }
  });

  it('never guesses a number whose reading depends on the locale', () => {
    for (const text of ['0,004', '1,250', '12,34', '1,80', '1.234,5', '1.234.567', '€0,50']) {
      expect(plain(text), text).toBe('locale');
    }
  });

  it('reads a decimal comma when told to, with dots grouping thousands', () => {
    expect(plain('0,004', true)).toBe('0.004');
    expect(plain('1.234,5', true)).toBe('1234.5');
    expect(plain('1,250', true)).toBe('1.25');
    expect(plain('1.800.000', true)).toBe('1800000');
    expect(plain('1,5e-7', true)).toBe('0.00000015');
    expect(plain('0,50 €', true)).toBe('0.5');
    // A dot is no decimal mark then: 0.004 is a number only with a decimal point.
    expect(plain('1.250', true)).toBe('1250');
    expect(plain('0.004', true)).toBe('locale');
  });

  it('reports the currency sign a cell carries', () => {
    expect(readNumber('$0.0002')).toEqual({ value: expect.anything(), sign: '$' });
    expect(readNumber('0,50 €', { decimalMark: 'comma' })).toMatchObject({ sign: '€' });
    expect(signFits('$', 'USD')).toBe(true);
    expect(signFits('€', 'USD')).toBe(false);
    expect(signFits('$', 'EUR')).toBe(false);
    expect(signFits('£', 'GBP')).toBe(true);
  });
});
