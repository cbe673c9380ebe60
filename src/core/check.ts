import type { Dec } from './decimal.js';
import { type Design, type DesignedOperation, percent } from './design.js';
import { describeStack, worstCase, worstStack } from './modifiers.js';
import { type Price, marginOf } from './price.js';
import type { OperationCost } from './samples.js';
import type { CreditTable } from './table.js';

import { SEVERITIES, type Severity } from './choices.js';

export { SEVERITIES, type Severity };

export type FindingCode =
  | 'unpriced-operation'
  | 'stale-operation'
  | 'credit-drift'
  | 'price-drift'
  | 'hand-edit'
  | 'margin-below-floor'
  | 'negative-margin'
  | 'modifier-below-floor'
  | 'zero-credit-discount'
  | 'export-drift'
  | 'price-catalog-drift';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  operation?: string;
  /** Key path in the table the finding points at, for its line. */
  path: (string | number)[];
  /** The file the finding is about, when not the table (an exported file). */
  file?: string;
  message: string;
  committed?: Dec | string;
  expected?: Dec | string;
}

/** The commands a finding's advice names: each, run as printed, makes its finding go away. */
export interface Fixes {
  /** Designs the table again from the current costs. */
  redesign: string;
  /** Re-prices the committed credits at the current costs. */
  reprice: string;
  /** Designs again with the operation pinned at the least credits that clear the floor; undefined when none does. */
  pin(operation: string): string | undefined;
}

export interface CheckInput {
  table: CreditTable;
  /** The table re-derived from its own recorded costs and parameters: what it should say if untouched. */
  recorded: Design;
  /** The table re-derived from the current costs with the recorded parameters. */
  current: Design;
  currentCosts: readonly OperationCost[];
  /** The committed credits priced at the current costs (what re-pricing alone would give); absent when no operation is left to price. */
  currentPrice?: Price;
  floor: Dec;
  fixes: Fixes;
}

const byOperation = (d: Design) => new Map(d.operations.map((o) => [o.operation, o]));

/**
 * Compares a committed table with re-derivations of it. Hand edits are told
 * apart from drift by deriving twice: from the costs the table records (any
 * difference is an edit) and from the current costs (any difference from the
 * first is drift). Margins use the committed credits and price against the
 * current costs, since those are what customers pay and what serving costs.
 */
export function checkTable(input: CheckInput): Finding[] {
  const { table, floor, fixes } = input;
  const { redesign } = fixes;
  const findings: Finding[] = [];
  const recorded = byOperation(input.recorded);
  const current = byOperation(input.current);
  const regenerate = `run \`${redesign}\` to regenerate, or pin it with \`pinned: true\``;
  /** A margin problem is fixed by a redesign when the fresh design clears it, else by pinning more credits. */
  const raise = (operation: string, freshClears: boolean) => {
    if (freshClears) return `run \`${redesign}\``;
    const pin = fixes.pin(operation);
    return pin ? `run \`${pin}\`` : 'raise its credits (pinned: true) or the price';
  };

  for (const cost of input.currentCosts) {
    if (!table.operations[cost.operation]) {
      const credits = current.get(cost.operation)?.credits;
      findings.push({
        code: 'unpriced-operation',
        severity: 'error',
        operation: cost.operation,
        path: ['operations'],
        message: `${cost.operation} is in the costs but not in the table${credits ? ` (it would get ${credits.toFixed()} credits)` : ''}; run \`${redesign}\` to price it`,
        ...(credits && { expected: credits }),
      });
    }
  }

  for (const [operation, op] of Object.entries(table.operations)) {
    const path = ['operations', operation];
    const now = current.get(operation);
    if (!now) {
      findings.push({
        code: 'stale-operation',
        severity: 'warning',
        operation,
        path,
        message: `${operation} is in the table but not in the costs; run \`${redesign}\` to drop it, or profile it again`,
        committed: op.credits,
      });
      continue;
    }
    const designed = recorded.get(operation);
    const drift = !op.pinned && designed ? creditFinding(operation, op.credits, op.cost, designed, now, regenerate) : undefined;
    if (drift) findings.push({ ...drift, operation, path });
    const margin = marginOf(now.cost, op.credits, table.price.per_credit);
    const freshClears = now.margin.gte(floor);
    if (margin.lt(0)) {
      findings.push({
        code: 'negative-margin',
        severity: 'error',
        operation,
        path,
        message: `${operation} loses money: it costs ${now.cost.toSignificantDigits(6).toFixed()} and earns ${op.credits.times(table.price.per_credit).toFixed()} (margin ${percent(margin)}); ${raise(operation, freshClears)}`,
        committed: margin.toDecimalPlaces(4),
        expected: floor,
      });
    } else if (margin.lt(floor)) {
      findings.push({
        code: 'margin-below-floor',
        severity: 'error',
        operation,
        path,
        message: `${operation}'s margin is ${percent(margin)}, under the floor of ${percent(floor)}; ${raise(operation, freshClears)}`,
        committed: margin.toDecimalPlaces(4),
        expected: floor,
      });
    }
  }

  findings.push(...modifierFindings(input, raise));

  const price = input.current.price.perCredit;
  if (!price.eq(table.price.per_credit)) {
    const higher = price.gt(table.price.per_credit);
    // Re-pricing alone settles it when the committed credits call for the same price as a fresh design; else the credits move too.
    const fix = input.currentPrice?.perCredit.eq(price) ? fixes.reprice : redesign;
    findings.push({
      code: 'price-drift',
      severity: higher ? 'error' : 'warning',
      path: ['price', 'per_credit'],
      message: `the current costs price a credit at ${price.toFixed()}, not ${table.price.per_credit.toFixed()} (${higher ? 'the committed price is too low for the target margin' : 'the committed price is higher than the target margin needs'}); run \`${fix}\``,
      committed: table.price.per_credit,
      expected: price,
    });
  }
  return findings;
}

