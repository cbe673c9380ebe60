import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../../src/core/numbers.js';

describe('parseDecimal', () => {
  it('reads numbers as spreadsheets export them', () => {
    expect(parseDecimal('0.0002')?.toFixed()).toBe('0.0002');
    expect(parseDecimal(' $0.0002 ')?.toFixed()).toBe('0.0002');
    expect(parseDecimal('$ 1,800,000')?.toFixed()).toBe('1800000');
    expect(parseDecimal('1,800,000.25')?.toFixed()).toBe('1800000.25');
    expect(parseDecimal('2E-04')?.toFixed()).toBe('0.0002');
    expect(parseDecimal('.5')?.toFixed()).toBe('0.5');
    expect(parseDecimal('-3')?.toFixed()).toBe('-3');
  });

  it('refuses what is not a finite number', () => {
    for (const text of ['', 'abc', 'NaN', 'Infinity', '1,80', '1.2.3', '12,34,567', '0x10', '1 2']) {
      expect(parseDecimal(text), text).toBeUndefined();
    }
  });
});
