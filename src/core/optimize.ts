import { stepSchedule } from './audit.js';
import { type Dec, Dec as D, ONE } from './decimal.js';
import { DesignError } from './errors.js';
import type { Ladder } from './ladder.js';
import { marginOf } from './price.js';

/**
 * Credit values that maximise revenue or profit given each operation's price
 * elasticity: expected calls = current calls × (new / current credits)^E.
 * The search is exact over the ladder's values (each operation's candidates,
 * and with --max-levels every set of at most that many distinct values).
 */

import type { Objective } from './choices.js';

export type { Objective };

export interface OptimizeOperation {
  operation: string;
  credits: Dec;
  cost: Dec;
  /** Calls a month at the current credits. */
  calls: number;
  /** Undefined: keep the current credits (pinned, or no elasticity known or assumed). */
  elasticity?: number;
  pinned?: boolean;
}

export interface OptimizeOptions {
  objective: Objective;
  perCredit: Dec;
  floor: Dec;
  ladder: Ladder;
  /** Candidates lie within [current / (1 + maxChange), current × (1 + maxChange)]. */
  maxChange: Dec;
  maxLevels?: number;
}

/** At most this many value sets are tried for --max-levels; more is refused rather than searched by a heuristic. */
export const MAX_SETS = 5_000_000;

/** The ladder's values in [lo, hi], smallest first. */
export function ladderValues(ladder: Ladder, lo: Dec, hi: Dec): Dec[] {
  const values: Dec[] = [];
  let { hi: v } = ladder.around(D.max(lo, ladder.smallest));
  for (let guard = 0; v !== undefined && v.lte(hi) && guard < 10_000; guard++) {
    values.push(v);
    v = ladder.next(v);
  }
  return values;
}

/** The values an operation may take: its current credits only, when it is kept; else the ladder's within the range whose margin clears the floor, and its current credits. */
export function candidates(op: OptimizeOperation, options: OptimizeOptions): Dec[] {
  if (op.pinned || op.elasticity === undefined) return [op.credits];
  const range = ONE.plus(options.maxChange);
  const clears = (v: Dec) => marginOf(op.cost, v, options.perCredit).gte(options.floor);
  const values = ladderValues(options.ladder, op.credits.dividedBy(range), op.credits.times(range)).filter(clears);
  // Keeping the current credits is always a choice, where they clear the floor (they need not be on the ladder).
  if (clears(op.credits) && !values.some((v) => v.eq(op.credits))) values.push(op.credits);
  values.sort((a, b) => a.comparedTo(b));
  return values.length > 0 ? values : [op.credits];
}

/** Expected calls a month at `credits`. */
export function expectedCalls(op: OptimizeOperation, credits: Dec, elasticity = op.elasticity ?? 0): number {
  return op.calls * (credits.toNumber() / op.credits.toNumber()) ** elasticity;
}

/** The objective of one operation at `credits`, as a float for the search (money is recomputed exactly for the report). */
export function value(op: OptimizeOperation, credits: Dec, options: Pick<OptimizeOptions, 'objective' | 'perCredit'>, elasticity?: number): number {
  const calls = expectedCalls(op, credits, elasticity);
  const perCall = credits.toNumber() * options.perCredit.toNumber();
  return (options.objective === 'revenue' ? perCall : perCall - op.cost.toNumber()) * calls;
}

/** Better than `best` by the objective; a tie keeps the value nearer the current credits (then the smaller). */
function better(op: OptimizeOperation, v: Dec, gain: number, best: { v: Dec; gain: number } | undefined): boolean {
  if (!best) return true;
  const tolerance = 1e-12 * Math.max(1, Math.abs(gain), Math.abs(best.gain));
  if (gain > best.gain + tolerance) return true;
  if (gain < best.gain - tolerance) return false;
  const distance = (x: Dec) => Math.abs(Math.log(x.toNumber() / op.credits.toNumber()));
  return distance(v) < distance(best.v) || (distance(v) === distance(best.v) && v.lt(best.v));
}

function bestOf(op: OptimizeOperation, values: readonly Dec[], options: OptimizeOptions): { v: Dec; gain: number } {
  let best: { v: Dec; gain: number } | undefined;
  for (const v of values) {
    const gain = value(op, v, options);
    if (better(op, v, gain, best)) best = { v, gain };
  }
  return best!;
}

/**
 * Each operation's proposed credits. Without --max-levels every operation is
 * its own best value; with it, every set of at most N distinct values that
 * holds the kept operations' values is tried, each operation taking its best
 * value in the set.
 */
export function optimize(ops: readonly OptimizeOperation[], options: OptimizeOptions): Dec[] {
  const choices = ops.map((op) => candidates(op, options));
  if (options.maxLevels === undefined) return ops.map((op, i) => bestOf(op, choices[i]!, options).v);
  const forced = [...new Set(ops.flatMap((_, i) => (choices[i]!.length === 1 ? [choices[i]![0]!.toFixed()] : [])))];
  if (forced.length > options.maxLevels) {
    throw new DesignError(`--max-levels ${options.maxLevels}: the operations kept as they are already use ${forced.length} distinct values`);
  }
  const free = [...new Set(choices.flatMap((c) => (c.length > 1 ? c.map((v) => v.toFixed()) : [])))].filter((v) => !forced.includes(v)).sort((a, b) => new D(a).comparedTo(b));
  const room = options.maxLevels - forced.length;
  let sets = 0;
  for (let k = 0, n = 1; k <= Math.min(room, free.length); k++) {
    sets += n;
    n = (n * (free.length - k)) / (k + 1);
  }
  if (sets > MAX_SETS) {
    throw new DesignError(`--max-levels ${options.maxLevels} leaves ${Math.round(sets).toLocaleString('en-US')} sets of values to try, more than an exact search here takes; lower --max-change or raise --max-levels`);
  }
  // Each operation's objective at each value it may take, computed once.
  const gains = ops.map((op, i) => new Map(choices[i]!.map((v) => [v.toFixed(), value(op, v, options)])));
  let best: { total: number; pick: Dec[] } | undefined;
  const chosen: string[] = [];
  const visit = (from: number) => {
    const set = new Set([...forced, ...chosen]);
    const pick: Dec[] = [];
    let total = 0;
    let feasible = true;
    ops.forEach((op, i) => {
      let mine: { v: Dec; gain: number } | undefined;
      for (const v of choices[i]!) {
        if (!set.has(v.toFixed())) continue;
        const gain = gains[i]!.get(v.toFixed())!;
        if (better(op, v, gain, mine)) mine = { v, gain };
      }
      if (!mine) feasible = false;
      else {
        pick.push(mine.v);
        total += mine.gain;
      }
    });
    if (feasible && (!best || total > best.total + 1e-12 * Math.max(1, Math.abs(total)))) best = { total, pick };
    if (chosen.length === room) return;
    for (let j = from; j < free.length; j++) {
      chosen.push(free[j]!);
      visit(j + 1);
      chosen.pop();
    }
  };
  visit(0);
  if (!best) throw new DesignError(`--max-levels ${options.maxLevels}: no set of ${options.maxLevels} values gives every operation a value it may take (within --max-change of its credits, its margin above the floor); raise --max-levels or --max-change`);
  return best.pick;
}

/** Monthly steps from `from` to `to`: rises of at most maxStep a month in whole credits; a fall takes effect at once. */
export function schedule(from: Dec, to: Dec, maxStep: Dec): Dec[] {
  if (to.lte(from)) return to.eq(from) ? [] : [to];
  return stepSchedule(from, to, maxStep);
}
