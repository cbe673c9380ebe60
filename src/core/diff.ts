import { stepSchedule } from './audit.js';
import { Dec, ONE, ZERO } from './decimal.js';
import type { Modifier } from './modifiers.js';
import { marginOf } from './price.js';
import type { CreditTable } from './table.js';

/**
 * What a new credit table does, compared with the old one: to the table
 * itself and, given who called what, to every customer's bill.
 */

export type ChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface OperationChange {
  operation: string;
  kind: ChangeKind;
  before?: Dec;
  after?: Dec;
  /** after / before − 1, when both exist. */
  ratio?: Dec;
  /** Margins at each table's recorded cost and price. */
  marginBefore?: Dec;
  marginAfter?: Dec;
  /** Monthly credits from `before` to `after`, when the rise is over the threshold. */
  steps?: Dec[];
}

export interface PlanChange {
  plan: string;
  kind: ChangeKind;
  priceBefore?: Dec;
  priceAfter?: Dec;
  includedBefore?: Dec;
  includedAfter?: Dec;
}

export interface ModifierChange {
  modifier: string;
  kind: Exclude<ChangeKind, 'unchanged'>;
}

export interface PlanTerms {
  name: string;
  price: Dec;
  included: Dec;
}

export interface TableDiff {
  operations: OperationChange[];
  price: { before: Dec; after: Dec; displayBefore: string; displayAfter: string };
  plans: PlanChange[];
  modifiers: ModifierChange[];
}

/** One customer's calls in the window, by operation, and the plan they are on (if mapped). */
export interface CustomerCalls {
  customer: string;
  calls: ReadonlyMap<string, number>;
  plan?: string;
}

export interface Bill {
  credits: Dec;
  amount: Dec;
  /** Calls of operations this table does not price (charged nothing). */
  unpricedCalls: number;
}

export interface CustomerImpact {
  customer: string;
  plan?: string;
  calls: number;
  before: Bill;
  after: Bill;
  change: Dec;
  /** change / before; undefined when the old bill was 0. */
  ratio?: Dec;
  overThreshold: boolean;
}

