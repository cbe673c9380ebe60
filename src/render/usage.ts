import { type Dec, ONE, ZERO } from '../core/decimal.js';
import { percent } from '../core/design.js';
import { type CustomerMonth, type PlanFit, breakdown } from '../core/usage.js';
import type { Style } from '../ui.js';
import { html, markdownCell } from './escape.js';
import { count, money } from './format.js';
import { JsonText, JsonWriter } from './json.js';
import { safeText } from './safe-text.js';
import { rowPieces } from './usage-rows.js';

/** One versioned result that every format renders. */
export interface UsageReport {
  log: string;
  table: string;
  currency: string;
  perCredit: Dec;
  /** "2026-11", the moment projected from, and the part of the month elapsed then. */
  month: string;
  now: string;
  elapsed: Dec;
  /** Where each call's credits came from: the log's credits_consumed, or the table (with its time modifiers). */
  creditsFrom: 'log' | 'table';
  /** Set when one customer was asked for: the dashboard. */
  customer?: CustomerMonth;
  /** Every customer in the month, by projected share of their plan. */
  customers: CustomerMonth[];
  planFit: PlanFit[];
}

/** 1: the first usage document (usage.schema.json). */
const USAGE_SCHEMA_VERSION = 1;

const whole = (n: Dec) => count(n.toDecimalPlaces(0));
const share = (ratio: Dec | undefined) => (ratio === undefined ? '—' : percent(ratio));

function projection(c: CustomerMonth, currency: string): string {
  const projected = `Projected end-of-month: ${whole(c.projected)} credits`;
  if (!c.plan) return `${projected} (no plan: every credit is paid as used)`;
  if (!c.willExceed) return `${projected} (within plan)`;
  return `${projected} (over plan by ${whole(c.overage!)} credits, ≈ ${money(c.overageMoney!, currency)} overage at the table's price)`;
}

function usedLine(c: CustomerMonth): string {
  return c.plan ? `Used: ${whole(c.used)} / ${whole(c.plan.included)} credits (${share(c.usedShare)})` : `Used: ${whole(c.used)} credits`;
}

