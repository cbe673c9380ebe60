import { Dec, ONE } from './decimal.js';
import { DesignError } from './errors.js';

import { NAMED_LADDERS, ROUNDINGS, type Rounding } from './choices.js';

export { NAMED_LADDERS, ROUNDINGS, type Rounding };

/**
 * A ladder of allowed credit values. Named ladders are infinite, so a ladder
 * answers "which steps surround x" instead of listing itself.
 */
export interface Ladder {
  readonly name: string;
  readonly smallest: Dec;
  /** The greatest step ≤ x and the least step ≥ x (equal when x is a step); hi is undefined above a finite ladder. */
  around(x: Dec): { lo: Dec; hi: Dec | undefined };
  /** The least step greater than x; undefined above a finite ladder. */
  next(x: Dec): Dec | undefined;
}

/** Mantissas of each decade; decade k uses mantissas[min(k, last)]. */
function decadeLadder(name: string, decades: readonly (readonly number[])[]): Ladder {
  const stepsOfDecade = (k: number): Dec[] => {
    const mantissas = decades[Math.min(k, decades.length - 1)]!;
    const scale = new Dec(10).pow(k);
    return mantissas.map((m) => scale.times(m));
  };
  return {
    name,
    smallest: ONE,
    around(x) {
      let lo = ONE;
      for (let k = 0; ; k++) {
        for (const step of stepsOfDecade(k)) {
          if (step.eq(x)) return { lo: step, hi: step };
          if (step.gt(x)) return { lo, hi: step };
          lo = step;
        }
      }
    },
    next(x) {
      for (let k = 0; ; k++) for (const step of stepsOfDecade(k)) if (step.gt(x)) return step;
    },
  };
}

const integerLadder: Ladder = {
  name: 'integer',
  smallest: ONE,
  around(x) {
    if (x.lte(ONE)) return { lo: ONE, hi: ONE };
    return { lo: x.floor(), hi: x.ceil() };
  },
  next(x) {
    return x.lt(ONE) ? ONE : x.floor().plus(ONE);
  },
};

function listLadder(text: string, steps: Dec[]): Ladder {
  const smallest = steps[0]!;
  return {
    name: text,
    smallest,
    around(x) {
      let lo = smallest;
      for (const step of steps) {
        if (step.eq(x)) return { lo: step, hi: step };
        if (step.gt(x)) return { lo, hi: step };
        lo = step;
      }
      return { lo, hi: undefined };
    },
    next(x) {
      return steps.find((step) => step.gt(x));
    },
  };
}

/** Resolves a ladder name or a custom comma list ("1,3,10,30"). */
export function ladderFrom(spec: string): Ladder {
  switch (spec) {
    case 'friendly':
      // 1, 2, 5 in the first decade, since 2.5 credits is not a whole number of credits; from 10 on,
      // 25, 50, 250 … read as prices do (a quarter, a half), as in the method's worked example.
      return decadeLadder('friendly', [[1, 2, 5], [1, 2.5, 5]]);
    case '1-2-5':
      return decadeLadder('1-2-5', [[1, 2, 5]]);
    case '1-5':
      return decadeLadder('1-5', [[1, 5]]);
    case 'integer':
      return integerLadder;
  }
  const parts = spec.split(',').map((p) => p.trim());
  const steps: Dec[] = [];
  for (const part of parts) {
    if (!/^(?:\d+\.?\d*|\.\d+)$/.test(part) || new Dec(part).lte(0)) {
      throw new DesignError(
        `ladder "${spec}" is neither ${NAMED_LADDERS.join(', ')} nor a comma list of positive numbers ("${part}")`,
      );
    }
    steps.push(new Dec(part));
  }
  steps.sort((a, b) => a.comparedTo(b));
  const unique = steps.filter((s, i) => i === 0 || !s.eq(steps[i - 1]!));
  return listLadder(unique.map((s) => s.toFixed()).join(','), unique);
}

/**
 * Rounds a positive value onto the ladder. `nearest` is nearest by ratio:
 * between lo < x < hi it takes hi when x ≥ √(lo·hi), compared exactly as
 * x² ≥ lo·hi. Anything under the smallest step becomes the smallest step.
 */
export function roundToLadder(x: Dec, ladder: Ladder, rounding: Rounding, operation: string): Dec {
  if (x.lte(ladder.smallest)) return ladder.smallest;
  const { lo, hi } = ladder.around(x);
  if (hi === undefined) {
    throw new DesignError(
      `${operation} needs ${x.toSignificantDigits(6).toFixed()} credits, above the largest step of ladder ${ladder.name}`,
    );
  }
  if (lo.eq(hi)) return lo;
  switch (rounding) {
    case 'up':
      return hi;
    case 'down':
      return lo;
    case 'nearest':
      return x.times(x).gte(lo.times(hi)) ? hi : lo;
  }
}
