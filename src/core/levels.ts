import type { Dec } from './decimal.js';
import { type Ladder, roundToLadder } from './ladder.js';

export interface LevelInput {
  adjusted: Dec;
  weight: number;
}

/**
 * Chooses at most `maxLevels` ladder values and assigns each operation one of
 * them, minimising Σ weight·|ln(credits / adjusted)|. Assigning each value to
 * its nearest chosen level (by ratio) makes the groups contiguous once the
 * operations are sorted, so an exact dynamic programme over contiguous groups
 * finds the optimum; a group's best level is a ladder neighbour of one of its
 * members, so only those neighbours are candidates.
 * Returns the credits for each input, in input order.
 */
export function consolidateLevels(inputs: readonly LevelInput[], ladder: Ladder, maxLevels: number): Dec[] {
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a]!.adjusted.comparedTo(inputs[b]!.adjusted));
  const logs = order.map((i) => Math.log(inputs[i]!.adjusted.toNumber()));
  const weights = order.map((i) => inputs[i]!.weight);
  const candidates = ladderNeighbours(order.map((i) => inputs[i]!.adjusted), ladder);
  const candidateLogs = candidates.map((c) => Math.log(c.toNumber()));
  const n = order.length;

  // groupCost[i][j], groupChoice[i][j]: best single level for sorted ops i..j.
  const groupCost: number[][] = [];
  const groupChoice: number[][] = [];
  for (let i = 0; i < n; i++) {
    const running = new Array<number>(candidates.length).fill(0);
    groupCost.push([]);
    groupChoice.push([]);
    for (let j = i; j < n; j++) {
      let best = Infinity;
      let choice = 0;
      for (let c = 0; c < candidates.length; c++) {
        running[c]! += weights[j]! * Math.abs(candidateLogs[c]! - logs[j]!);
        if (running[c]! < best - 1e-12) {
          best = running[c]!;
          choice = c;
        }
      }
      groupCost[i]![j] = best;
      groupChoice[i]![j] = choice;
    }
  }

  // best[g][j]: least cost of sorted ops 0..j in g+1 groups; cut[g][j]: start of the last group.
  const groups = Math.min(maxLevels, n);
  const best: number[][] = [groupCost[0]!.slice()];
  const cut: number[][] = [new Array<number>(n).fill(0)];
  for (let g = 1; g < groups; g++) {
    best.push(new Array<number>(n).fill(Infinity));
    cut.push(new Array<number>(n).fill(0));
    for (let j = 0; j < n; j++) {
      best[g]![j] = best[g - 1]![j]!;
      cut[g]![j] = -1;
      for (let i = 1; i <= j; i++) {
        const cost = best[g - 1]![i - 1]! + groupCost[i]![j]!;
        if (cost < best[g]![j]! - 1e-12) {
          best[g]![j] = cost;
          cut[g]![j] = i;
        }
      }
    }
  }

  const credits = new Array<Dec>(n);
  let end = n - 1;
  for (let g = groups - 1; g >= 0 && end >= 0; g--) {
    const start = g === 0 ? 0 : cut[g]![end]!;
    if (start === -1) continue; // fewer groups than allowed were better
    const level = candidates[groupChoice[start]![end]!]!;
    for (let k = start; k <= end; k++) credits[order[k]!] = level;
    end = start - 1;
  }
  return credits;
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
