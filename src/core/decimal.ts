import { Decimal as DecimalLib } from 'decimal.js';

/**
 * The one decimal type of `credits`. Money and ratios are never binary floats:
 * 40 significant digits is far beyond any price, and exponent notation is
 * switched off so no value prints as 2e-7.
 */
export const Dec = DecimalLib.clone({
  precision: 40,
  // Half up, as people round money by hand and spreadsheets do: what `credits` prints to a given
  // number of places is what a reader checking it with a calculator gets.
  rounding: DecimalLib.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = DecimalLib;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);

export function isDec(value: unknown): value is Dec {
  return DecimalLib.isDecimal(value);
}

export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function maxOf(values: readonly Dec[]): Dec {
  if (values.length === 0) throw new RangeError('maxOf needs at least one value');
  return values.reduce((a, b) => (b.gt(a) ? b : a));
}

export function minOf(values: readonly Dec[]): Dec {
  if (values.length === 0) throw new RangeError('minOf needs at least one value');
  return values.reduce((a, b) => (b.lt(a) ? b : a));
}

/** Digits recorded in a table: plenty for money, short enough to read. */
export function recordCost(value: Dec): Dec {
  return value.toSignificantDigits(12);
}

export function recordRatio(value: Dec): Dec {
  return value.toDecimalPlaces(4);
}

export function recordRaw(value: Dec): Dec {
  return value.toSignificantDigits(6);
}
