import type { Dec } from '../core/decimal.js';
import { percent } from '../core/design.js';
import type { Impact, OperationChange, TableDiff } from '../core/diff.js';
import { formatMoney, groupThousands } from '../core/price.js';
import type { Style } from '../ui.js';
import { githubMessage, githubProperty, githubTitle, markdownCell } from './escape.js';
import { count, money, moneyColumn, safeText, signedPercent } from './format.js';
import { toJson } from './json.js';
import { textTable } from './table.js';

const DIFF_SCHEMA_VERSION = 1;

/** One result that every format of `credits diff` renders. */
export interface DiffReport {
  old: string;
  new: string;
  /** The new table's file, for annotations (the path of a REV:path). */
  newFile: string;
  currency: string;
  threshold: Dec;
  maxStep: Dec;
  top: number;
  tables: TableDiff;
  usage?: { file: string; rows: number; skipped: number; window: { since?: string; until?: string }; plans: boolean; note?: string };
  impact?: Impact;
  /** Why the diff exits 1, when it does. */
  failed: boolean;
  /** Line of an operation in the new table, for annotations. */
  lineOf: (operation: string) => number | undefined;
}

const credits = (value: Dec | undefined) => (value === undefined ? '—' : count(value));
const change = (o: OperationChange) => (o.kind === 'added' ? 'new' : o.kind === 'removed' ? 'removed' : o.ratio && !o.ratio.isZero() ? signedPercent(o.ratio) : '');
const marginChange = (o: OperationChange) =>
  `${o.marginBefore === undefined ? '—' : percent(o.marginBefore)} → ${o.marginAfter === undefined ? '—' : percent(o.marginAfter)}`;
const changed = (d: TableDiff) => d.operations.filter((o) => o.kind !== 'unchanged');

function priceLine(d: TableDiff): string {
  if (d.price.before.eq(d.price.after)) return `Price: ${d.price.displayAfter} (unchanged)`;
  return `Price: ${d.price.displayBefore} → ${d.price.displayAfter} (${signedPercent(d.price.after.dividedBy(d.price.before).minus(1))})`;
}

function stepsLine(o: OperationChange): string {
  return `${o.operation}: ${[o.before!, ...o.steps!].map(count).join(' → ')}`;
}

export function diffVerdict(report: DiffReport): string {
  const threshold = percent(report.threshold);
  if (report.impact) {
    const n = report.impact.overThreshold;
    return n === 0 ? `✓ no customer's bill rises more than ${threshold}` : `✗ ${n} customer${n === 1 ? '’s bill rises' : 's’ bills rise'} more than ${threshold}`;
  }
  if (changed(report.tables).length === 0 && report.tables.price.before.eq(report.tables.price.after)) return '✓ no change';
  return report.failed ? `✗ credits or the price rise more than ${threshold}` : `✓ no credits and no price rise more than ${threshold}`;
}

export function renderDiffText(report: DiffReport, style: Style): string {
  const d = report.tables;
  const lines = [`${style.bold('credits diff')} ${safeText(report.old)} → ${safeText(report.new)}`, priceLine(d)];
  const rows = changed(d).map((o) => [safeText(o.operation), `${credits(o.before)} → ${credits(o.after)}`, change(o), marginChange(o)]);
  lines.push(rows.length === 0 ? 'No operation’s credits changed.' : textTable(['operation', 'credits', 'change', 'margin'], rows, [2]));
  const stepped = d.operations.filter((o) => o.steps);
  if (stepped.length > 0) {
    lines.push(`Monthly steps (each at most ${signedPercent(report.maxStep)}):`);
    for (const o of stepped) lines.push(`  ${safeText(stepsLine(o))}`);
  }
  for (const p of d.plans.filter((x) => x.kind !== 'unchanged')) {
    lines.push(`Plan ${safeText(p.plan)}: ${p.kind === 'added' ? 'added' : p.kind === 'removed' ? 'removed' : `included ${credits(p.includedBefore)} → ${credits(p.includedAfter)} credits, ${formatMoney(p.priceBefore!, report.currency)} → ${formatMoney(p.priceAfter!, report.currency)}`}`);
  }
  for (const m of d.modifiers) lines.push(`Modifier ${safeText(m.modifier)}: ${m.kind}`);
  if (report.usage && report.impact) lines.push('', ...impactText(report, style));
  lines.push('', report.failed ? style.red(diffVerdict(report)) : style.green(diffVerdict(report)));
  return lines.join('\n');
}

