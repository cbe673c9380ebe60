import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/time.js';

describe('parseInstant', () => {
  it('reads every time without an offset as UTC', () => {
    expect(parseInstant('2024-06-10T10:00:00')).toBe(Date.UTC(2024, 5, 10, 10));
    expect(parseInstant('2024-06-10 10:00')).toBe(Date.UTC(2024, 5, 10, 10));
    expect(parseInstant('2024-06-10')).toBe(Date.UTC(2024, 5, 10));
    expect(parseInstant('2024-06-10T10:00:00.25')).toBe(Date.UTC(2024, 5, 10, 10, 0, 0, 250));
    expect(parseInstant('2024-06-10T10:00:00.123456789')).toBe(Date.UTC(2024, 5, 10, 10, 0, 0, 123));
  });

  it('applies an offset when there is one', () => {
    expect(parseInstant('2024-06-10T10:00:00Z')).toBe(Date.UTC(2024, 5, 10, 10));
    expect(parseInstant('2024-06-10T12:00:00+02:00')).toBe(Date.UTC(2024, 5, 10, 10));
    expect(parseInstant('2024-06-10T05:30:00-0430')).toBe(Date.UTC(2024, 5, 10, 10));
  });

  it('refuses what is not an ISO 8601 date or names a day that does not exist', () => {
    for (const text of ['', 'yesterday', '10/06/2024', '2024-13-01', '2024-02-30', '2023-02-29', '2024-06-10T24:00:00', '2024-06-10T10:00:00+25:00']) {
      expect(parseInstant(text), text).toBeNaN();
    }
    expect(parseInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});
