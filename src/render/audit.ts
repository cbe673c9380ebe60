import type { AuditResult, AuditedOperation } from '../core/audit.js';
import { percent } from '../core/design.js';
import { groupThousands } from '../core/price.js';
import type { Style } from '../ui.js';
import { count, money, moneyColumn, safeText } from './format.js';
import { toJson } from './json.js';
import { githubMessage, githubProperty, githubTitle, markdownCell } from './escape.js';
import { textTable } from './table.js';

/** 2: snake_case keys (schema_version, target_margin, top_customers, credits_consumed). */
const AUDIT_SCHEMA_VERSION = 2;

export interface AuditReport {
  table: string;
  usage: string;
  currency: string;
  rows: number;
  skipped: number;
  window: { since?: string; until?: string };
  result: AuditResult;
}

/** Zero calls means a broken log pipeline or a wrong window far more often than a quiet month: never a pass. */
export function auditFailed(report: AuditReport): boolean {
  return report.rows === 0 || report.result.problems;
}

function windowText(report: AuditReport): string {
  return [report.window.since && `since ${report.window.since}`, report.window.until && `until ${report.window.until}`].filter(Boolean).join(', ');
}

const STATUS = { ok: 'ok', 'under-floor': 'under floor', negative: 'LOSES MONEY' } as const;

function statusCell(o: AuditedOperation, style: Style): string {
  const text = STATUS[o.status];
  return o.status === 'ok' ? style.green(text) : o.status === 'negative' ? style.red(text) : style.yellow(text);
}

export function renderAuditText(report: AuditReport, style: Style): string {
  const { result, currency } = report;
  const lines: string[] = [];
  const window = windowText(report);
  lines.push(
    `${style.bold(safeText(report.usage))} against ${safeText(report.table)} (${money(result.price, currency)} per credit, floor ${percent(result.floor)}): ` +
      `${groupThousands(String(report.rows))} call${report.rows === 1 ? '' : 's'}${window ? `, ${window}` : ''}` +
      (report.skipped > 0 ? ` (${report.skipped} outside the window)` : ''),
  );
  if (result.operations.length > 0) {
    const revenue = moneyColumn(result.operations.map((o) => o.revenue), currency);
    const cost = moneyColumn(result.operations.map((o) => o.cost), currency);
    const rows = result.operations.map((o, i) => [
      safeText(o.operation),
      groupThousands(String(o.calls)),
      count(o.credits),
      revenue[i]!,
      cost[i]!,
      o.margin === undefined ? '—' : percent(o.margin),
      statusCell(o, style),
    ]);
    lines.push(textTable(['operation', 'calls', 'credits', 'revenue', 'cost', 'margin', 'status'], rows, [1, 2, 3, 4, 5]));
  }
  if (result.unpriced.length > 0) {
    lines.push(style.red('Unpriced (in the usage, not in the table):'));
    for (const u of result.unpriced) lines.push(`  ${safeText(u.operation)}: ${groupThousands(String(u.calls))} call${u.calls === 1 ? '' : 's'}, ${money(u.cost, currency)}`);
  }
  for (const o of result.operations.filter((op) => op.status !== 'ok')) {
    lines.push('', `${style.bold(safeText(o.operation))}: margin ${o.margin === undefined ? '—' : percent(o.margin)}`);
    if (o.topCustomers) {
      lines.push(`  driven by: ${o.topCustomers.map((c) => `${safeText(c.customer)} ${percent(c.share)} (${money(c.cost, currency)}, ${c.calls} calls)`).join('; ')}`);
    }
    const correction = correctionText(o, report);
    if (correction) lines.push(`  correction: ${correction}`);
  }
  const verdict = safeText(auditVerdict(report));
  lines.push('', auditFailed(report) ? style.red(verdict) : style.green(verdict));
  return lines.join('\n');
}

/** The one-line verdict every format ends with. */
export function auditVerdict(report: AuditReport): string {
  const { result } = report;
  const window = windowText(report);
  if (report.rows === 0) return `✗ no calls to audit in ${report.usage}${window ? ` ${window}` : ''}${report.skipped > 0 ? ` (${report.skipped} outside the window)` : ''}`;
  if (!result.problems) return `✓ every operation is at or above the floor of ${percent(result.floor)}`;
  const negative = result.operations.filter((o) => o.status === 'negative').length;
  const under = result.operations.filter((o) => o.status === 'under-floor').length;
  return `✗ ${under} under the floor, ${negative} losing money, ${result.unpriced.length} unpriced`;
}