function impactText(report: DiffReport, style: Style): string[] {
  const { usage, impact } = report as Required<Pick<DiffReport, 'usage' | 'impact'>> & DiffReport;
  const window = [usage.window.since && `since ${usage.window.since}`, usage.window.until && `until ${usage.window.until}`].filter(Boolean).join(', ');
  const lines = [
    `${style.bold('Customers')} (${safeText(usage.file)}: ${groupThousands(String(usage.rows))} calls${window ? `, ${window}` : ''}; bills ${usage.plans ? 'on their plans' : 'pay as you go'}):`,
    `Revenue ${money(impact.revenueBefore, report.currency)} → ${money(impact.revenueAfter, report.currency)}${impact.revenueBefore.isZero() ? '' : ` (${signedPercent(impact.revenueAfter.dividedBy(impact.revenueBefore).minus(1))})`}; ${impact.overThreshold} of ${impact.customers.length} customers rise more than ${percent(report.threshold)}`,
  ];
  if (usage.note) lines.push(style.yellow(usage.note));
  const shown = impact.customers.slice(0, report.top);
  const before = moneyColumn(shown.map((c) => c.before.amount), report.currency);
  const after = moneyColumn(shown.map((c) => c.after.amount), report.currency);
  const plans = usage.plans;
  const rows = shown.map((c, i) => [
    safeText(c.customer),
    ...(plans ? [safeText(c.plan ?? 'pay as you go')] : []),
    groupThousands(String(c.calls)),
    before[i]!,
    after[i]!,
    c.ratio === undefined ? (c.change.isZero() ? '' : 'new') : signedPercent(c.ratio),
  ]);
  const head = ['customer', ...(plans ? ['plan'] : []), 'calls', 'before', 'after', 'change'];
  lines.push(textTable(head, rows, plans ? [2, 3, 4, 5] : [1, 2, 3, 4]));
  if (impact.customers.length > shown.length) lines.push(`… and ${impact.customers.length - shown.length} more (--top)`);
  if (impact.grandfather.length > 0) {
    lines.push(`Grandfather candidates (rise more than ${percent(report.threshold)}):`);
    for (const g of impact.grandfather.slice(0, report.top)) lines.push(`  ${safeText(g.customer)} ${g.ratio === undefined ? 'new charge' : signedPercent(g.ratio)}, ${percent(g.share)} of revenue`);
  }
  return lines;
}

export function renderDiffJson(report: DiffReport): string {
  const d = report.tables;
  return toJson({
    schema_version: DIFF_SCHEMA_VERSION,
    old: report.old,
    new: report.new,
    currency: report.currency,
    threshold: report.threshold,
    passed: !report.failed,
    price: { before: d.price.before, after: d.price.after, display_before: d.price.displayBefore, display_after: d.price.displayAfter },
    operations: d.operations.map((o) => ({
      operation: o.operation,
      change: o.kind,
      credits_before: o.before ?? null,
      credits_after: o.after ?? null,
      ratio: o.ratio ?? null,
      margin_before: o.marginBefore?.toDecimalPlaces(4) ?? null,
      margin_after: o.marginAfter?.toDecimalPlaces(4) ?? null,
      steps: o.steps ?? null,
    })),
    plans: d.plans.map((p) => ({
      plan: p.plan,
      change: p.kind,
      price_before: p.priceBefore ?? null,
      price_after: p.priceAfter ?? null,
      included_before: p.includedBefore ?? null,
      included_after: p.includedAfter ?? null,
    })),
    modifiers: d.modifiers.map((m) => ({ modifier: m.modifier, change: m.kind })),
    usage: report.usage
      ? { file: report.usage.file, rows: report.usage.rows, skipped: report.usage.skipped, since: report.usage.window.since ?? null, until: report.usage.window.until ?? null, note: report.usage.note ?? null }
      : null,
    customers: report.impact
      ? {
          revenue_before: report.impact.revenueBefore,
          revenue_after: report.impact.revenueAfter,
          over_threshold: report.impact.overThreshold,
          bills: report.impact.customers.map((c) => ({
            customer: c.customer,
            plan: c.plan ?? null,
            calls: c.calls,
            credits_before: c.before.credits,
            credits_after: c.after.credits,
            bill_before: c.before.amount,
            bill_after: c.after.amount,
            change: c.change,
            ratio: c.ratio ?? null,
            over_threshold: c.overThreshold,
          })),
          grandfather: report.impact.grandfather.map((g) => ({ customer: g.customer, ratio: g.ratio ?? null, share: g.share })),
        }
      : null,
  });
}

