import type { Dec } from '../core/decimal.js';
import { ONE } from '../core/decimal.js';
import { percent } from '../core/design.js';
import type { Modifier } from '../core/modifiers.js';
import { formatMoney, groupThousands } from '../core/price.js';
import { html, markdownCell } from './escape.js';

/**
 * The customer-facing page, as data every format renders: credits per
 * operation, plans, overage, discounts and a worked example. It carries no
 * cost and no margin, by construction: nothing here is derived from them.
 */
export interface CustomerDocs {
  title: string;
  overage: string;
  operations: { operation: string; description?: string; credits: Dec }[];
  plans: { name: string; price: string; included: Dec }[];
  discounts: string[];
  example?: { operation: string; calls: number; credits: Dec; overage: string };
}

const credits = (n: Dec) => groupThousands(n.toFixed());

export function describeModifier(m: Modifier): string {
  const change = (factor: Dec) => (factor.lt(ONE) ? `${percent(ONE.minus(factor))} off` : `${percent(factor.minus(ONE))} extra`);
  const clock = (h: number, minute: string) => `${String(h).padStart(2, '0')}:${minute}`;
  switch (m.kind) {
    case 'time':
      // [2, 6] covers the whole of hours 2 to 6: 02:00 to 06:59 UTC.
      return `${m.name}: ${change(m.factor)} from ${clock(m.hours_utc[0], '00')} to ${clock(m.hours_utc[1], '59')} UTC`;
    case 'load':
      return `${m.name}: ${change(m.factor)} while the platform is above ${percent(m.above)} load`;
    case 'commitment':
      return `${m.name}: ${m.tiers.map((t) => `${change(t.factor)} from ${credits(t.min_monthly_credits)} credits a month`).join('; ')}`;
  }
}

/** The example a reader can redo: 100 calls of the operation nearest 100 credits, charged at the overage price. */
export function workedExample(operations: CustomerDocs['operations'], perCredit: Dec, currency: string): CustomerDocs['example'] {
  if (operations.length === 0) return undefined;
  const distance = (c: Dec) => Math.abs(Math.log(c.toNumber() / 100));
  const op = operations.reduce((a, b) => (distance(b.credits) < distance(a.credits) ? b : a));
  const calls = 100;
  const total = op.credits.times(calls);
  return { operation: op.operation, calls, credits: total, overage: formatMoney(total.times(perCredit).toDecimalPlaces(2), currency) };
}

/** Plans make extra credits an overage; without plans every credit is paid as used. */
function wording(d: CustomerDocs): { priced: string; example: (amount: string) => string } {
  return d.plans.length > 0
    ? { priced: 'Credits beyond your plan cost', example: (amount) => `${amount} over plan` }
    : { priced: 'Credits cost', example: (amount) => `costing ${amount}` };
}

export function renderDocsMarkdown(d: CustomerDocs): string {
  const words = wording(d);
  const lines = [`# ${markdownCell(d.title)}`, '', `Every call to the API uses credits. Operations that take more work use more credits. ${words.priced} **${markdownCell(d.overage)}**.`, '', '## Credits per operation', '', '| Operation | Credits |', '|---|---:|'];
  for (const op of d.operations) lines.push(`| ${markdownCell(op.operation)}${op.description ? ` — ${markdownCell(op.description)}` : ''} | ${credits(op.credits)} |`);
  if (d.plans.length > 0) {
    lines.push('', '## Plans', '', '| Plan | Price per month | Included credits |', '|---|---:|---:|');
    for (const p of d.plans) lines.push(`| ${markdownCell(p.name)} | ${markdownCell(p.price)} | ${credits(p.included)} |`);
    lines.push('', `Usage beyond a plan's included credits costs ${markdownCell(d.overage)}.`);
  }
  if (d.discounts.length > 0) {
    lines.push('', '## Discounts', '');
    for (const text of d.discounts) lines.push(`- ${markdownCell(text)}`);
  }
  if (d.example) {
    const e = d.example;
    lines.push('', '## Example', '', `${e.calls} × ${markdownCell(e.operation)} = ${credits(e.credits)} credits, ${words.example(markdownCell(e.overage))}.`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderDocsHtml(d: CustomerDocs): string {
  const rows = d.operations.map((op) => `<tr><td>${html(op.operation)}${op.description ? ` <span class="note">${html(op.description)}</span>` : ''}</td><td class="n">${credits(op.credits)}</td></tr>`).join('\n');
  const plans = d.plans.length === 0 ? '' : `<h2>Plans</h2>
<table><thead><tr><th>Plan</th><th class="n">Price per month</th><th class="n">Included credits</th></tr></thead><tbody>
${d.plans.map((p) => `<tr><td>${html(p.name)}</td><td class="n">${html(p.price)}</td><td class="n">${credits(p.included)}</td></tr>`).join('\n')}
</tbody></table>
<p>Usage beyond a plan's included credits costs ${html(d.overage)}.</p>`;
  const discounts = d.discounts.length === 0 ? '' : `<h2>Discounts</h2>\n<ul>${d.discounts.map((t) => `<li>${html(t)}</li>`).join('')}</ul>`;
  const example = d.example ? `<h2>Example</h2>\n<p>${d.example.calls} × ${html(d.example.operation)} = ${credits(d.example.credits)} credits, ${wording(d).example(html(d.example.overage))}.</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(d.title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: .4rem .6rem; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #59636e; }
</style>
</head>
<body>
<h1>${html(d.title)}</h1>
<p>Every call to the API uses credits. Operations that take more work use more credits. ${wording(d).priced} <strong>${html(d.overage)}</strong>.</p>
<h2>Credits per operation</h2>
<table><thead><tr><th>Operation</th><th class="n">Credits</th></tr></thead><tbody>
${rows}
</tbody></table>
${plans}
${discounts}
${example}
</body>
</html>
`;
}
