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

const PRECISION = 40;
const TEN = 10n;

/** A non-negative decimal or whole number as coefficient × 10^-places, both exact. */
function scaled(value: Dec | bigint): { coefficient: bigint; places: number } {
  if (typeof value === 'bigint') return { coefficient: value, places: 0 };
  const text = value.toFixed();
  const point = text.indexOf('.');
  return point < 0 ? { coefficient: BigInt(text), places: 0 } : { coefficient: BigInt(text.slice(0, point) + text.slice(point + 1)), places: text.length - point - 1 };
}

/**
 * value × m / d for value, m ≥ 0 and d > 0, rounded once to Dec's 40
 * significant digits, half up. The exact quotient comes from BigInt
 * arithmetic on the digits, several times faster than a 40-digit decimal
 * division, which matters where a figure is worked out for each of 50,000
 * customers; rounded once, it is never further from the exact value than
 * value.times(m).dividedBy(d).
 */
export function quotient(value: Dec, m: Dec | bigint, d: Dec | bigint): Dec {
  return quotientOf(scaled(value), m, d);
}

/** quotient() of coefficient × 10^-places, for a caller that has a value's digits already (integer units at a scale). */
export function quotientOf(v: { coefficient: bigint; places: number }, m: Dec | bigint, d: Dec | bigint): Dec {
  return decOf(quotientDigits(v, m, d));
}

/** A non-negative decimal as its digits: digits × 10^-shift. */
export interface Digits {
  digits: bigint;
  shift: number;
}

/** The Dec of some digits. */
export function decOf(q: Digits): Dec {
  return q.digits === 0n ? ZERO : new Dec(`${q.digits}e${-q.shift}`);
}

/**
 * Digits rounded half up to `places` decimals and written as
 * decOf(q).toDecimalPlaces(places).toFixed() writes them (no trailing zeros),
 * without making the Dec: a document of 50,000 customers writes two a row.
 */
export function digitsText(q: Digits, places: number): string {
  let { digits, shift } = q;
  if (digits === 0n) return '0';
  if (shift > places) {
    const unit = tenTo(shift - places);
    const rest = digits % unit;
    digits = digits / unit + (rest * 2n >= unit ? 1n : 0n);
    shift = places;
  }
  // Integer units under 2^53 at up to 15 places (credits as the reader sums them, a projection rounded to
  // its places): Number arithmetic is exact and quicker.
  if (shift >= 0 && shift <= 15 && digits < 9_007_199_254_740_992n) return countText(Number(digits), shift);
  if (shift <= 0) return (digits * tenTo(-shift)).toString();
  const text = digits.toString().padStart(shift + 1, '0');
  const fraction = text.slice(-shift).replace(/0+$/, '');
  return fraction === '' ? text.slice(0, -shift) : `${text.slice(0, -shift)}.${fraction}`;
}

/** A count of 10^-places: an integer in [0, 2^53), places in [0, 15], as the readers sum credits. */
export interface Units {
  count: number;
  places: number;
}

/** The units as a coefficient for the exact arithmetic. */
export function exactUnits(v: Units): { coefficient: bigint; places: number } {
  return { coefficient: BigInt(v.count), places: v.places };
}

/** The units written as their decimal is (no trailing zeros). */
export function unitsText(v: Units): string {
  return countText(v.count, v.places);
}

/**
 * digitsText(quotientDigits(v, m, d), places) for whole m and d, units at
 * `places` (credits in millionths, projected over a month of milliseconds):
 * in floats where they settle the rounding, else exactly. The float quotient
 * v·m/d is two roundings from the exact one, under (v·m/d)·2^-52 away; when
 * its fraction is further than four times that from one half, it rounds the
 * way the exact quotient does (and the 40 digits of quotientDigits, which lie
 * far closer to it). A document of 50,000 customers writes one a row.
 */
export function quotientText(v: Units, m: number, d: number, places: number): string {
  if (v.places === places && places <= 15 && Number.isSafeInteger(v.count) && v.count >= 0 && Number.isSafeInteger(m) && Number.isSafeInteger(d) && m >= 0 && d > 0) {
    const y = (v.count * m) / d;
    if (y < 2 ** 51) {
      const whole = Math.floor(y);
      const fraction = y - whole;
      if (Math.abs(fraction - 0.5) > y * 2 ** -50) return countText(fraction > 0.5 ? whole + 1 : whole, places);
    }
  }
  return digitsText(quotientDigits(exactUnits(v), BigInt(m), BigInt(d)), places);
}

/** A non-negative integer under 2^53 over 10^places, written with no trailing zeros. */
function countText(units: number, places: number): string {
  if (places === 0) return String(units);
  const per = 10 ** places;
  const whole = Math.floor(units / per);
  let fraction = units - whole * per;
  if (fraction === 0) return String(whole);
  let width = places;
  while (fraction % 10 === 0) {
    fraction /= 10;
    width--;
  }
  return `${whole}.${String(fraction).padStart(width, '0')}`;
}

/** 10^k as BigInts, made as needed. */
const TENS: bigint[] = [1n];
function tenTo(k: number): bigint {
  while (TENS.length <= k) TENS.push(TENS[TENS.length - 1]! * TEN);
  return TENS[k]!;
}

/** How many decimal digits a positive BigInt has, by comparison with powers of ten rather than writing it out. */
function digitCount(n: bigint): number {
  let lo = 1;
  let hi = 2;
  while (tenTo(hi) <= n) hi *= 2;
  // 10^(lo-1) <= n < 10^hi
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tenTo(mid) <= n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** quotientOf() as digits, before they become a Dec. */
export function quotientDigits(v: { coefficient: bigint; places: number }, m: Dec | bigint, d: Dec | bigint): Digits {
  const [times, by] = [scaled(m), scaled(d)];
  if (v.coefficient < 0n || times.coefficient < 0n || by.coefficient <= 0n) throw new RangeError('quotient takes value ≥ 0, m ≥ 0 and d > 0');
  const numerator = v.coefficient * times.coefficient * tenTo(by.places);
  if (numerator === 0n) return { digits: 0n, shift: 0 };
  const denominator = by.coefficient * tenTo(v.places + times.places);
  // Scaled by 10^shift, the integer quotient has exactly PRECISION digits: the first guess is off by one at most.
  let shift = PRECISION - (digitCount(numerator) - digitCount(denominator)) - 1;
  for (;;) {
    const n = shift >= 0 ? numerator * tenTo(shift) : numerator;
    const q = shift >= 0 ? denominator : denominator * tenTo(-shift);
    const whole = n / q;
    const digits = whole === 0n ? 0 : digitCount(whole);
    if (digits > PRECISION) shift--;
    else if (digits < PRECISION) shift++;
    else return { digits: (n % q) * 2n >= q ? whole + 1n : whole, shift };
  }
}
