import type { Finding } from '../core/check.js';
import type { Design } from '../core/design.js';
import { percent } from '../core/design.js';
import type { CreditTable, TableChange } from '../core/table.js';
import { toJson } from './json.js';
import { type Modifier, describeStack, worstCase, worstStack } from '../core/modifiers.js';
import type { Style } from '../ui.js';
import { count, credits, marginCell, money, moneyColumn, ratioNumber, safeText, signedPercent } from './format.js';
import { textTable } from './table.js';

export interface DesignSummary {
  /** What `credits check` would find in the designed table: the verdict is the same. */
  findings: readonly Finding[];
  /** Discounts the table defines: the summary adds each operation's worst case under them. */
  modifiers?: Modifier[];
  source: string;
  samples: number;
  stat: string;
  hasVolumeColumn: boolean;
  currency: string;
  design: Design;
}

/** The version of `credits design --json`: the table, with the same keys as its YAML, and this key. */
const DESIGN_SCHEMA_VERSION = 1;

export function renderDesignJson(table: CreditTable): string {
  return toJson({ schema_version: DESIGN_SCHEMA_VERSION, ...table });
}

export function renderDesign(summary: DesignSummary, style: Style): string {
  const { design: d, currency } = summary;
  const lines: string[] = [];
  const ops = d.operations.length;
  const sampled = summary.samples > ops ? `, ${summary.samples} samples aggregated by ${summary.stat}` : '';
  lines.push(`${style.bold(safeText(summary.source))}: ${ops} operation${ops === 1 ? '' : 's'}${sampled}`);
  const unit = d.unit.base !== undefined ? `1 credit = ${safeText(d.unit.base)} = ${money(d.unit.costPerCredit, currency)}` : `1 credit = ${money(d.unit.costPerCredit, currency)} (--unit-cost)`;
  lines.push(unit);
  if (d.operations.some((o) => o.volume !== undefined)) {
    lines.push(summary.hasVolumeColumn ? 'Volumes from the volume column.' : 'Volumes are the sample counts.');
  }
  lines.push('');
  const stack = summary.modifiers && summary.modifiers.length > 0 ? worstStack(summary.modifiers) : undefined;
  const costs = moneyColumn(d.operations.map((o) => o.cost), currency);
  const rows = d.operations.map((o, i) => {
    const row = [
      safeText(o.operation) + (o.pinned ? style.dim(' (pinned)') : ''),
      costs[i]!,
      ratioNumber(o.rawCredits),
      ratioNumber(o.multiplier),
      count(o.credits),
      signedPercent(o.roundingEffect),
      marginCell(o.margin, d.floor, style),
    ];
    if (stack) {
      const worst = worstCase(o.cost, o.credits, d.price.perCredit, stack.factor);
      row.push(count(worst.credits), worst.margin === undefined ? style.red('free') : marginCell(worst.margin, d.floor, style));
    }
    return row;
  });
  const head = ['operation', 'cost', 'raw', 'multiplier', 'credits', 'rounding', 'margin'];
  if (stack) head.push('worst credits', 'worst margin');
  lines.push(textTable(head, rows, [1, 2, 3, 4, 5, 6, 7, 8]));
  if (stack) {
    const named = safeText(describeStack(stack));
    lines.push(stack.parts.length === 0 ? 'No modifier discounts.' : `Worst case: the deepest discounts that can apply together, ${named} = ${stack.factor.toFixed()}; effective credits = floor(credits × ${stack.factor.toFixed()}).`);
  }
  lines.push('');
  lines.push(...renderPriceLines(d.price, currency, style));
  if (d.consolidation) {
    const c = d.consolidation;
    lines.push(
      `Consolidated ${c.levelsBefore} credit levels to ${c.levelsAfter} (--max-levels ${c.maxLevels}): worst margin ${percent(c.worstMarginBefore)} → ${percent(c.worstMarginAfter)}` +
        (c.priceBefore.eq(d.price.perCredit) ? '' : `, price ${money(c.priceBefore, currency)} → ${money(d.price.perCredit, currency)} per credit`),
    );
  }
  const { findings } = summary;
  if (findings.length === 0) {
    lines.push(`Every margin clears the floor of ${percent(d.floor)}${stack && stack.parts.length > 0 ? ', with the deepest discounts too' : ''}.`);
  } else {
    lines.push(style.yellow(`${findings.length} finding${findings.length === 1 ? '' : 's'} that \`credits check\` reports for this table:`));
    for (const f of findings) lines.push(`  ${f.severity === 'error' ? style.red(f.severity) : style.yellow(f.severity)} ${f.code}${f.operation ? ` ${safeText(f.operation)}` : ''}: ${safeText(f.message)}`);
  }
  return lines.join('\n');
}

const BASIS_LABEL = {
  worst: 'the costliest credit (basis worst)',
  blended: 'the volume-weighted cost per credit (basis blended)',
};

/** The price and how it was reached; `from` names K when it was given rather than derived. */
export function renderPriceLines(price: Design['price'], currency: string, style: Style, from = BASIS_LABEL[price.basis]): string[] {
  const perCredit = money(price.perCredit, currency);
  const basis = from;
  return [
    `${style.bold('Price:')} ${price.display}${price.pack.credits.eq(1) ? '' : ` (${perCredit} per credit)`}`,
    `  ${basis} is ${money(price.costPerCredit, currency)}; at a ${percent(price.targetMargin)} target margin that is ${money(price.raw, currency)}, rounded up to ${perCredit}`,
  ];
}

export function renderChanges(changes: readonly TableChange[], priceBefore: string, priceAfter: string): string {
  const lines: string[] = [];
  if (priceBefore !== priceAfter) lines.push(`  price: ${priceBefore} → ${priceAfter}`);
  for (const c of changes) {
    const name = safeText(c.operation);
    if (c.before && c.after) lines.push(`  ${name}: ${count(c.before)} → ${credits(c.after)}`);
    else if (c.after) lines.push(`  + ${name}: ${credits(c.after)} (new)`);
    else if (c.before) lines.push(`  − ${name}: removed (was ${credits(c.before)})`);
  }
  return lines.length === 0 ? 'No credits changed.' : `Changes:\n${lines.join('\n')}`;
}

/** The short table the wizard shows after each choice. */
export function renderPreview(d: Design, style: Style): string {
  const rows = d.operations.map((o) => [safeText(o.operation), ratioNumber(o.adjusted), count(o.credits), signedPercent(o.roundingEffect), marginCell(o.margin, d.floor, style)]);
  return `${textTable(['operation', 'adjusted', 'credits', 'rounding', 'margin'], rows, [1, 2, 3, 4])}\n${d.price.display}`;
}

/** One line for a choice's description: the credits it gives, the margins and the price. */
export function renderPreviewLine(d: Design): string {
  const margins = d.operations.map((o) => o.margin);
  const low = margins.reduce((a, b) => (b.lt(a) ? b : a));
  const high = margins.reduce((a, b) => (b.gt(a) ? b : a));
  return `credits ${d.operations.map((o) => count(o.credits)).join(' · ')}; margins ${percent(low)}–${percent(high)}; ${d.price.display}`;
}
