import { type Dec, ONE, sum } from './decimal.js';
import { DesignError } from './errors.js';
import { ladderFrom, roundToLadder } from './ladder.js';

const PLAN_METHODS = ['cost-multiple', 'use-case', 'competitive'] as const;
export type PlanMethod = (typeof PLAN_METHODS)[number];

export interface PlanSpec {
  name: string;
  price: Dec;
  included_credits?: Dec;
  method?: PlanMethod;
  buffer?: Dec;
  ops_per_day?: Dec;
  avg_credits_per_op?: Dec;
  competitors?: { name?: string; credits: Dec; price: Dec }[];
}

export interface PlanFigures {
  name: string;
  price: Dec;
  included: Dec;
  /** How included credits were reached, for people. */
  derivation: string;
  /** Plan price / included credits; undefined for a free plan. */
  effectivePerCredit?: Dec;
  /** 1 − effective / pay-as-you-go price. */
  discount?: Dec;
  /** If every included credit went to the operation with the costliest credit. */
  worstCost: Dec;
  worstMargin?: Dec;
  worstOperation: string;
}

const FRIENDLY = ladderFrom('friendly');
const DAYS_PER_MONTH = 30;

/**
 * Included credits as given, or derived by the plan's method:
 * cost-multiple: price / price per credit × (1 + buffer), to the nearest friendly step;
 * use-case: ops per day × 30 × average credits per op, rounded up onto the friendly ladder;
 * competitive: the competitors' average credits per dollar × price, to the nearest friendly step.
 */
export function includedCredits(plan: PlanSpec, perCredit: Dec): { credits: Dec; derivation: string } {
  const need = (key: keyof PlanSpec) => {
    const value = plan[key];
    if (value === undefined) throw new DesignError(`plan ${plan.name}: method ${plan.method} needs ${key}`);
    return value as Dec;
  };
  switch (plan.method) {
    case undefined:
      if (plan.included_credits === undefined) throw new DesignError(`plan ${plan.name} needs included_credits or a method (${PLAN_METHODS.join(', ')})`);
      return { credits: plan.included_credits, derivation: 'as given' };
    case 'cost-multiple': {
      const buffer = need('buffer');
      const raw = plan.price.dividedBy(perCredit).times(ONE.plus(buffer));
      return { credits: roundToLadder(raw, FRIENDLY, 'nearest', plan.name), derivation: `${plan.price.toFixed()} / ${perCredit.toFixed()} × (1 + ${buffer.toFixed()}) = ${raw.toDecimalPlaces(2).toFixed()}, nearest friendly step` };
    }
    case 'use-case': {
      const raw = need('ops_per_day').times(DAYS_PER_MONTH).times(need('avg_credits_per_op'));
      return { credits: roundToLadder(raw, FRIENDLY, 'up', plan.name), derivation: `${plan.ops_per_day!.toFixed()} ops/day × ${DAYS_PER_MONTH} × ${plan.avg_credits_per_op!.toFixed()} credits = ${raw.toFixed()}, rounded up` };
    }
    case 'competitive': {
      const competitors = plan.competitors ?? [];
      if (competitors.length === 0) throw new DesignError(`plan ${plan.name}: method competitive needs competitors`);
      const perDollar = sum(competitors.map((c) => c.credits.dividedBy(c.price))).dividedBy(competitors.length);
      const raw = perDollar.times(plan.price);
      return { credits: roundToLadder(raw, FRIENDLY, 'nearest', plan.name), derivation: `${perDollar.toDecimalPlaces(2).toFixed()} credits per dollar (competitors' average) × ${plan.price.toFixed()} = ${raw.toDecimalPlaces(2).toFixed()}, nearest friendly step` };
    }
  }
}

/** What each plan includes and what it risks, against the table's price and costs. */
/** What plan figures need of a credit table (a CreditTable is one), so this module does not depend on the table's. */
export interface PricedTable {
  price: { per_credit: Dec };
  operations: Readonly<Record<string, { cost: Dec; credits: Dec }>>;
}

export function planFigures(plans: readonly PlanSpec[], table: PricedTable): PlanFigures[] {
  const perCredit = table.price.per_credit;
  const ops = Object.entries(table.operations);
  if (ops.length === 0) throw new DesignError('the table has no operations');
  const perCreditOf = ([, op]: (typeof ops)[number]) => op.cost.dividedBy(op.credits);
  const costliest = ops.reduce((a, b) => (perCreditOf(b).gt(perCreditOf(a)) ? b : a));
  const worstPerCredit = perCreditOf(costliest);
  return plans.map((plan) => {
    const { credits, derivation } = includedCredits(plan, perCredit);
    const worstCost = credits.times(worstPerCredit);
    const figures: PlanFigures = { name: plan.name, price: plan.price, included: credits, derivation, worstCost, worstOperation: costliest[0] };
    if (!plan.price.isZero() && !credits.isZero()) {
      figures.effectivePerCredit = plan.price.dividedBy(credits);
      figures.discount = ONE.minus(figures.effectivePerCredit.dividedBy(perCredit));
      figures.worstMargin = ONE.minus(worstCost.dividedBy(plan.price));
    }
    return figures;
  });
}
