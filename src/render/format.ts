import { type Dec, ZERO } from '../core/decimal.js';
import { formatMoney, groupThousands } from '../core/price.js';
import { percent } from '../core/design.js';
import type { Style } from '../ui.js';

/** Money as people read it: cents from a unit up ($1,339.33, $2.00 for 1.9977), six significant digits below ($0.0002, $0.50). */
export function money(amount: Dec, currency: string): string {
  if (amount.abs().lt(1)) return formatMoney(amount.toSignificantDigits(6), currency);
  return formatMoney(amount.toDecimalPlaces(2), currency, !amount.isInteger());
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
