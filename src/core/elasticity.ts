/**
 * Price elasticity of each operation's calls, measured from the table's own
 * history: every change of an operation's effective price (credits × price
 * per credit) is a natural experiment, read as a difference in differences
 * against the operations whose price did not change at that moment.
 *
 * Statistics, not money: the arithmetic is in floating point, and every
 * figure that reaches an output is rounded (elasticities to two places).
 */

/** Calls per customer, window and operation: the table in force is the same throughout a window. */
export interface Panel {
  operations: readonly string[];
  /** Effective price per call of each operation in each window: prices[window][op]; NaN where the table lacks the operation. */
  prices: readonly (readonly number[])[];
  customers: number;
  /** calls[(customer × windows + window) × operations + op]. */
  calls: Float64Array | readonly number[];
  /** Days with at least one call: activeDays[customer × windows + window]. */
  activeDays: Float64Array | readonly number[];
}

export interface Estimate {
  operation: string;
  /** Undefined when not identifiable. */
  elasticity?: number;
  low?: number;
  high?: number;
  /** The price changes it was measured from (window boundaries), and why it could not be when it was not. */
  events: number;
  reason?: string;
}

/** At least this many calls on each side of a change, for the operation and for its control. */
export const MIN_CALLS = 100;
export const BOOTSTRAP_ROUNDS = 400;

interface Event {
  window: number;
  op: number;
  /** ln(price after / price before). */
  change: number;
  controls: number[];
}

/** The price changes at each window boundary that have a control (an operation priced the same on both sides). */
function eventsOf(panel: Panel): { events: Event[]; uncontrolled: Set<number> } {
  const events: Event[] = [];
  const uncontrolled = new Set<number>();
  const ops = panel.operations.length;
  for (let w = 1; w < panel.prices.length; w++) {
    const before = panel.prices[w - 1]!;
    const after = panel.prices[w]!;
    const priced = (o: number) => Number.isFinite(before[o]!) && Number.isFinite(after[o]!) && before[o]! > 0 && after[o]! > 0;
    const changed: number[] = [];
    const controls: number[] = [];
    for (let o = 0; o < ops; o++) {
      if (!priced(o)) continue;
      if (before[o] === after[o]) controls.push(o);
      else changed.push(o);
    }
    for (const o of changed) {
      if (controls.length === 0) uncontrolled.add(o);
      else events.push({ window: w, op: o, change: Math.log(after[o]! / before[o]!), controls });
    }
  }
  return { events, uncontrolled };
}

/**
 * The elasticity of each operation, per event: the change in calls per
 * active customer-day of the operation, less that of its controls (pooled),
 * over the change in ln(price); events combined by least squares through the
 * origin. Calls per active day are taken customer by customer, among the
 * customers active on both sides, each weighted alike on both sides
 * (ω = dᵇ·dᵃ/(dᵇ + dᵃ) of their active days), so customers joining or
 * leaving, and how much each calls, do not pass for a response to price.
 * `weights` are bootstrap multiplicities. NaN where no event has enough calls.
 */
function elasticities(panel: Panel, events: readonly Event[], weights?: Uint32Array): Float64Array {
  const ops = panel.operations.length;
  const windows = panel.prices.length;
  const numerator = new Float64Array(ops);
  const denominator = new Float64Array(ops);
  for (const e of events) {
    const [wb, wa] = [e.window - 1, e.window];
    let [yb, ya, cb, ca, nb, na, kb, ka] = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let c = 0; c < panel.customers; c++) {
      const times = weights ? weights[c]! : 1;
      if (times === 0) continue;
      const [db, da] = [panel.activeDays[c * windows + wb]!, panel.activeDays[c * windows + wa]!];
      if (db === 0 || da === 0) continue;
      const omega = (times * db * da) / (db + da);
      const at = (w: number, o: number) => panel.calls[(c * windows + w) * ops + o]!;
      const [ob, oa] = [at(wb, e.op), at(wa, e.op)];
      let [controlB, controlA] = [0, 0];
      for (const k of e.controls) {
        controlB += at(wb, k);
        controlA += at(wa, k);
      }
      yb += (omega * ob) / db;
      ya += (omega * oa) / da;
      cb += (omega * controlB) / db;
      ca += (omega * controlA) / da;
      nb += times * ob;
      na += times * oa;
      kb += times * controlB;
      ka += times * controlA;
    }
    if (nb < MIN_CALLS || na < MIN_CALLS || kb < MIN_CALLS || ka < MIN_CALLS) continue;
    const difference = Math.log(ya / yb) - Math.log(ca / cb);
    numerator[e.op]! += difference * e.change;
    denominator[e.op]! += e.change * e.change;
  }
  return Float64Array.from(numerator, (n, o) => (denominator[o]! > 0 ? n / denominator[o]! : Number.NaN));
}

/** A small deterministic generator (mulberry32), so the same log gives the same intervals. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Each operation's elasticity with a 95% interval from a bootstrap over
 * customers (customers drawn with replacement, the estimate made again,
 * the 2.5th and 97.5th percentiles taken). An operation whose price never
 * changed, or changed only when every other did too, or with too few calls,
 * is not identifiable, and says why.
 */
export function estimateElasticities(panel: Panel, rounds = BOOTSTRAP_ROUNDS, seed = 1): Estimate[] {
  const { events, uncontrolled } = eventsOf(panel);
  const point = elasticities(panel, events);
  const random = seeded(seed);
  const draws: number[][] = panel.operations.map(() => []);
  const weights = new Uint32Array(panel.customers);
  for (let r = 0; r < rounds && panel.customers > 0; r++) {
    weights.fill(0);
    for (let i = 0; i < panel.customers; i++) weights[Math.floor(random() * panel.customers)]!++;
    const sample = elasticities(panel, events, weights);
    sample.forEach((e, o) => {
      if (Number.isFinite(e)) draws[o]!.push(e);
    });
  }
  return panel.operations.map((operation, o) => {
    const mine = events.filter((e) => e.op === o);
    if (Number.isFinite(point[o]!)) {
      const sorted = draws[o]!.sort((a, b) => a - b);
      return { operation, elasticity: round2(point[o]!), low: round2(percentile(sorted, 0.025)), high: round2(percentile(sorted, 0.975)), events: mine.length };
    }
    const reason =
      mine.length > 0
        ? `too few calls around its price change${mine.length > 1 ? 's' : ''} (fewer than ${MIN_CALLS} on a side)`
        : uncontrolled.has(o)
          ? 'its price changed only when every other operation’s did too, so nothing shows what would have happened without the change'
          : 'its price never changed in the history';
    return { operation, events: mine.length, reason };
  });
}