/** What to do about a flagged operation, in one line: its correction, or a note. */
function correctionText(o: AuditedOperation, report: AuditReport): string {
  const c = o.correction;
  if (!c) return '';
  if (c.to === undefined) return c.note ?? '';
  if (c.steps.length === 0) return `none needed at ${count(c.from)} credits`;
  return `${count(c.from)} → ${count(c.to)} credits restores the ${percent(report.result.targetMargin)} target, monthly: ${c.steps.map(count).join(' → ')}`;
}

/** A pull-request comment or step summary: the verdict, every operation, and what drives and corrects the flagged ones. */
export function renderAuditMarkdown(report: AuditReport): string {
  const { result, currency } = report;
  const lines = [`### credits audit: ${markdownCell(auditVerdict(report))}`, ''];
  if (result.operations.length > 0) {
    lines.push('| operation | calls | credits | revenue | cost | margin | status |', '|---|---:|---:|---:|---:|---:|---|');
    for (const o of result.operations) {
      lines.push(
        `| ${markdownCell(o.operation)} | ${groupThousands(String(o.calls))} | ${count(o.credits)} | ${markdownCell(money(o.revenue, currency))} | ${markdownCell(money(o.cost, currency))} | ${o.margin === undefined ? '—' : percent(o.margin)} | ${o.status === 'ok' ? 'ok' : `**${STATUS[o.status]}**`} |`,
      );
    }
    lines.push('');
  }
  for (const u of result.unpriced) lines.push(`- unpriced: ${markdownCell(u.operation)}, ${groupThousands(String(u.calls))} calls, ${markdownCell(money(u.cost, currency))}`);
  for (const o of result.operations.filter((op) => op.status !== 'ok')) {
    const drivers = o.topCustomers?.map((c) => `${c.customer} ${percent(c.share)}`).join(', ');
    lines.push(`- **${markdownCell(o.operation)}**: ${markdownCell(correctionText(o, report))}${drivers ? ` (driven by ${markdownCell(drivers)})` : ''}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** An annotation for each flagged or unpriced operation, at its line of the table (unpriced ones at the operations key). */
export function renderAuditGithub(report: AuditReport, lineOf: (operation: string) => number | undefined): string {
  const annotation = (level: 'error' | 'warning', operation: string, message: string) => {
    const line = lineOf(operation);
    const properties = [`file=${githubProperty(report.table)}`, ...(line === undefined ? [] : [`line=${line}`]), `title=${githubTitle(`credits audit (${operation})`)}`];
    return `::${level} ${properties.join(',')}::${githubMessage(message)}`;
  };
  return [
    ...report.result.operations
      .filter((o) => o.status !== 'ok')
      .map((o) => annotation(o.status === 'negative' ? 'error' : 'warning', o.operation, `${o.operation}: margin ${o.margin === undefined ? '—' : percent(o.margin)} in ${report.usage} (${STATUS[o.status]}); correction: ${correctionText(o, report)}`)),
    ...report.result.unpriced.map((u) => annotation('error', u.operation, `${u.operation} is in ${report.usage} (${u.calls} calls) but not in the table`)),
  ].join('\n');
}

export function renderAuditJson(report: AuditReport): string {
  const { result } = report;
  return toJson({
    schema_version: AUDIT_SCHEMA_VERSION,
    table: report.table,
    usage: report.usage,
    window: { since: report.window.since ?? null, until: report.window.until ?? null },
    rows: report.rows,
    skipped: report.skipped,
    price: result.price,
    floor: result.floor,
    target_margin: result.targetMargin,
    passed: !auditFailed(report),
    operations: result.operations.map((o) => ({
      operation: o.operation,
      calls: o.calls,
      credits: o.credits,
      revenue: o.revenue,
      cost: o.cost,
      margin: o.margin ?? null,
      status: o.status,
      ...(o.topCustomers && { top_customers: o.topCustomers.map((c) => ({ customer: c.customer, calls: c.calls, cost: c.cost, share: c.share })) }),
      ...(o.correction && { correction: { from: o.correction.from, to: o.correction.to ?? null, steps: o.correction.steps, ...(o.correction.note && { note: o.correction.note }) } }),
    })),
    unpriced: result.unpriced.map((u) => ({ operation: u.operation, calls: u.calls, cost: u.cost, credits_consumed: u.creditsConsumed ?? null })),
  });
}
