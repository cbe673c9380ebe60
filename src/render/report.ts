import type { Dec } from '../core/decimal.js';
import { percent } from '../core/design.js';
import type { PlanFigures } from '../core/plans.js';
import { html } from './escape.js';

/** What the internal report shows, computed by the command; the renderer only draws. */
export interface ReportData {
  table: string;
  price: string;
  unit: string;
  targetMargin: Dec;
  floor: Dec;
  basis: string;
  ladderSteps: number[];
  operations: {
    operation: string;
    cost: number;
    costText: string;
    credits: number;
    /** Credits before rounding (raw × multiplier), when the table records them. */
    adjusted?: number;
    margin: number;
    /** Margin under the worst stack of modifier discounts; null when it makes the call free. */
    worstMargin?: number | null;
  }[];
  stack?: string;
  plans: (PlanFigures & { worstCostText: string })[];
}

const WIDTH = 760;
const LEFT = 230;
const RIGHT = 130;
const ROW = 24;
const INK = '#1f2328';
const MUTED = '#8c959f';
const BAR = '#0969da';
const BAD = '#cf222e';
const WARN = '#bf8700';

const fixed = (n: number) => Number(n.toFixed(2));
const text = (x: number, y: number, body: string, attrs = '') => `<text x="${fixed(x)}" y="${fixed(y)}" ${attrs}>${html(body)}</text>`;

function frame(title: string, height: number, body: string, description: string): string {
  return `<figure>
<figcaption>${html(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${html(description)}" font-family="system-ui, sans-serif" font-size="12" fill="${INK}">
${body}
</svg>
</figure>`;
}

