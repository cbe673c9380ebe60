import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { design } from '../../src/core/design.js';
import { type Modifier, effectiveCredits, worstStack } from '../../src/core/modifiers.js';
import { includedCredits, planFigures } from '../../src/core/plans.js';
import { tableFromDesign } from '../../src/core/table.js';
import { describeModifier } from '../../src/render/docs.js';
import { PARAMS, WORKED_EXAMPLE } from './example.js';

const d = (x: string | number) => new Dec(x);
const price = d('0.001');

describe('included credits', () => {
  it('cost-multiple: $29 at $0.001 with buffer 0.75 is 50,750, to 50,000; $99 is 173,250, to 250,000', () => {
    expect(includedCredits({ name: 'Starter', price: d(29), method: 'cost-multiple', buffer: d('0.75') }, price).credits.toFixed()).toBe('50000');
    expect(includedCredits({ name: 'Pro', price: d(99), method: 'cost-multiple', buffer: d('0.75') }, price).credits.toFixed()).toBe('250000');
  });

  it('use-case: 100 ops a day × 30 × 15 credits is 45,000, rounded up to 50,000', () => {
    expect(includedCredits({ name: 'Team', price: d(29), method: 'use-case', ops_per_day: d(100), avg_credits_per_op: d(15) }, price).credits.toFixed()).toBe('50000');
  });

  it('competitive: 40,000 for $25 and 60,000 for $35 average 1,657 credits per dollar; at $29, 50,000', () => {
    const plan = { name: 'Indie', price: d(29), method: 'competitive' as const, competitors: [{ credits: d(40000), price: d(25) }, { credits: d(60000), price: d(35) }] };
    expect(includedCredits(plan, price).credits.toFixed()).toBe('50000');
  });

  it('takes given credits as they are, and says what a method lacks', () => {
    expect(includedCredits({ name: 'Free', price: d(0), included_credits: d(1000) }, price).credits.toFixed()).toBe('1000');
    expect(() => includedCredits({ name: 'X', price: d(9) }, price)).toThrow('plan X needs included_credits or a method (cost-multiple, use-case, competitive)');
    expect(() => includedCredits({ name: 'X', price: d(9), method: 'use-case', ops_per_day: d(1) }, price)).toThrow('plan X: method use-case needs avg_credits_per_op');
  });
});

describe('plan figures', () => {
  const table = tableFromDesign(design(WORKED_EXAMPLE, PARAMS), {
    currency: 'USD',
    design: { ladder: 'friendly', rounding: 'nearest', stat: 'mean', floor: d('0.5'), rates: {}, multipliers: {} },
  });

  it('gives the effective price, the discount and the worst-case margin', () => {
    const [starter] = planFigures([{ name: 'Starter', price: d(29), included_credits: d(50000) }], table);
    expect(starter!.effectivePerCredit!.toFixed()).toBe('0.00058');
    expect(starter!.discount!.toFixed()).toBe('0.42');
    // All 50,000 credits on image_upload at $0.0002 a credit: $10 of cost for $29.
    expect(starter!.worstOperation).toBe('image_upload');
    expect(starter!.worstCost.toFixed()).toBe('10');
    expect(starter!.worstMargin!.toSignificantDigits(6).toFixed()).toBe('0.655172');
  });

  it('prices what a free plan costs when fully used', () => {
    const [free] = planFigures([{ name: 'Free', price: d(0), included_credits: d(1000) }], table);
    expect(free!.worstCost.toFixed()).toBe('0.2');
    expect(free!.worstMargin).toBeUndefined();
  });
});

describe('modifiers', () => {
  const modifiers: Modifier[] = [
    { name: 'off_peak', kind: 'time', hours_utc: [2, 6], factor: d('0.7') },
    { name: 'peak_load', kind: 'load', above: d('0.9'), factor: d('1.5') },
    { name: 'commitment', kind: 'commitment', tiers: [{ min_monthly_credits: d(100000), factor: d('0.8') }, { min_monthly_credits: d(1000000), factor: d('0.6') }] },
  ];

  it('stacks the smallest factor of each kind, leaving out surcharges', () => {
    const stack = worstStack(modifiers);
    expect(stack.factor.toFixed()).toBe('0.42');
    expect(stack.parts.map((p) => [p.modifier, p.index, p.factor.toFixed()])).toEqual([
      ['off_peak', 0, '0.7'],
      ['commitment', 2, '0.6'],
    ]);
  });

  it('floors effective credits: 1 credit off-peak is floor(0.7) = 0', () => {
    expect(effectiveCredits(d(1), d('0.7')).toFixed()).toBe('0');
    expect(effectiveCredits(d(2500), d('0.42')).toFixed()).toBe('1050');
  });

  it('describes discounts for customers', () => {
    expect(modifiers.map(describeModifier)).toEqual([
      'off_peak: 30% off from 02:00 to 06:59 UTC',
      'peak_load: 50% extra while the platform is above 90% load',
      'commitment: 20% off from 100,000 credits a month; 40% off from 1,000,000 credits a month',
    ]);
  });
});
