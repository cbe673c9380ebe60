import { Dec, ONE, minOf } from './decimal.js';
import { DesignError } from './errors.js';
import { type Rounding, ladderFrom, roundToLadder } from './ladder.js';
import { consolidateLevels, distinctLevels } from './levels.js';
import { type Basis, type Price, groupThousands, marginOf, priceOperations, validateMargin } from './price.js';
import type { OperationCost } from './samples.js';

/** More distinct credit values than this is hard for customers to hold in mind. */
const LEVELS_WARNING = 15;

export interface DesignParams {
  /** Base operation; with neither base nor unitCost, the cheapest operation. */
  base?: string;
  unitCost?: Dec;
  /** Value multipliers by operation; they win over the costs file's. */
  multipliers: Readonly<Record<string, Dec>>;
  ladder: string;
  rounding: Rounding;
  maxLevels?: number;
  margin: Dec;
  floor: Dec;
  /** Undefined chooses blended when volumes are known, else worst. */
  basis?: Basis;
  currency: string;
  /** Operations whose credits are kept as they are. */
  pinned: Readonly<Record<string, Dec>>;
}

export interface DesignedOperation {
  operation: string;
  cost: Dec;
  volume?: Dec;
  samples: number;
  rawCredits: Dec;
  multiplier: Dec;
  adjusted: Dec;
  credits: Dec;
  pinned: boolean;
  /** credits / adjusted − 1: what rounding did to the value. */
  roundingEffect: Dec;
  margin: Dec;
  belowFloor: boolean;
}

export interface Consolidation {
  maxLevels: number;
  levelsBefore: number;
  levelsAfter: number;
  priceBefore: Dec;
  worstMarginBefore: Dec;
  worstMarginAfter: Dec;
}

export interface Design {
  operations: DesignedOperation[];
  unit: { base?: string; costPerCredit: Dec };
  price: Price;
  floor: Dec;
  levels: number;
  consolidation?: Consolidation;
  warnings: string[];
}

export function validateFloor(floor: Dec): void {
  if (floor.lt(0) || floor.gte(1)) throw new DesignError(`floor ${floor.toFixed()} is outside [0, 1)`);
}

function unitCostOf(ops: readonly OperationCost[], params: DesignParams): { base?: string; costPerCredit: Dec } {
  if (params.unitCost !== undefined) {
    if (params.unitCost.lte(0)) throw new DesignError(`unit cost ${params.unitCost.toFixed()} must be greater than 0`);
    return { costPerCredit: params.unitCost };
  }
  if (params.base !== undefined) {
    const base = ops.find((o) => o.operation === params.base);
    if (!base) throw unknownOperation('base operation', params.base, ops);
    return { base: base.operation, costPerCredit: base.cost };
  }
  const cheapest = ops.reduce((a, b) => (b.cost.lt(a.cost) ? b : a));
  return { base: cheapest.operation, costPerCredit: cheapest.cost };
}

export function unknownOperation(role: string, name: string, ops: readonly { operation: string }[]): DesignError {
  const known = ops.map((o) => o.operation).join(', ');
  return new DesignError(`${role} "${name}" is not an operation of the costs (known: ${known})`);
}

/**
 * The method: normalise each operation's cost to the unit, apply value
 * multipliers, round onto the ladder (or consolidate to at most N levels),
 * price the credit from the target margin, and compute every margin.
 */
