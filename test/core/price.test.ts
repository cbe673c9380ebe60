import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import {
  costPerCredit,
  displayPrice,
  marginOf,
  priceFromCostPerCredit,
  roundUpToPriceLadder,
} from '../../src/core/price.js';

const d = (x: string | number) => new Dec(x);

describe('price', () => {
  it('rounds up onto 1, 2, 2.5, 5 × 10^k', () => {
    expect(roundUpToPriceLadder(d('0.000666666')).toFixed()).toBe('0.001');
    expect(roundUpToPriceLadder(d('0.001')).toFixed()).toBe('0.001');
    expect(roundUpToPriceLadder(d('0.0010001')).toFixed()).toBe('0.002');
    expect(roundUpToPriceLadder(d('0.0021')).toFixed()).toBe('0.0025');
    expect(roundUpToPriceLadder(d('0.0026')).toFixed()).toBe('0.005');
    expect(roundUpToPriceLadder(d('0.0051')).toFixed()).toBe('0.01');
    expect(roundUpToPriceLadder(d('3')).toFixed()).toBe('5');
  });

  it('prices the worked example at $1 per 1,000 credits', () => {
    const price = priceFromCostPerCredit(d('0.0002'), d('0.7'), 'worst', 'USD');
    expect(price.raw.toSignificantDigits(3).toFixed()).toBe('0.000667');
    expect(price.perCredit.toFixed()).toBe('0.001');
    expect(price.display).toBe('$1 per 1,000 credits');
    expect(price.pack.credits.toFixed()).toBe('1000');
  });

  it('prices a bare cost per credit of 0.0003 at 0.001', () => {
    const price = priceFromCostPerCredit(d('0.0003'), d('0.7'), 'worst', 'USD');
    expect(price.perCredit.toFixed()).toBe('0.001');
    expect(price.display).toBe('$1 per 1,000 credits');
  });

  it('displays packs as people read them', () => {
    expect(displayPrice(d('0.0025'), 'USD')).toBe('$2.50 per 1,000 credits');
    expect(displayPrice(d('0.00025'), 'USD')).toBe('$2.50 per 10,000 credits');
    expect(displayPrice(d('0.05'), 'USD')).toBe('$5 per 100 credits');
    expect(displayPrice(d('5'), 'USD')).toBe('$5 per credit');
    expect(displayPrice(d('1'), 'USD')).toBe('$1 per credit');
    expect(displayPrice(d('0.002'), 'EUR')).toBe('€2 per 1,000 credits');
    expect(displayPrice(d('0.002'), 'CHF')).toBe('CHF 2 per 1,000 credits');
  });

  it('takes the worst cost per credit, or the volume-weighted blend', () => {
    const ops = [
      { operation: 'a', cost: d('0.0002'), credits: d(1), volume: d(900) },
      { operation: 'b', cost: d('0.0008'), credits: d(5), volume: d(100) },
    ];
    expect(costPerCredit(ops, 'worst').toFixed()).toBe('0.0002');
    // (900 × 0.0002 + 100 × 0.0008) / (900 × 1 + 100 × 5) = 0.26 / 1400
    expect(costPerCredit(ops, 'blended').toSignificantDigits(10).toFixed()).toBe('0.0001857142857');
    const price = priceFromCostPerCredit(costPerCredit(ops, 'blended'), d('0.7'), 'blended', 'USD');
    expect(price.perCredit.toFixed()).toBe('0.001');
  });

  it('needs volumes for the blended basis', () => {
    expect(() => costPerCredit([{ operation: 'a', cost: d(1), credits: d(1) }], 'blended')).toThrow(/a has none/);
  });

  it('rejects margins outside [0, 1)', () => {
    expect(() => priceFromCostPerCredit(d(1), d(1), 'worst', 'USD')).toThrow(/outside \[0, 1\)/);
    expect(() => priceFromCostPerCredit(d(1), d('-0.1'), 'worst', 'USD')).toThrow(/outside \[0, 1\)/);
  });

  it('computes margins exactly', () => {
    expect(marginOf(d('0.0002'), d(1), d('0.001')).toFixed()).toBe('0.8');
    expect(marginOf(d('0.0008'), d(5), d('0.001')).toFixed()).toBe('0.84');
    expect(marginOf(d('3'), d(2500), d('0.001')).toFixed()).toBe('-0.2');
  });
});