export function renderDiffMarkdown(report: DiffReport): string {
  const d = report.tables;
  const lines = [`### credits diff: ${markdownCell(diffVerdict(report))}`, '', `${markdownCell(report.old)} → ${markdownCell(report.new)}. ${markdownCell(priceLine(d))}`, ''];
  const rows = changed(d);
  if (rows.length > 0) {
    lines.push('| operation | credits | change | margin |', '|---|---:|---:|---:|');
    for (const o of rows) lines.push(`| ${markdownCell(o.operation)} | ${credits(o.before)} → ${credits(o.after)} | ${change(o)} | ${marginChange(o)} |`);
    lines.push('');
  }
  const stepped = d.operations.filter((o) => o.steps);
  if (stepped.length > 0) {
    lines.push(`Monthly steps (each at most ${signedPercent(report.maxStep)}):`, '');
    for (const o of stepped) lines.push(`- ${markdownCell(stepsLine(o))}`);
    lines.push('');
  }
  if (report.impact && report.usage) {
    const { impact } = report;
    lines.push(
      `**Customers:** revenue ${markdownCell(money(impact.revenueBefore, report.currency))} → ${markdownCell(money(impact.revenueAfter, report.currency))}; ${impact.overThreshold} of ${impact.customers.length} rise more than ${percent(report.threshold)}.`,
      '',
      '| customer | plan | calls | before | after | change |',
      '|---|---|---:|---:|---:|---:|',
    );
    for (const c of impact.customers.slice(0, report.top)) {
      lines.push(
        `| ${markdownCell(c.customer)} | ${markdownCell(c.plan ?? '')} | ${groupThousands(String(c.calls))} | ${markdownCell(money(c.before.amount, report.currency))} | ${markdownCell(money(c.after.amount, report.currency))} | ${c.ratio === undefined ? '' : signedPercent(c.ratio)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** An annotation on each changed operation's line of the new table: a warning where it rises over the threshold. */
export function renderDiffGithub(report: DiffReport): string {
  return changed(report.tables)
    .filter((o) => o.kind !== 'removed')
    .map((o) => {
      const line = report.lineOf(o.operation);
      const level = o.steps || o.kind === 'added' ? 'warning' : 'notice';
      const properties = [`file=${githubProperty(report.newFile)}`, ...(line === undefined ? [] : [`line=${line}`]), `title=${githubTitle(`credits diff (${o.operation})`)}`];
      return `::${level} ${properties.join(',')}::${githubMessage(`${o.operation}: ${credits(o.before)} → ${credits(o.after)} credits${o.ratio ? ` (${signedPercent(o.ratio)})` : ''}; margin ${marginChange(o)}`)}`;
    })
    .join('\n');
}

/** "2026-12" for the month `offset` months after a date (UTC). */
function monthOf(start: Date, offset: number): string {
  const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The customer notice of a change: what changes, from when, why, the steps
 * month by month and a worked example. Credits and prices only: no cost and
 * no margin is read here.
 */
export function renderNotice(report: DiffReport, options: { effective?: Date; reasons: ReadonlyMap<string, string> }): string {
  const d = report.tables;
  const when = options.effective ? options.effective.toISOString().slice(0, 10) : 'the next billing period';
  const rows = changed(d);
  const lines = ['# Changes to credit pricing', '', `From ${when}, ${rows.length === 0 ? 'no operation changes its credits' : 'these operations use a different number of credits'}:`, ''];
  if (rows.length > 0) {
    lines.push('| Operation | Credits now | Credits from then |', '|---|---:|---:|');
    for (const o of rows) lines.push(`| ${markdownCell(o.operation)} | ${o.kind === 'added' ? 'new' : credits(o.before)} | ${o.kind === 'removed' ? 'retired' : credits(o.after)} |`);
    lines.push('');
  }
  if (!d.price.before.eq(d.price.after)) lines.push(`Credits will cost ${markdownCell(d.price.displayAfter)} instead of ${markdownCell(d.price.displayBefore)}.`, '');
  const reasons = rows.filter((o) => options.reasons.has(o.operation));
  if (reasons.length > 0) {
    lines.push('## Why', '');
    for (const o of reasons) lines.push(`- **${markdownCell(o.operation)}**: ${markdownCell(options.reasons.get(o.operation)!)}`);
    lines.push('');
  }
  const stepped = d.operations.filter((o) => o.steps);
  if (stepped.length > 0) {
    lines.push('## Step by step', '', 'Larger changes arrive gradually, month by month:', '');
    for (const o of stepped) {
      const steps = o.steps!.map((s, i) => (options.effective ? `${count(s)} (${monthOf(options.effective, i)})` : count(s)));
      lines.push(`- ${markdownCell(o.operation)}: ${count(o.before!)} → ${steps.join(' → ')}`);
    }
    lines.push('');
  }
  const example = stepped[0] ?? rows.find((o) => o.kind === 'changed');
  if (example) {
    const calls = 100;
    const [now, then] = [example.before!.times(calls), example.after!.times(calls)];
    lines.push(
      '## Example',
      '',
      `${calls} × ${markdownCell(example.operation)} = ${count(now)} credits (${markdownCell(formatMoney(now.times(d.price.before).toDecimalPlaces(2), report.currency))}) today, and ${count(then)} credits (${markdownCell(formatMoney(then.times(d.price.after).toDecimalPlaces(2), report.currency))}) once the change is complete.`,
      '',
    );
  }
  return lines.join('\n');
}
