import { Dec, ONE, ZERO, maxOf, sum } from './decimal.js';
import { DesignError } from './errors.js';

import type { Basis } from './choices.js';

export type { Basis };

/** What pricing needs of an operation. */
export interface PricedInput {
  operation: string;
  cost: Dec;
  credits: Dec;
  volume?: Dec;
}

export interface Price {
  /** The price of one credit, on the price ladder. */
  perCredit: Dec;
  pack: { credits: Dec; price: Dec };
  display: string;
  targetMargin: Dec;
  basis: Basis;
  /** K: the cost per credit the price was derived from. */
  costPerCredit: Dec;
  /** K / (1 − target margin), before rounding up onto the ladder. */
  raw: Dec;
}

const PRICE_MANTISSAS = [1, 2, 2.5, 5, 10].map((m) => new Dec(m));

/** Cost per credit K: the worst operation's, or the volume-weighted blend. */
export function costPerCredit(ops: readonly PricedInput[], basis: Basis): Dec {
  if (ops.length === 0) throw new DesignError('there are no operations to price');
  if (basis === 'worst') return maxOf(ops.map((o) => o.cost.dividedBy(o.credits)));
  const missing = ops.find((o) => o.volume === undefined);
  if (missing) {
    throw new DesignError(`basis blended needs volumes, and ${missing.operation} has none (add a volume column or use --basis worst)`, undefined, true);
  }
  const credits = sum(ops.map((o) => o.volume!.times(o.credits)));
  if (credits.isZero()) throw new DesignError('basis blended needs volumes, and every volume is 0; fill in the volumes, or give --basis worst', undefined, true);
  return sum(ops.map((o) => o.volume!.times(o.cost))).dividedBy(credits);
}

/** The least value of 1, 2, 2.5, 5 × 10^k that is ≥ x. */
export function roundUpToPriceLadder(x: Dec): Dec {
  if (x.lte(ZERO)) throw new DesignError('a price must be greater than 0');
  // x = mantissa × 10^e with 1 ≤ mantissa < 10 (decimal.js's exponent e is the power of ten of
  // the first digit). A mantissa above 5 rolls over to the next decade: 10 × 10^e, which is why
  // the list ends with 10; find() cannot fail, as every mantissa is < 10.
  const scale = new Dec(10).pow(x.e);
  const mantissa = x.dividedBy(scale);
  const step = PRICE_MANTISSAS.find((m) => m.gte(mantissa))!;
  return step.times(scale);
}

export function validateMargin(margin: Dec): void {
  if (margin.lt(0) || margin.gte(1)) {
    throw new DesignError(`target margin ${margin.toFixed()} is outside [0, 1)`);
  }
}

/** The pack shown to people: the smallest power of ten of credits that costs at least 1. */
function packOf(perCredit: Dec): { credits: Dec; price: Dec } {
  let credits = ONE;
  while (perCredit.times(credits).lt(ONE)) credits = credits.times(10);
  return { credits, price: perCredit.times(credits) };
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

/** "$1", "$2.50", "€0.75", "CHF 5": whole amounts bare (unless `cents`), others with cents. */
export function formatMoney(amount: Dec, currency: string, cents = false): string {
  const text = amount.isInteger() && !cents ? amount.toFixed(0) : amount.decimalPlaces() <= 2 ? amount.toFixed(2) : amount.toFixed();
  const grouped = groupThousands(text);
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${grouped}` : `${currency} ${grouped}`;
}

export function groupThousands(text: string): string {
  const [whole, fraction] = text.split('.');
  const withCommas = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? withCommas : `${withCommas}.${fraction}`;
}

export function displayPrice(perCredit: Dec, currency: string): string {
  const pack = packOf(perCredit);
  const money = formatMoney(pack.price, currency);
  if (pack.credits.eq(ONE)) return `${money} per credit`;
  return `${money} per ${groupThousands(pack.credits.toFixed())} credits`;
}

/** Prices the credit from K: K / (1 − margin), rounded up onto the price ladder. */
export function priceFromCostPerCredit(k: Dec, targetMargin: Dec, basis: Basis, currency: string): Price {
  validateMargin(targetMargin);
  const raw = k.dividedBy(ONE.minus(targetMargin));
  const perCredit = roundUpToPriceLadder(raw);
  return {
    perCredit,
    pack: packOf(perCredit),
    display: displayPrice(perCredit, currency),
    targetMargin,
    basis,
    costPerCredit: k,
    raw,
  };
}

export function priceOperations(ops: readonly PricedInput[], targetMargin: Dec, basis: Basis, currency: string): Price {
  return priceFromCostPerCredit(costPerCredit(ops, basis), targetMargin, basis, currency);
}

/** margin = 1 − cost / (credits × price). */
export function marginOf(cost: Dec, credits: Dec, perCredit: Dec): Dec {
  return ONE.minus(cost.dividedBy(credits.times(perCredit)));
}