export interface Impact {
  customers: CustomerImpact[];
  revenueBefore: Dec;
  revenueAfter: Dec;
  overThreshold: number;
  /** Customers whose rise is over the threshold, with their share of the old revenue. */
  grandfather: { customer: string; ratio?: Dec; share: Dec }[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function marginAt(table: CreditTable, operation: string): Dec | undefined {
  const op = table.operations[operation];
  return op ? marginOf(op.cost, op.credits, table.price.per_credit) : undefined;
}

/** A rise is over the threshold when it is more than `threshold` of the old value, or anything at all from nothing. */
export function risesOver(before: Dec, after: Dec, threshold: Dec): boolean {
  if (after.lte(before)) return false;
  return before.isZero() || after.dividedBy(before).minus(ONE).gt(threshold);
}

/**
 * Every operation of either table with its credits and margins before and
 * after; price, plans (with their included credits, derived) and
 * modifiers that were added, removed or changed.
 */
export function diffTables(
  before: CreditTable,
  after: CreditTable,
  options: { threshold: Dec; maxStep: Dec; plansBefore: readonly PlanTerms[]; plansAfter: readonly PlanTerms[] },
): TableDiff {
  const names = [...new Set([...Object.keys(after.operations), ...Object.keys(before.operations)])];
  const operations = names.map((operation): OperationChange => {
    const old = before.operations[operation]?.credits;
    const now = after.operations[operation]?.credits;
    const kind: ChangeKind = old === undefined ? 'added' : now === undefined ? 'removed' : old.eq(now) ? 'unchanged' : 'changed';
    const change: OperationChange = { operation, kind };
    if (old !== undefined) change.before = old;
    if (now !== undefined) change.after = now;
    if (old !== undefined && now !== undefined) change.ratio = now.dividedBy(old).minus(ONE);
    const marginBefore = marginAt(before, operation);
    const marginAfter = marginAt(after, operation);
    if (marginBefore !== undefined) change.marginBefore = marginBefore;
    if (marginAfter !== undefined) change.marginAfter = marginAfter;
    if (old !== undefined && now !== undefined && risesOver(old, now, options.threshold)) change.steps = stepSchedule(old, now, options.maxStep);
    return change;
  });

  const oldPlans = new Map(options.plansBefore.map((p) => [p.name, p]));
  const newPlans = new Map(options.plansAfter.map((p) => [p.name, p]));
  const plans: PlanChange[] = [];
  for (const name of new Set([...newPlans.keys(), ...oldPlans.keys()])) {
    const old = oldPlans.get(name);
    const now = newPlans.get(name);
    const same = old && now && old.price.eq(now.price) && old.included.eq(now.included);
    const change: PlanChange = { plan: name, kind: !old ? 'added' : !now ? 'removed' : same ? 'unchanged' : 'changed' };
    if (old) Object.assign(change, { priceBefore: old.price, includedBefore: old.included });
    if (now) Object.assign(change, { priceAfter: now.price, includedAfter: now.included });
    plans.push(change);
  }

  const oldModifiers = new Map((before.modifiers ?? []).map((m) => [m.name, m]));
  const newModifiers = new Map((after.modifiers ?? []).map((m) => [m.name, m]));
  const modifiers: ModifierChange[] = [];
  for (const [name, m] of newModifiers) {
    const old = oldModifiers.get(name);
    if (!old) modifiers.push({ modifier: name, kind: 'added' });
    else if (!sameJson(plainModifier(old), plainModifier(m))) modifiers.push({ modifier: name, kind: 'changed' });
  }
  for (const name of oldModifiers.keys()) if (!newModifiers.has(name)) modifiers.push({ modifier: name, kind: 'removed' });

  return {
    operations,
    price: { before: before.price.per_credit, after: after.price.per_credit, displayBefore: before.price.display, displayAfter: after.price.display },
    plans,
    modifiers,
  };
}

/** A modifier with its decimals as text, for comparing. */
function plainModifier(m: Modifier): unknown {
  return JSON.parse(JSON.stringify(m, (_, v: unknown) => (v instanceof Dec ? v.toFixed() : v)));
}

/**
 * A customer's bill for their calls under a table: every call charged the
 * table's credits (modifiers are not applied), at its price; on a plan, the
 * plan's price plus the credits beyond those it includes.
 */
function billFor(calls: ReadonlyMap<string, number>, table: CreditTable, plan?: PlanTerms): Bill {
  let credits = ZERO;
  let unpricedCalls = 0;
  for (const [operation, n] of calls) {
    const op = table.operations[operation];
    if (op) credits = credits.plus(op.credits.times(n));
    else unpricedCalls += n;
  }
  const price = table.price.per_credit;
  const amount = plan ? plan.price.plus(Dec.max(ZERO, credits.minus(plan.included)).times(price)) : credits.times(price);
  return { credits, amount, unpricedCalls };
}

/**
 * Each customer's bill under both tables, largest increase first; the totals;
 * how many rise over the threshold; and those, as grandfather candidates,
 * with their share of the revenue before, largest share first.
 */
export function customerImpact(
  customers: readonly CustomerCalls[],
  before: CreditTable,
  after: CreditTable,
  options: { threshold: Dec; plansBefore: ReadonlyMap<string, PlanTerms>; plansAfter: ReadonlyMap<string, PlanTerms> },
): Impact {
  const impacts = customers.map((c): CustomerImpact => {
    const old = billFor(c.calls, before, c.plan === undefined ? undefined : options.plansBefore.get(c.plan));
    const now = billFor(c.calls, after, c.plan === undefined ? undefined : options.plansAfter.get(c.plan));
    const change = now.amount.minus(old.amount);
    let calls = 0;
    for (const n of c.calls.values()) calls += n;
    const impact: CustomerImpact = { customer: c.customer, calls, before: old, after: now, change, overThreshold: risesOver(old.amount, now.amount, options.threshold) };
    if (c.plan !== undefined) impact.plan = c.plan;
    if (!old.amount.isZero()) impact.ratio = change.dividedBy(old.amount);
    return impact;
  });
  impacts.sort((a, b) => b.change.comparedTo(a.change) || a.customer.localeCompare(b.customer));
  const revenueBefore = impacts.reduce((sum, c) => sum.plus(c.before.amount), ZERO);
  const revenueAfter = impacts.reduce((sum, c) => sum.plus(c.after.amount), ZERO);
  const over = impacts.filter((c) => c.overThreshold);
  return {
    customers: impacts,
    revenueBefore,
    revenueAfter,
    overThreshold: over.length,
    // Heaviest users first: grandfathering them keeps the most revenue at stake.
    grandfather: over
      .map((c) => ({
        customer: c.customer,
        ...(c.ratio !== undefined && { ratio: c.ratio }),
        share: revenueBefore.isZero() ? ZERO : c.before.amount.dividedBy(revenueBefore),
      }))
      .sort((a, b) => b.share.comparedTo(a.share) || a.customer.localeCompare(b.customer)),
  };
}
