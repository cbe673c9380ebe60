import type { AuditResult, AuditedOperation } from '../core/audit.js';
import { percent } from '../core/design.js';
import { groupThousands } from '../core/price.js';
import type { Style } from '../ui.js';
import { count, money, moneyColumn, safeText } from './format.js';
import { toJson } from './json.js';
import { textTable } from './table.js';

export const AUDIT_SCHEMA_VERSION = 1;

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
    const c = o.correction;
    if (c?.to) {
      lines.push(
        c.steps.length === 0
          ? `  correction: none needed at ${count(c.from)} credits`
          : `  correction: ${count(c.from)} → ${count(c.to)} credits restores the ${percent(result.targetMargin)} target, monthly: ${c.steps.map(count).join(' → ')}`,
      );
    } else if (c?.note) lines.push(`  correction: ${c.note}`);
  }
  const negative = result.operations.filter((o) => o.status === 'negative').length;
  const under = result.operations.filter((o) => o.status === 'under-floor').length;
  lines.push(
    '',
    report.rows === 0
      ? style.red(`✗ no calls to audit in ${safeText(report.usage)}${window ? ` ${window}` : ''}${report.skipped > 0 ? ` (${report.skipped} outside the window)` : ''}`)
      : result.problems
      ? style.red(`✗ ${under} under the floor, ${negative} losing money, ${result.unpriced.length} unpriced`)
      : style.green(`✓ every operation is at or above the floor of ${percent(result.floor)}`),
  );
  return lines.join('\n');
}

export function renderAuditJson(report: AuditReport): string {
  const { result } = report;
  return toJson({
    schemaVersion: AUDIT_SCHEMA_VERSION,
    table: report.table,
    usage: report.usage,
    window: { since: report.window.since ?? null, until: report.window.until ?? null },
    rows: report.rows,
    skipped: report.skipped,
    price: result.price,
    floor: result.floor,
    targetMargin: result.targetMargin,
    passed: !auditFailed(report),
    operations: result.operations.map((o) => ({
      operation: o.operation,
      calls: o.calls,
      credits: o.credits,
      revenue: o.revenue,
      cost: o.cost,
      margin: o.margin ?? null,
      status: o.status,
      ...(o.topCustomers && { topCustomers: o.topCustomers }),
      ...(o.correction && { correction: { from: o.correction.from, to: o.correction.to ?? null, steps: o.correction.steps, ...(o.correction.note && { note: o.correction.note }) } }),
    })),
    unpriced: result.unpriced,
  });
}
