import { Dec, ZERO, sum } from './decimal.js';
import { DesignError, type Position } from './errors.js';

import { STATS, type Stat } from './choices.js';

export { STATS, type Stat };

/** One row of a costs file, its cost already computed. */
export interface CostSample {
  operation: string;
  cost: Dec;
  volume?: Dec;
  multiplier?: Dec;
  at?: Position;
  /** Column of the multiplier cell, for naming a disagreement. */
  multiplierColumn?: number;
}

/** All samples of one operation folded into one cost. */
export interface OperationCost {
  operation: string;
  cost: Dec;
  samples: number;
  /** Sum of the volume column, else the sample count when volumes are known at all. */
  volume?: Dec;
  multiplier?: Dec;
}

/** Percentile with linear interpolation between closest ranks (PERCENTILE.INC). */
function percentile(sorted: readonly Dec[], p: Dec): Dec {
  return percentileOf(sorted.length, p, (i) => sorted[i]!);
}

/** The percentile p of n sorted values, reading only the two it interpolates between (`at(i)` is the i-th smallest). */
export function percentileOf(n: number, p: Dec, at: (i: number) => Dec): Dec {
  const h = p.times(n - 1);
  const lo = h.floor().toNumber();
  const below = at(lo);
  const above = at(Math.min(lo + 1, n - 1));
  return below.plus(h.minus(lo).times(above.minus(below)));
}

export function aggregate(values: readonly Dec[], stat: Stat): Dec {
  if (values.length === 0) throw new RangeError('aggregate needs at least one value');
  if (stat === 'mean') return sum(values).dividedBy(values.length);
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  if (stat === 'max') return sorted[sorted.length - 1]!;
  return percentile(sorted, new Dec(stat.slice(1)).dividedBy(100));
}

/**
 * Groups rows by operation (in order of first appearance) and aggregates each
 * operation's costs with `stat`. Volumes are known when the file has a volume
 * column or when any operation has more than one sample. Operations in
 * `overridden` take their multiplier from a flag, so their samples need not agree on one.
 */
export function groupSamples(samples: readonly CostSample[], stat: Stat, hasVolumeColumn: boolean, overridden: ReadonlySet<string> = new Set()): OperationCost[] {
  const groups = new Map<string, CostSample[]>();
  for (const s of samples) {
    const group = groups.get(s.operation);
    if (group) group.push(s);
    else groups.set(s.operation, [s]);
  }
  const volumesKnown = hasVolumeColumn || groups.size < samples.length;
  return [...groups].map(([operation, rows]) => {
    const op: OperationCost = {
      operation,
      cost: aggregate(rows.map((r) => r.cost), stat),
      samples: rows.length,
    };
    if (volumesKnown) {
      op.volume = hasVolumeColumn ? sum(rows.map((r) => r.volume ?? ZERO)) : new Dec(rows.length);
    }
    const multiplier = overridden.has(operation) ? undefined : agreedMultiplier(operation, rows);
    if (multiplier) op.multiplier = multiplier;
    return op;
  });
}

function agreedMultiplier(operation: string, rows: readonly CostSample[]): Dec | undefined {
  let first: CostSample | undefined;
  for (const row of rows) {
    if (!row.multiplier) continue;
    if (!first) first = row;
    else if (!row.multiplier.eq(first.multiplier!)) {
      const firstLine = first.at ? ` (line ${first.at.line})` : '';
      throw new DesignError(
        `samples of ${operation} disagree on the multiplier: ${first.multiplier!.toFixed()}${firstLine} and ${row.multiplier.toFixed()}`,
        row.at && { line: row.at.line, ...(row.multiplierColumn !== undefined && { column: row.multiplierColumn }) },
      );
    }
  }
  return first?.multiplier;
}
