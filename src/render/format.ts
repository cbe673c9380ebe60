import { type Dec, ZERO } from '../core/decimal.js';
import { formatMoney, groupThousands } from '../core/price.js';
import { percent } from '../core/design.js';
import type { Style } from '../ui.js';

/** Money as people read it: cents from a unit up ($1,339.33, $2.00 for 1.9977), six significant digits below ($0.0002, $0.50). */
export function money(amount: Dec, currency: string): string {
  if (amount.abs().lt(1)) return formatMoney(amount.toSignificantDigits(6), currency);
  return formatMoney(amount.toDecimalPlaces(2), currency, !amount.isInteger());
}

/**
 * A column of money with one number of decimals, the most any of its values
 * needs as `money` shows it, so the amounts line up: $0.0002, $0.0150, $0.5000.
 */
export function moneyColumn(amounts: readonly Dec[], currency: string): string[] {
  const decimals = Math.max(0, ...amounts.map((a) => (a.abs().lt(1) ? a.toSignificantDigits(6) : a.toDecimalPlaces(2)).decimalPlaces()));
  const places = amounts.some((a) => !a.isInteger()) ? Math.max(decimals, 2) : 0;
  return amounts.map((a) => formatMoney(a.toDecimalPlaces(places), currency, places > 0).replace(/(\.\d*)$/, (fraction) => fraction.padEnd(places + 1, '0')));
}

/** "1 credit", "2,500 credits". */
export function credits(value: Dec): string {
  return `${count(value)} credit${value.eq(1) ? '' : 's'}`;
}

export function count(value: Dec): string {
  return groupThousands(value.toSignificantDigits(8).toFixed());
}

export function ratioNumber(value: Dec): string {
  return value.toSignificantDigits(6).toFixed();
}

/** The change rounding made, as a signed percentage: +25%, −11.1%, 0%. */
export function signedPercent(ratio: Dec): string {
  return ratio.gt(ZERO) ? `+${percent(ratio)}` : percent(ratio);
}

export function marginCell(margin: Dec, floor: Dec, style: Style): string {
  const text = percent(margin);
  if (margin.lt(ZERO)) return style.red(text);
  if (margin.lt(floor)) return style.yellow(text);
  return style.green(text);
}

export { safeText } from './safe-text.js';

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