/** Cost against credits on log–log axes, with the ladder's steps as grid lines: a good table is a staircase along a line. */
function costCreditsChart(d: ReportData): string {
  const height = 360;
  const [top, bottom] = [20, height - 40];
  const ops = d.operations;
  const costs = ops.map((o) => Math.log10(o.cost));
  const credits = ops.map((o) => Math.log10(o.credits));
  const [x0, x1] = [Math.floor(Math.min(...costs)), Math.ceil(Math.max(...costs)) + (Math.min(...costs) === Math.max(...costs) ? 1 : 0)];
  const [y0, y1] = [Math.floor(Math.min(0, ...credits)), Math.ceil(Math.max(...credits)) + 1];
  const x = (v: number) => LEFT + ((v - x0) / (x1 - x0)) * (WIDTH - LEFT - RIGHT);
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  const parts: string[] = [];
  for (const step of d.ladderSteps) {
    const v = Math.log10(step);
    if (v < y0 || v > y1) continue;
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fixed(y(v))}" y2="${fixed(y(v))}" stroke="#d0d7de" stroke-dasharray="3 3"/>`, text(LEFT - 8, y(v) + 4, step.toLocaleString('en-US'), `text-anchor="end" fill="${MUTED}"`));
  }
  for (let k = x0; k <= x1; k++) parts.push(text(x(k), bottom + 18, `$${10 ** k < 1 ? (10 ** k).toPrecision(1) : (10 ** k).toLocaleString('en-US')}`, `text-anchor="middle" fill="${MUTED}"`));
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="${INK}"/>`, `<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="${INK}"/>`);
  parts.push(text((LEFT + WIDTH - RIGHT) / 2, height - 4, 'cost per call (log)', `text-anchor="middle"`), text(12, top + 4, 'credits (log)'));
  ops.forEach((o, i) => {
    const [cx, cy] = [x(costs[i]!), y(credits[i]!)];
    if (o.adjusted !== undefined) {
      const ay = y(Math.log10(o.adjusted));
      parts.push(`<line x1="${fixed(cx)}" x2="${fixed(cx)}" y1="${fixed(ay)}" y2="${fixed(cy)}" stroke="${MUTED}"/>`, `<circle cx="${fixed(cx)}" cy="${fixed(ay)}" r="3" fill="none" stroke="${MUTED}"/>`);
    }
    parts.push(`<circle cx="${fixed(cx)}" cy="${fixed(cy)}" r="5" fill="${BAR}"><title>${html(`${o.operation}: ${o.costText} → ${o.credits} credits`)}</title></circle>`, text(cx + 8, cy - 6, o.operation));
  });
  return frame('Cost against credits (log–log). Grid lines are the ladder’s steps; hollow dots are the credits before rounding.', height, parts.join('\n'), 'Scatter of each operation’s cost against its credits');
}

/** Horizontal bars around a zero line, for signed ratios. */
function signedBars(title: string, rows: { label: string; value: number; color: string; note?: string }[], description: string, marker?: { value: number; label: string }): string {
  const height = rows.length * ROW + 50;
  const max = Math.max(0.05, ...rows.map((r) => Math.abs(r.value)), marker ? Math.abs(marker.value) : 0);
  const min = Math.min(0, ...rows.map((r) => r.value));
  const lo = min < 0 ? -max : 0;
  const x = (v: number) => LEFT + ((v - lo) / (max - lo)) * (WIDTH - LEFT - RIGHT);
  const parts = rows.map((r, i) => {
    const yTop = 20 + i * ROW;
    const [a, b] = [x(Math.min(0, r.value)), x(Math.max(0, r.value))];
    return [
      text(LEFT - 8, yTop + 15, r.label, 'text-anchor="end"'),
      `<rect x="${fixed(a)}" y="${yTop + 4}" width="${fixed(Math.max(1, b - a))}" height="${ROW - 8}" fill="${r.color}"><title>${html(`${r.label}: ${(r.value * 100).toFixed(1)}%`)}</title></rect>`,
      // A negative bar's figure goes right of the axis, clear of the row's label.
      text(r.value >= 0 ? b + 4 : x(0) + 4, yTop + 15, r.note ?? `${(r.value * 100).toFixed(1)}%`),
    ].join('');
  });
  parts.push(`<line x1="${fixed(x(0))}" x2="${fixed(x(0))}" y1="14" y2="${height - 24}" stroke="${INK}"/>`);
  if (marker) parts.push(`<line x1="${fixed(x(marker.value))}" x2="${fixed(x(marker.value))}" y1="14" y2="${height - 24}" stroke="${BAD}" stroke-dasharray="5 3"/>`, text(x(marker.value), height - 8, marker.label, `text-anchor="middle" fill="${BAD}"`));
  return frame(title, height, parts.join('\n'), description);
}

function roundingChart(d: ReportData): string {
  const rows = d.operations.filter((o) => o.adjusted !== undefined).map((o) => ({ label: o.operation, value: o.credits / o.adjusted! - 1, color: o.credits >= o.adjusted! ? BAR : WARN }));
  return signedBars('What rounding did to each operation: credits ÷ value before rounding − 1.', rows, 'Bar chart of the rounding effect per operation');
}

function marginsChart(d: ReportData): string {
  const floor = d.floor.toNumber();
  const rows = d.operations.flatMap((o) => {
    const color = o.margin < 0 ? BAD : o.margin < floor ? WARN : BAR;
    const main = { label: o.operation, value: o.margin, color };
    if (o.worstMargin === undefined) return [main];
    const worst = o.worstMargin === null ? -1 : o.worstMargin;
    return [main, { label: `${o.operation}, worst case`, value: worst, color: worst < floor ? BAD : MUTED, ...(o.worstMargin === null && { note: 'free: 0 credits' }) }];
  });
  const note = d.stack ? ` Worst case: ${d.stack}.` : '';
  return signedBars(`Margins against the floor of ${percent(d.floor)}.${note}`, rows, 'Bar chart of margins per operation with the floor', { value: floor, label: `floor ${percent(d.floor)}` });
}

function plansChart(d: ReportData): string {
  const rows = d.plans.map((p) => ({
    label: p.name,
    value: p.worstMargin?.toNumber() ?? -1,
    color: p.worstMargin === undefined || p.worstMargin.lt(d.floor) ? BAD : BAR,
    ...(p.worstMargin === undefined && { note: `free: costs ${p.worstCostText} a month fully used` }),
  }));
  return signedBars('Plans: margin if every included credit goes to the operation with the costliest credit.', rows, 'Bar chart of worst-case plan margins', { value: d.floor.toNumber(), label: `floor ${percent(d.floor)}` });
}

export function renderReport(d: ReportData): string {
  const summary = d.operations
    .map((o) => `<tr><td>${html(o.operation)}</td><td class="n">${html(o.costText)}</td><td class="n">${o.credits.toLocaleString('en-US')}</td><td class="n">${(o.margin * 100).toFixed(1)}%</td>${o.worstMargin === undefined ? '' : `<td class="n">${o.worstMargin === null ? 'free' : `${(o.worstMargin * 100).toFixed(1)}%`}</td>`}</tr>`)
    .join('\n');
  const worstHead = d.operations.some((o) => o.worstMargin !== undefined) ? '<th class="n">worst case</th>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Credit table report: ${html(d.table)}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; max-width: 820px; margin: 2rem auto; padding: 0 1rem; color: ${INK}; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: .3rem .7rem; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 2rem 0; }
figcaption { font-weight: 600; margin-bottom: .5rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { color: #59636e; }
</style>
</head>
<body>
<h1>Credit table report</h1>
<dl>
<dt>Table</dt><dd>${html(d.table)}</dd>
<dt>Price</dt><dd>${html(d.price)}</dd>
<dt>Unit</dt><dd>${html(d.unit)}</dd>
<dt>Target margin</dt><dd>${percent(d.targetMargin)} (basis ${html(d.basis)})</dd>
<dt>Floor</dt><dd>${percent(d.floor)}</dd>
</dl>
<table><thead><tr><th>operation</th><th class="n">cost</th><th class="n">credits</th><th class="n">margin</th>${worstHead}</tr></thead><tbody>
${summary}
</tbody></table>
${costCreditsChart(d)}
${roundingChart(d)}
${marginsChart(d)}
${d.plans.length > 0 ? plansChart(d) : ''}
</body>
</html>
`;
}