/**
 * One story per operation, from its committed credits T, what its recorded
 * cost gives R, and what its current cost gives C: T ≠ R alone is a hand
 * edit, C ≠ R a drift (noting an edit too), and T = C nothing at all, since
 * the credits are what the costs call for now.
 */
function creditFinding(
  operation: string,
  committed: Dec,
  recordedCost: Dec,
  designed: DesignedOperation,
  now: DesignedOperation,
  regenerate: string,
): Pick<Finding, 'code' | 'severity' | 'message' | 'committed' | 'expected'> | undefined {
  if (committed.eq(now.credits)) return undefined;
  const edited = !committed.eq(designed.credits);
  if (designed.credits.eq(now.credits)) {
    return {
      code: 'hand-edit',
      severity: 'error',
      message: `${operation} has ${committed.toFixed()} credits, but its cost and the design give ${now.credits.toFixed()}; ${regenerate}`,
      committed,
      expected: now.credits,
    };
  }
  const costMoved = !recordedCost.eq(now.cost.toSignificantDigits(12));
  const why = costMoved
    ? `${operation}'s cost moved from ${recordedCost.toFixed()} to ${now.cost.toSignificantDigits(12).toFixed()}, which makes it`
    : `the unit moved (1 credit now stands for ${now.cost.dividedBy(now.rawCredits).toSignificantDigits(12).toFixed()}), which makes ${operation}`;
  return {
    code: 'credit-drift',
    severity: 'error',
    message: `${why} ${now.credits.toFixed()} credits instead of ${committed.toFixed()}${edited ? ` (its ${committed.toFixed()} was also set by hand; the recorded cost gave ${designed.credits.toFixed()})` : ''}; ${regenerate}`,
    committed,
    expected: now.credits,
  };
}

/**
 * Discounts that stack can push an operation under the floor, or to zero
 * credits (floor(1 × 0.7 × 0.6) = 0: a free call). Checked with the worst
 * stack that can apply together, at the committed credits and price and the
 * current costs; each finding points at the deepest discount of the stack.
 */
function modifierFindings({ table, current, floor }: CheckInput, raise: (operation: string, freshClears: boolean) => string): Finding[] {
  if (!table.modifiers || table.modifiers.length === 0) return [];
  const stack = worstStack(table.modifiers);
  if (stack.parts.length === 0) return [];
  const deepest = stack.parts.reduce((a, b) => (b.factor.lt(a.factor) ? b : a));
  const named = describeStack(stack);
  const findings: Finding[] = [];
  for (const now of current.operations) {
    const op = table.operations[now.operation];
    if (!op) continue;
    const worst = worstCase(now.cost, op.credits, table.price.per_credit, stack.factor);
    const fresh = worstCase(now.cost, now.credits, current.price.perCredit, stack.factor);
    const advice = () => raise(now.operation, fresh.margin !== undefined && fresh.margin.gte(floor));
    const path = ['modifiers', deepest.index];
    if (worst.margin === undefined) {
      findings.push({
        code: 'zero-credit-discount',
        severity: 'error',
        operation: now.operation,
        path,
        message: `with ${named}, ${now.operation} costs floor(${op.credits.toFixed()} × ${stack.factor.toFixed()}) = 0 credits: a free call; ${advice()}, or limit the discounts`,
        committed: op.credits,
        expected: worst.credits,
      });
    } else if (worst.margin.lt(floor)) {
      findings.push({
        code: 'modifier-below-floor',
        severity: 'error',
        operation: now.operation,
        path,
        message: `with ${named}, ${now.operation} costs ${worst.credits.toFixed()} credits and its margin is ${percent(worst.margin)}, under the floor of ${percent(floor)}; ${advice()}, or limit the discounts`,
        committed: worst.margin.toDecimalPlaces(4),
        expected: floor,
      });
    }
  }
  return findings;
}

/** Errors before warnings; otherwise in table order. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

export function failing(findings: readonly Finding[], failOn: Severity): Finding[] {
  const threshold = SEVERITIES.indexOf(failOn);
  return findings.filter((f) => SEVERITIES.indexOf(f.severity) <= threshold);
}