/** A bar of █ and ░ `width` wide, full at the plan's included credits (a customer over it shows a full bar). */
function bar(c: CustomerMonth, width: number): string {
  const ratio = c.usedShare ?? (c.plan ? ONE : ZERO);
  const filled = Math.round(Math.min(1, ratio.toNumber()) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function rows(c: CustomerMonth): { operation: string; credits: Dec; share: Dec }[] {
  const { operations, other } = breakdown(c.operations);
  const all = other ? [...operations, { ...other, operation: `other (${other.count} operations)` }] : operations;
  return all.map((o) => ({ operation: o.operation, credits: o.credits, share: c.used.isZero() ? ZERO : o.credits.dividedBy(c.used) }));
}

/** Where the bar goes among the dashboard's lines: drawn last, as wide as the box turned out. */
const BAR_SLOT = '\u0000bar';

/** The method's dashboard of one customer, in a box as wide as the terminal allows (44 to 100 columns). */
export function renderDashboardText(report: UsageReport, c: CustomerMonth, style: Style, columns: number): string {
  const inner = Math.max(40, Math.min(columns, 100) - 4);
  const title = `${safeText(c.customer)}${c.plan ? ` · ${safeText(c.plan.name)}` : ''} · ${report.month} (to ${report.now})`;
  const breakdownRows = rows(c);
  const nameWidth = Math.max(9, ...breakdownRows.map((r) => safeText(r.operation).length));
  const creditWidth = Math.max(...breakdownRows.map((r) => whole(r.credits).length), 7);
  const projected = projection(c, report.currency);
  // A projection too long for the box continues on a second line, at its parenthesis.
  const cut = projected.indexOf(' (');
  const projectionLines = projected.length <= inner || cut < 0 ? [projected] : [projected.slice(0, cut), `  ${projected.slice(cut + 1)}`];
  const colour = c.willExceed ? style.red : c.underTenth ? style.yellow : style.green;
  const lines: [string, (t: string) => string][] = [
    [title, style.bold],
    ['', (t) => t],
    [usedLine(c), (t) => t],
    [BAR_SLOT, colour],
    ['', (t) => t],
    ...breakdownRows.map((r): [string, (t: string) => string] => [`${safeText(r.operation).padEnd(nameWidth)}  ${whole(r.credits).padStart(creditWidth)} credits  ${percent(r.share).padStart(6)}`, (t) => t]),
    ['', (t) => t],
    ...projectionLines.map((l): [string, (t: string) => string] => [l, c.willExceed ? style.red : (t) => t]),
  ];
  const width = Math.max(inner, ...lines.map(([l]) => l.length));
  const body = lines.map(([text, paint]) => {
    const l = text === BAR_SLOT ? bar(c, width) : text;
    return `│ ${paint(l)}${' '.repeat(width - l.length)} │`;
  });
  return [`┌${'─'.repeat(width + 2)}┐`, ...body, `└${'─'.repeat(width + 2)}┘`].join('\n');
}

function flagsOf(c: CustomerMonth): string {
  return c.willExceed ? 'will exceed plan' : c.underTenth ? 'uses < 10% of plan' : '';
}

/** Columns padded by hand: a table of 50,000 customers renders in a blink. */
function plainTable(head: string[], body: string[][], right: ReadonlySet<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function customerCells(c: CustomerMonth, currency: string, safe: (s: string) => string): string[] {
  return [
    safe(c.customer),
    c.plan ? safe(c.plan.name) : '—',
    whole(c.used),
    c.plan ? whole(c.plan.included) : '—',
    share(c.usedShare),
    whole(c.projected),
    share(c.projectedShare),
    c.overageMoney && c.overageMoney.gt(ZERO) ? money(c.overageMoney, currency) : '—',
    flagsOf(c),
  ];
}

const CUSTOMER_HEAD = ['customer', 'plan', 'used', 'included', 'share', 'projected', 'projected share', 'projected overage', ''];

function fitCells(f: PlanFit): string[] {
  return [f.plan, whole(f.included), String(f.customers), percent(f.medianShare), percent(f.p90Share), percent(f.exceeding), percent(f.underTenth)];
}

const FIT_HEAD = ['plan', 'included', 'customers', 'median projected share', 'p90', 'projected to exceed', 'under 10%'];

function heading(report: UsageReport): string {
  return `${report.month}, projected from ${report.now} (${percent(report.elapsed)} of the month); credits from ${report.creditsFrom === 'log' ? 'the log' : `${report.table} (time modifiers at each call's hour)`}`;
}

export function renderUsageText(report: UsageReport, style: Style, columns: number): string {
  if (report.customer) return `${renderDashboardText(report, report.customer, style, columns)}\n`;
  const parts = [style.dim(heading(report)), plainTable(CUSTOMER_HEAD, report.customers.map((c) => customerCells(c, report.currency, safeText)), new Set([2, 3, 4, 5, 6, 7]))];
  const exceeding = report.customers.filter((c) => c.willExceed).length;
  const low = report.customers.filter((c) => c.underTenth).length;
  parts.push(`${report.customers.length} customers; ${exceeding} projected to exceed their plan, ${low} using under 10% of it.`);
  if (report.planFit.length > 0) {
    parts.push('', style.bold('Plan fit'), plainTable(FIT_HEAD, report.planFit.map((f) => fitCells(f).map((c, i) => (i === 0 ? safeText(c) : c))), new Set([1, 2, 3, 4, 5, 6])));
    for (const f of report.planFit) if (f.recommendation) parts.push(style.yellow(`→ ${safeText(f.recommendation.text)}`));
    if (report.planFit.some((f) => f.recommendation)) parts.push(style.dim('Advice only: credits usage never edits the table.'));
  }
  return `${parts.join('\n')}\n`;
}

/** A customer of the JSON document; the breakdown only with `operations` (one customer's document has it: every customer's would be mostly breakdown). */
export function customerJson(c: CustomerMonth, operations: boolean) {
  return {
    customer: c.customer,
    plan: c.plan?.name ?? null,
    included: c.plan?.included ?? null,
    calls: c.calls,
    used: c.used,
    projected: c.projected.toDecimalPlaces(6),
    used_share: c.usedShare?.toDecimalPlaces(6) ?? null,
    projected_share: c.projectedShare?.toDecimalPlaces(6) ?? null,
    projected_overage: c.overage?.toDecimalPlaces(6) ?? null,
    projected_overage_money: c.overageMoney?.toDecimalPlaces(6) ?? null,
    will_exceed: c.willExceed,
    under_tenth: c.underTenth,
    operations: operations ? c.operations.map((o) => ({ operation: o.operation, calls: o.calls, credits: o.credits })) : undefined,
  };
}

export function renderUsageJson(report: UsageReport): string {
  return [...usageJsonPieces(report)].join('');
}

/** Where the customers' rows go in the document around them; a JSON text cannot hold a NUL (a string escapes it). */
const ROWS_AT = '\u0000rows\u0000';

/**
 * The JSON document in pieces that join to it, each made as it is asked
 * for: the rows of 50,000 customers are written out a batch at a time, never
 * held as one string of 17 MB, nor copied into the document around them.
 */
export function* usageJsonPieces(report: UsageReport): Generator<string> {
  const frame = usageJsonFrame(report);
  yield frame.head;
  if (frame.rows === undefined) return;
  yield* rowPieces(report.customers, 0, report.customers.length);
  yield frame.tail;
}

/**
 * The document around the customers' rows: `head` then the rows (when
 * `rows` is set, each written by customerRowText and separated by
 * ROW_SEPARATOR) then `tail`. Without rows, `head` is the whole document.
 */
export function usageJsonFrame(report: UsageReport): { head: string; rows?: true; tail: string } {
  const writer = new JsonWriter();
  const rows = !report.customer && report.customers.length > 0;
  const document = writer.text({
    schema_version: USAGE_SCHEMA_VERSION,
    log: report.log,
    table: report.table,
    month: report.month,
    now: report.now,
    elapsed: report.elapsed.toDecimalPlaces(6),
    currency: report.currency,
    per_credit: report.perCredit,
    credits_from: report.creditsFrom,
    // Every customer's rows as the writer would write the array: [ then the rows, each on a line at depth 2.
    customers: report.customer ? [customerJson(report.customer, true)] : rows ? new JsonText(ROWS_AT) : [],
    plan_fit: report.planFit.map((f) => ({
      plan: f.plan,
      included: f.included,
      customers: f.customers,
      median_share: f.medianShare.toDecimalPlaces(6),
      p90_share: f.p90Share.toDecimalPlaces(6),
      exceeding: f.exceeding.toDecimalPlaces(6),
      under_tenth: f.underTenth.toDecimalPlaces(6),
      recommendation: f.recommendation ? { reason: f.recommendation.reason, included: f.recommendation.included, text: f.recommendation.text } : null,
    })),
  });
  if (!rows) return { head: `${document}\n`, tail: '' };
  const at = document.indexOf(ROWS_AT);
  return { head: `${document.slice(0, at)}[\n    `, rows: true, tail: `\n  ]${document.slice(at + ROWS_AT.length)}\n` };
}

export function renderUsageMarkdown(report: UsageReport): string {
  const lines: string[] = [];
  if (report.customer) {
    const c = report.customer;
    lines.push(`### ${markdownCell(c.customer)}${c.plan ? ` · ${markdownCell(c.plan.name)}` : ''} · ${report.month}`, '', `**${usedLine(c)}**`, '', '`' + bar(c, 40) + '`', '');
    lines.push('| operation | credits | share |', '|---|---:|---:|');
    for (const r of rows(c)) lines.push(`| ${markdownCell(r.operation)} | ${whole(r.credits)} | ${percent(r.share)} |`);
    lines.push('', markdownCell(projection(c, report.currency)));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`### credits usage: ${report.month}`, '', markdownCell(heading(report)), '');
  lines.push(`| ${CUSTOMER_HEAD.map((h) => h || 'flag').join(' | ')} |`, `|---|---|${'---:|'.repeat(6)}---|`);
  for (const c of report.customers) lines.push(`| ${customerCells(c, report.currency, (s) => s).map(markdownCell).join(' | ')} |`);
  if (report.planFit.length > 0) {
    lines.push('', '#### Plan fit', '', `| ${FIT_HEAD.join(' | ')} |`, `|---|${'---:|'.repeat(6)}`);
    for (const f of report.planFit) lines.push(`| ${fitCells(f).map(markdownCell).join(' | ')} |`);
    const advice = report.planFit.flatMap((f) => (f.recommendation ? [`- ${markdownCell(f.recommendation.text)}`] : []));
    if (advice.length > 0) lines.push('', ...advice);
  }
  return `${lines.join('\n')}\n`;
}

/** Customers shown as dashboards in the HTML page; the table lists every one. */
export const HTML_DASHBOARDS = 200;

function svgBar(c: CustomerMonth): string {
  const ratio = Math.min(1, (c.usedShare ?? (c.plan ? ONE : ZERO)).toNumber());
  const projected = c.projectedShare ? Math.min(1, c.projectedShare.toNumber()) : undefined;
  const fill = c.willExceed ? '#c0392b' : c.underTenth ? '#b7950b' : '#1e8449';
  return [
    `<svg class="bar" viewBox="0 0 400 24" width="400" height="24" role="img" aria-label="${html(usedLine(c))}">`,
    '<rect x="0" y="4" width="400" height="16" fill="#e5e7e9"/>',
    `<rect x="0" y="4" width="${(ratio * 400).toFixed(1)}" height="16" fill="${fill}"/>`,
    projected === undefined ? '' : `<line x1="${(projected * 400).toFixed(1)}" x2="${(projected * 400).toFixed(1)}" y1="0" y2="24" stroke="#17202a" stroke-width="2"/>`,
    '</svg>',
  ].join('');
}

/** Per plan, how many customers fall in each band of projected share: a histogram in inline SVG. */
function fitChart(f: PlanFit, customers: readonly CustomerMonth[]): string {
  const bands = [
    { label: '< 10%', test: (s: number) => s < 0.1 },
    { label: '10–50%', test: (s: number) => s >= 0.1 && s < 0.5 },
    { label: '50–100%', test: (s: number) => s >= 0.5 && s <= 1 },
    { label: '100–150%', test: (s: number) => s > 1 && s <= 1.5 },
    { label: '> 150%', test: (s: number) => s > 1.5 },
  ];
  const shares = customers.filter((c) => c.plan?.name === f.plan).map((c) => c.projectedShare!.toNumber());
  const counts = bands.map((b) => shares.filter(b.test).length);
  const top = Math.max(1, ...counts);
  const bars = counts.map((n, i) => {
    const h = (n / top) * 120;
    const x = 20 + i * 80;
    return `<rect x="${x}" y="${(140 - h).toFixed(1)}" width="60" height="${h.toFixed(1)}" fill="${i >= 3 ? '#c0392b' : i === 0 ? '#b7950b' : '#1e8449'}"/><text x="${x + 30}" y="${(134 - h).toFixed(1)}" text-anchor="middle">${n}</text><text x="${x + 30}" y="158" text-anchor="middle">${bands[i]!.label}</text>`;
  });
  return `<svg class="fit" viewBox="0 0 420 170" width="420" height="170" role="img" aria-label="${html(`${f.plan}: customers by projected share of ${whole(f.included)} credits`)}">${bars.join('')}</svg>`;
}

/** A self-contained page: no scripts, no requests; dashboards and plan-fit charts as inline SVG. */
export function renderUsageHtml(report: UsageReport): string {
  const shown = report.customer ? [report.customer] : report.customers.slice(0, HTML_DASHBOARDS);
  const cards = shown.map((c) => {
    const list = rows(c).map((r) => `<tr><td>${html(r.operation)}</td><td class="n">${whole(r.credits)}</td><td class="n">${percent(r.share)}</td></tr>`).join('');
    return `<section class="card"><h2>${html(c.customer)}${c.plan ? ` <small>${html(c.plan.name)}</small>` : ''}</h2><p class="used">${html(usedLine(c))}</p>${svgBar(c)}<table>${list}</table><p>${html(projection(c, report.currency))}</p></section>`;
  });
  const more = !report.customer && report.customers.length > shown.length ? `<p>${report.customers.length - shown.length} more customers are in the table below.</p>` : '';
  const table = report.customer
    ? ''
    : `<h2>All customers</h2><table class="all"><tr>${CUSTOMER_HEAD.map((h) => `<th>${html(h || 'flag')}</th>`).join('')}</tr>${report.customers
        .map((c) => `<tr>${customerCells(c, report.currency, (s) => s).map((cell, i) => `<td${i >= 2 && i <= 7 ? ' class="n"' : ''}>${html(cell)}</td>`).join('')}</tr>`)
        .join('')}</table>`;
  const fit = report.planFit.length === 0
    ? ''
    : `<h2>Plan fit</h2>${report.planFit
        .map((f) => `<section class="card"><h3>${html(f.plan)}: ${whole(f.included)} credits, ${f.customers} customers</h3>${fitChart(f, report.customers)}<p>median ${percent(f.medianShare)}, p90 ${percent(f.p90Share)}; ${percent(f.exceeding)} projected to exceed, ${percent(f.underTenth)} under 10%</p>${f.recommendation ? `<p class="advice">${html(f.recommendation.text)}</p>` : ''}</section>`)
        .join('')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Credits usage ${html(report.month)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#17202a}.card{border:1px solid #d5d8dc;border-radius:8px;padding:1rem;margin:1rem 0}.n{text-align:right}table{border-collapse:collapse}td,th{padding:.15rem .6rem}.all td,.all th{border-bottom:1px solid #eaecee}.advice{font-weight:600;color:#9a7d0a}svg text{font:12px system-ui,sans-serif}small{color:#566573}</style>
</head><body>
<h1>Credits usage: ${html(report.month)}</h1>
<p>${html(heading(report))}</p>
${cards.join('\n')}
${more}${table}${fit}
</body></html>
`;
}
