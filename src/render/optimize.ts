import type { Objective } from '../core/choices.js';
import { type Dec, ZERO } from '../core/decimal.js';
import { percent } from '../core/design.js';
import type { Estimate } from '../core/elasticity.js';
import { MIN_CALLS } from '../core/elasticity.js';
import type { Style } from '../ui.js';
import { count, money } from './format.js';
import { toJson } from './json.js';
import { safeText } from './safe-text.js';
import { textTable } from './table.js';

export interface OptimizedOperation {
  operation: string;
  estimate: Estimate;
  /** --assume, when given for this operation. */
  assumed?: number;
  pinned?: boolean;
  current: Dec;
  proposed: Dec;
  /** Calls a month now, and expected at the proposed credits (at the elasticity, and at each end of its interval). */
  callsNow: number;
  expectedCalls: number;
  revenueChange: Dec;
  profitChange: Dec;
  revenueRange?: [Dec, Dec];
  profitRange?: [Dec, Dec];
  marginNow: Dec;
  marginProposed: Dec;
  /** Monthly credits on the way to the proposal (rises of at most --max-step a month). */
  schedule: Dec[];
}

export interface OptimizeReport {
  table: string;
  usage: string;
  objective: Objective;
  perCredit: Dec;
  currency: string;
  floor: Dec;
  maxStep: Dec;
  versions: { from: string | null; label: string }[];
  note?: string;
  operations: OptimizedOperation[];
  /** Days the current calls span (scaled to a month of 30). */
  days: number;
}

/** 1: the first optimize document (optimize.schema.json). */
const OPTIMIZE_SCHEMA_VERSION = 1;

const signedMoney = (d: Dec, currency: string) => (d.isNeg() ? `−${money(d.abs(), currency)}` : `+${money(d, currency)}`);

function elasticityCell(o: OptimizedOperation): string {
  if (o.assumed !== undefined) return `${o.assumed} (assumed)`;
  const e = o.estimate;
  return e.elasticity === undefined ? 'not identifiable' : `${e.elasticity} [${e.low}, ${e.high}]`;
}

const totals = (ops: readonly OptimizedOperation[]) => ({
  revenue: ops.reduce((s, o) => s.plus(o.revenueChange), ZERO),
  profit: ops.reduce((s, o) => s.plus(o.profitChange), ZERO),
});

/** The assumptions behind the proposal, in plain words. */
export function assumptions(report: OptimizeReport): string[] {
  const lines = [
    "Calls respond to an operation's own price only, at a constant elasticity: expected calls = current calls × (new / current credits)^elasticity.",
    'Each elasticity is measured at the price changes in the history, against the operations whose price did not change at that moment (difference in differences), comparing calls per active customer-day customer by customer; anything else that changed at the same moment is read as a response to price. The interval is a 95% bootstrap over customers.',
    `Calls a month now: the calls under the current table (${report.days.toFixed(1)} days), scaled to 30 days.`,
    `Only credits change: the price per credit and each operation's cost stay as ${report.table} records them; candidates are the ladder's values whose margin clears the floor of ${percent(report.floor)}.`,
    `Rises are reached by monthly steps of at most ${percent(report.maxStep)}; falls take effect at once.`,
  ];
  const unknown = report.operations.filter((o) => o.estimate.elasticity === undefined && o.assumed === undefined);
  if (unknown.length > 0) lines.push(`Not identifiable, so kept as they are: ${unknown.map((o) => `${o.operation} (${o.estimate.reason})`).join('; ')}. State one with --assume OPERATION=ELASTICITY.`);
  if (report.note) lines.push(`History: ${report.note}.`);
  return lines;
}

export function renderOptimizeText(report: OptimizeReport, style: Style): string {
  const rows = report.operations.map((o) => [
    safeText(o.operation),
    elasticityCell(o),
    `${count(o.current)} → ${o.proposed.eq(o.current) ? style.dim(count(o.proposed)) : style.bold(count(o.proposed))}`,
    `${o.callsNow.toLocaleString('en-US')} → ${o.expectedCalls.toLocaleString('en-US')}`,
    `${signedMoney(o.revenueChange, report.currency)}${o.revenueRange ? ` [${signedMoney(o.revenueRange[0], report.currency)}, ${signedMoney(o.revenueRange[1], report.currency)}]` : ''}`,
    `${signedMoney(o.profitChange, report.currency)}${o.profitRange ? ` [${signedMoney(o.profitRange[0], report.currency)}, ${signedMoney(o.profitRange[1], report.currency)}]` : ''}`,
    `${percent(o.marginNow)} → ${percent(o.marginProposed)}`,
    o.schedule.length > 1 ? o.schedule.map((s) => count(s)).join(' → ') : '',
  ]);
  const table = textTable(['operation', 'elasticity [95%]', 'credits', 'calls / month', 'revenue / month', 'profit / month', 'margin', 'monthly steps'], rows, [3, 4, 5, 6]);
  const total = totals(report.operations);
  const changed = report.operations.filter((o) => !o.proposed.eq(o.current)).length;
  const lines = [
    style.dim(`${report.usage} under ${report.versions.length} version${report.versions.length === 1 ? '' : 's'} of ${report.table}; maximising ${report.objective} at ${money(report.perCredit, report.currency)} per credit`),
    table,
    `${changed === 0 ? 'No change proposed' : `${changed} operation${changed === 1 ? ' changes' : 's change'}`}: revenue ${signedMoney(total.revenue, report.currency)}, profit ${signedMoney(total.profit, report.currency)} a month, expected.`,
    '',
    style.bold('Assumptions'),
    ...assumptions(report).map((a) => `- ${a}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderOptimizeJson(report: OptimizeReport): string {
  const total = totals(report.operations);
  return `${toJson({
    schema_version: OPTIMIZE_SCHEMA_VERSION,
    table: report.table,
    usage: report.usage,
    objective: report.objective,
    currency: report.currency,
    per_credit: report.perCredit,
    min_calls: MIN_CALLS,
    versions: report.versions,
    operations: report.operations.map((o) => ({
      operation: o.operation,
      elasticity: o.assumed ?? o.estimate.elasticity ?? null,
      low: o.assumed === undefined ? (o.estimate.low ?? null) : null,
      high: o.assumed === undefined ? (o.estimate.high ?? null) : null,
      source: o.assumed !== undefined ? 'assumed' : o.estimate.elasticity !== undefined ? 'measured' : 'not_identifiable',
      events: o.estimate.events,
      reason: o.estimate.reason ?? null,
      pinned: o.pinned === true,
      current_credits: o.current,
      proposed_credits: o.proposed,
      calls_now: o.callsNow,
      expected_calls: o.expectedCalls,
      revenue_change: o.revenueChange,
      revenue_change_range: o.revenueRange ?? null,
      profit_change: o.profitChange,
      profit_change_range: o.profitRange ?? null,
      margin_now: o.marginNow.toDecimalPlaces(6),
      margin_proposed: o.marginProposed.toDecimalPlaces(6),
      schedule: o.schedule,
    })),
    total: { revenue_change: total.revenue, profit_change: total.profit },
    assumptions: assumptions(report),
  })}\n`;
}
