import { Dec, ONE, ZERO } from './decimal.js';
import { ladderFrom, roundToLadder } from './ladder.js';
import type { CreditTable } from './table.js';

/** What the usage log says about one operation, summed exactly. */
export interface UsageAggregate {
  operation: string;
  calls: number;
  cost: Dec;
  /** Credits the log says were charged; without the column, calls × the table's credits. */
  creditsConsumed?: Dec;
  /**
   * Per-customer totals, asked for only when the operation is flagged: most
   * never are. They may be only the `top` costliest (ties by name), since no
   * more are shown.
   */
  customers?: (top: number) => { customer: string; calls: number; cost: Dec }[];
}

export type AuditStatus = 'ok' | 'under-floor' | 'negative';

export interface CustomerShare {
  customer: string;
  calls: number;
  cost: Dec;
  /** Of the operation's cost. */
  share: Dec;
}

export interface Correction {
  from: Dec;
  /** The smallest ladder value that restores the target margin at the current price; undefined when the ladder has none. */
  to?: Dec;
  /** Credits month by month, ending at `to`. */
  steps: Dec[];
  note?: string;
}

export interface AuditedOperation {
  operation: string;
  calls: number;
  credits: Dec;
  revenue: Dec;
  cost: Dec;
  /** (revenue − cost) / revenue; undefined when there is no revenue. */
  margin?: Dec;
  status: AuditStatus;
  topCustomers?: CustomerShare[];
  correction?: Correction;
}

export interface UnpricedOperation {
  operation: string;
  calls: number;
  cost: Dec;
  creditsConsumed?: Dec;
}

export interface AuditResult {
  operations: AuditedOperation[];
  unpriced: UnpricedOperation[];
  floor: Dec;
  price: Dec;
  targetMargin: Dec;
  /** Whether anything is under the floor, loses money, or is unpriced. */
  problems: boolean;
}

export interface AuditOptions {
  floor: Dec;
  top: number;
  maxStep: Dec;
}

/**
 * Monthly steps from `from` to `to` credits, each a whole number of credits
 * above the last and at most (1 + maxStep) times it. Where even one credit is
 * a bigger step than that (from 1 at 20%), the step is one credit.
 */
export function stepSchedule(from: Dec, to: Dec, maxStep: Dec): Dec[] {
  const steps: Dec[] = [];
  let current = from;
  while (current.lt(to)) {
    const allowed = current.times(ONE.plus(maxStep)).floor();
    const next = Dec.min(to, Dec.max(allowed, current.floor().plus(1)));
    steps.push(next);
    current = next;
  }
  return steps;
}

function correctionFor(op: { operation: string; calls: number; cost: Dec }, credits: Dec, table: CreditTable, maxStep: Dec): Correction {
  const price = table.price.per_credit;
  const costPerCall = op.cost.dividedBy(op.calls);
  // credits × price × (1 − target) ≥ cost per call
  const needed = costPerCall.dividedBy(price.times(ONE.minus(table.price.target_margin)));
  try {
    const to = Dec.max(roundToLadder(needed, ladderFrom(table.design.ladder), 'up', op.operation), credits);
    return { from: credits, to, steps: stepSchedule(credits, to, maxStep) };
  } catch {
    return { from: credits, steps: [], note: `needs ${needed.ceil().toFixed()} credits, above the largest step of ladder ${table.design.ladder}` };
  }
}

type Standing = { credits: Dec; revenue: Dec; margin: Dec | undefined; status: AuditStatus };

/**
 * Each operation's standing as flaggedOperations worked it out, for auditUsage
 * to take as it is when asked about the same usage with the same price, floor
 * and credits: a margin is a 40-digit division, and with 500 operations the
 * second pass cost 5-9 ms.
 */
const standings = new WeakMap<UsageAggregate, { price: Dec; floor: Dec; from: Dec; calls: number; cost: Dec; result: Standing }>();

/** An operation's credits (the log's, or calls × the table's), revenue at the table's price, margin, and whether it loses money or is under the floor. */
function standing(u: UsageAggregate, entryCredits: Dec, price: Dec, floor: Dec): Standing {
  const known = standings.get(u);
  const from = u.creditsConsumed ?? entryCredits;
  if (known && known.price === price && known.floor === floor && known.from === from && known.calls === u.calls && known.cost === u.cost) return known.result;
  const credits = u.creditsConsumed ?? entryCredits.times(u.calls);
  const revenue = credits.times(price);
  const margin = revenue.isZero() ? undefined : revenue.minus(u.cost).dividedBy(revenue);
  const losing = margin === undefined ? u.cost.gt(ZERO) : margin.lt(ZERO);
  const result: Standing = { credits, revenue, margin, status: losing ? 'negative' : margin !== undefined && margin.lt(floor) ? 'under-floor' : 'ok' };
  standings.set(u, { price, floor, from, calls: u.calls, cost: u.cost, result });
  return result;
}

/** The operations auditUsage flags, so asks for their customers: priced, and losing money or under the floor. */
export function flaggedOperations(usage: readonly UsageAggregate[], table: CreditTable, options: Pick<AuditOptions, 'floor'>): string[] {
  return usage.filter((u) => {
    const entry = table.operations[u.operation];
    return entry !== undefined && standing(u, entry.credits, table.price.per_credit, options.floor).status !== 'ok';
  }).map((u) => u.operation);
}

/**
 * The audit of the reference method: per operation, revenue = credits × the
 * table's price against the actual cost, margin = (revenue − cost) / revenue,
 * flagged under the floor; for flagged operations, who drives the cost and a
 * gradual correction back to the target margin.
 */
export function auditUsage(usage: readonly UsageAggregate[], table: CreditTable, options: AuditOptions): AuditResult {
  const price = table.price.per_credit;
  const operations: AuditedOperation[] = [];
  const unpriced: UnpricedOperation[] = [];
  for (const u of usage) {
    const entry = table.operations[u.operation];
    if (!entry) {
      unpriced.push({ operation: u.operation, calls: u.calls, cost: u.cost, ...(u.creditsConsumed && { creditsConsumed: u.creditsConsumed }) });
      continue;
    }
    const { credits, revenue, margin, status } = standing(u, entry.credits, price, options.floor);
    const audited: AuditedOperation = { operation: u.operation, calls: u.calls, credits, revenue, cost: u.cost, status, ...(margin && { margin }) };
    if (status !== 'ok') {
      const customers = u.customers?.(options.top) ?? [];
      if (customers.length > 0) {
        audited.topCustomers = customers
          .sort((a, b) => b.cost.comparedTo(a.cost) || a.customer.localeCompare(b.customer))
          .slice(0, options.top)
          .map((c) => ({ ...c, share: u.cost.isZero() ? ZERO : c.cost.dividedBy(u.cost) }));
      }
      if (u.calls > 0) audited.correction = correctionFor(u, entry.credits, table, options.maxStep);
    }
    operations.push(audited);
  }
  operations.sort((a, b) => {
    if (a.margin === undefined || b.margin === undefined) return (a.margin === undefined ? 0 : 1) - (b.margin === undefined ? 0 : 1);
    return a.margin.comparedTo(b.margin) || a.operation.localeCompare(b.operation);
  });
  unpriced.sort((a, b) => b.cost.comparedTo(a.cost));
  return {
    operations,
    unpriced,
    floor: options.floor,
    price,
    targetMargin: table.price.target_margin,
    problems: unpriced.length > 0 || operations.some((o) => o.status !== 'ok'),
  };
}
