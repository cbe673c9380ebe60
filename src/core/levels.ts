import type { Dec } from './decimal.js';
import { DesignError } from './errors.js';
import { type Ladder, roundToLadder } from './ladder.js';

export interface LevelInput {
  adjusted: Dec;
  weight: number;
}

/**
 * Chooses ladder values and assigns each operation one of them, minimising
 * Σ weight·|ln(credits / adjusted)|, so that together with the `fixed` values
 * (pinned operations' credits) there are at most `maxLevels` distinct values.
 * A fixed value that is a ladder step may be shared by other operations at no
 * cost in levels. Assigning each value to its nearest chosen level (by ratio)
 * makes the groups contiguous once the operations are sorted, so an exact
 * dynamic programme over contiguous groups finds the optimum; a group's best
 * new level is a ladder neighbour of one of its members, so only those
 * neighbours are candidates. Returns the credits for each input, in input order.
 */
export function consolidateLevels(inputs: readonly LevelInput[], ladder: Ladder, maxLevels: number, fixed: readonly Dec[] = []): Dec[] {
  const budget = maxLevels - distinctLevels(fixed);
  if (budget < 0) {
    throw new DesignError(`--max-levels ${maxLevels}: the pinned operations alone hold ${distinctLevels(fixed)} distinct credit values; allow at least that many, or unpin some`);
  }
  const shared = [...new Map(fixed.filter((v) => roundToLadder(v, ladder, 'down', '').eq(v)).map((v) => [v.toFixed(), v])).values()];
  if (inputs.length === 0) return [];
  if (budget === 0 && shared.length === 0) {
    throw new DesignError(`--max-levels ${maxLevels}: the pinned operations take every level, and none of their values is on the ladder for the others to share; allow more levels`);
  }
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a]!.adjusted.comparedTo(inputs[b]!.adjusted));
  const logs = order.map((i) => Math.log(inputs[i]!.adjusted.toNumber()));
  const weights = order.map((i) => inputs[i]!.weight);
  const n = order.length;
  const fresh = bestLevels(ladderNeighbours(order.map((i) => inputs[i]!.adjusted), ladder), logs, weights);
  const reused = bestLevels(shared, logs, weights);

  // best[g][j]: least cost of sorted ops 0..j with at most g new levels; from[g][j]: where its last group starts, and whether it shares a fixed level.
  const levels = Math.min(budget, n);
  const best = Array.from({ length: levels + 1 }, () => new Array<number>(n).fill(Infinity));
  const from = Array.from({ length: levels + 1 }, () => new Array<{ start: number; reuse: boolean } | undefined>(n));
  const prefix = (g: number, i: number) => (i === 0 ? 0 : best[g]![i - 1]!);
  // Tie-breaks, so equal inputs always give the same table: a cost must beat the best so far by
  // more than 1e-12 (float noise in the sums of logs) to replace it, so among equal choices the
  // first found wins: shared fixed levels before new ones, earlier cuts, smaller candidates
  // (they are sorted), and the fewest new levels.
  for (let g = 0; g <= levels; g++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i <= j; i++) {
        // The last group, i..j, takes a new level (one of the g) or shares a fixed one.
        const options: [number, boolean][] = [[prefix(g, i) + reused.cost[i]![j]!, true]];
        if (g > 0) options.push([prefix(g - 1, i) + fresh.cost[i]![j]!, false]);
        for (const [cost, reuse] of options) {
          if (cost < best[g]![j]! - 1e-12) {
            best[g]![j] = cost;
            from[g]![j] = { start: i, reuse };
          }
        }
      }
    }
  }

  let g = best.reduce((at, row, k) => (row[n - 1]! < best[at]![n - 1]! - 1e-12 ? k : at), 0);
  const credits = new Array<Dec>(n);
  for (let end = n - 1; end >= 0; ) {
    const { start, reuse } = from[g]![end]!;
    const level = reuse ? shared[reused.choice[start]![end]!]! : fresh.levels[fresh.choice[start]![end]!]!;
    for (let k = start; k <= end; k++) credits[order[k]!] = level;
    if (!reuse) g--;
    end = start - 1;
  }
  return credits;
}

/** For every run i..j of the sorted operations, the least cost of one level from `levels` for all of them, and which. */
function bestLevels(levels: readonly Dec[], logs: readonly number[], weights: readonly number[]): { levels: readonly Dec[]; cost: number[][]; choice: number[][] } {
  const levelLogs = levels.map((c) => Math.log(c.toNumber()));
  const n = logs.length;
  const cost: number[][] = [];
  const choice: number[][] = [];
  for (let i = 0; i < n; i++) {
    const running = new Array<number>(levels.length).fill(0);
    cost.push(new Array<number>(n).fill(Infinity));
    choice.push(new Array<number>(n).fill(0));
    for (let j = i; j < n; j++) {
      for (let c = 0; c < levels.length; c++) {
        running[c]! += weights[j]! * Math.abs(levelLogs[c]! - logs[j]!);
        // Strictly better only: of equally good levels, the smaller (they are sorted) is kept.
        if (running[c]! < cost[i]![j]! - 1e-12) {
          cost[i]![j] = running[c]!;
          choice[i]![j] = c;
        }
      }
    }
  }
  return { levels, cost, choice };
}

function ladderNeighbours(values: readonly Dec[], ladder: Ladder): Dec[] {
  const found = new Map<string, Dec>();
  for (const v of values) {
    for (const rounding of ['down', 'up'] as const) {
      const step = roundToLadder(v, ladder, rounding, '');
      found.set(step.toFixed(), step);
    }
  }
  return [...found.values()].sort((a, b) => a.comparedTo(b));
}

export function distinctLevels(credits: readonly Dec[]): number {
  return new Set(credits.map((c) => c.toFixed())).size;
}