export function design(ops: readonly OperationCost[], params: DesignParams): Design {
  if (ops.length === 0) throw new DesignError('there are no operations in the costs');
  validateMargin(params.margin);
  validateFloor(params.floor);
  for (const op of ops) {
    if (op.cost.lte(0)) throw new DesignError(`${op.operation} has cost ${op.cost.toFixed()}; costs must be greater than 0`);
  }
  for (const name of Object.keys(params.multipliers)) {
    if (!ops.some((o) => o.operation === name)) throw unknownOperation('--multiplier', name, ops);
  }
  const ladder = ladderFrom(params.ladder);
  const unit = unitCostOf(ops, params);
  const volumesKnown = ops.every((o) => o.volume !== undefined);
  const basis: Basis = params.basis ?? (volumesKnown ? 'blended' : 'worst');

  const normalised = ops.map((op) => {
    const rawCredits = op.cost.dividedBy(unit.costPerCredit);
    const multiplier = params.multipliers[op.operation] ?? op.multiplier ?? ONE;
    if (multiplier.lte(0)) throw new DesignError(`${op.operation} has multiplier ${multiplier.toFixed()}; multipliers must be greater than 0`);
    const pinned = params.pinned[op.operation];
    const rounded = pinned ?? roundToLadder(rawCredits.times(multiplier), ladder, params.rounding, op.operation);
    return { op, rawCredits, multiplier, adjusted: rawCredits.times(multiplier), credits: rounded, pinned: pinned !== undefined };
  });

  const warnings: string[] = [];
  for (const n of normalised) {
    if (n.pinned || !n.adjusted.lt(ladder.smallest)) continue;
    // Nothing is ever 0 credits, so an operation far cheaper than the unit is overcharged: say so.
    warnings.push(
      `${n.op.operation} is worth ${n.adjusted.toSignificantDigits(3).toFixed()} credits, under the smallest step, so it is rounded up to ${ladder.smallest.toFixed()} (${signedPercentOf(n.credits.dividedBy(n.adjusted).minus(ONE))}); make it the base (--base ${n.op.operation}) or give a smaller --unit-cost`,
    );
  }
  let consolidation: Consolidation | undefined;
  const levelsBefore = distinctLevels(normalised.map((n) => n.credits));
  if (params.maxLevels !== undefined && levelsBefore > params.maxLevels) {
    const before = finish(normalised, unit, params, basis, undefined, []);
    const free = normalised.filter((n) => !n.pinned);
    const chosen = consolidateLevels(
      free.map((n) => ({ adjusted: n.adjusted, weight: n.op.volume?.toNumber() ?? 1 })),
      ladder,
      params.maxLevels,
      normalised.filter((n) => n.pinned).map((n) => n.credits),
    );
    free.forEach((n, i) => (n.credits = chosen[i]!));
    const after = finish(normalised, unit, params, basis, undefined, []);
    consolidation = {
      maxLevels: params.maxLevels,
      levelsBefore,
      levelsAfter: after.levels,
      priceBefore: before.price.perCredit,
      worstMarginBefore: worstMargin(before),
      worstMarginAfter: worstMargin(after),
    };
  }
  return finish(normalised, unit, params, basis, consolidation, warnings);
}

interface Normalised {
  op: OperationCost;
  rawCredits: Dec;
  multiplier: Dec;
  adjusted: Dec;
  credits: Dec;
  pinned: boolean;
}

function finish(
  normalised: readonly Normalised[],
  unit: Design['unit'],
  params: DesignParams,
  basis: Basis,
  consolidation: Consolidation | undefined,
  warnings: string[],
): Design {
  const price = priceOperations(
    normalised.map((n) => ({ operation: n.op.operation, cost: n.op.cost, credits: n.credits, volume: n.op.volume })),
    params.margin,
    basis,
    params.currency,
  );
  const operations = normalised.map((n): DesignedOperation => {
    const margin = marginOf(n.op.cost, n.credits, price.perCredit);
    const designed: DesignedOperation = {
      operation: n.op.operation,
      cost: n.op.cost,
      samples: n.op.samples,
      rawCredits: n.rawCredits,
      multiplier: n.multiplier,
      adjusted: n.adjusted,
      credits: n.credits,
      pinned: n.pinned,
      roundingEffect: n.credits.dividedBy(n.adjusted).minus(ONE),
      margin,
      belowFloor: margin.lt(params.floor),
    };
    if (n.op.volume !== undefined) designed.volume = n.op.volume;
    return designed;
  });
  const levels = distinctLevels(operations.map((o) => o.credits));
  if (levels > LEVELS_WARNING && consolidation === undefined) {
    warnings.push(`${levels} distinct credit values; more than ${LEVELS_WARNING} is hard for customers to follow (try --max-levels ${LEVELS_WARNING})`);
  }
  const result: Design = { operations, unit, price, floor: params.floor, levels, warnings };
  if (consolidation) result.consolidation = consolidation;
  return result;
}

export function worstMargin(d: Pick<Design, 'operations'>): Dec {
  return minOf(d.operations.map((o) => o.margin));
}

/** 21.5 → "+2,150%": a change as people read it. */
function signedPercentOf(ratio: Dec): string {
  const p = ratio.times(100).toDecimalPlaces(0);
  return `${p.isNeg() ? '−' : '+'}${groupThousands(p.abs().toFixed())}%`;
}

/** 0.8 → "80%", 0.845 → "84.5%", −0.111 → "−11.1%". */
export function percent(ratio: Dec): string {
  const p = ratio.times(100).toDecimalPlaces(1);
  return `${p.isNeg() && !p.isZero() ? '−' : ''}${p.abs().toFixed()}%`;
}
