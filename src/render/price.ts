import type { Dec } from '../core/decimal.js';
import { percent } from '../core/design.js';
import type { Price } from '../core/price.js';
import { type TablePrice, tablePrice } from '../core/table.js';
import type { Style } from '../ui.js';
import { renderPriceLines } from './design-text.js';
import { count, marginCell, moneyColumn, safeText } from './format.js';
import { toJson } from './json.js';
import { textTable } from './table.js';

/** 2: schema_version added, previous_price and costs when re-pricing at current costs. */
const PRICE_SCHEMA_VERSION = 2;

/** The result of `credits price`: a bare price, or a table's re-pricing with every margin. */
export interface PriceReport {
  currency: string;
  price: Price;
  /** Names K when it was given (--cost-per-credit) rather than derived from a table. */
  from?: string;
  table?: {
    path: string;
    costs?: string;
    previous: TablePrice;
    floor: Dec;
    operations: { operation: string; credits: Dec; cost: Dec; margin: Dec }[];
  };
}

/** The price as a table records it, with how it was reached. */
function priceJson(price: Price) {
  return { ...tablePrice(price), cost_per_credit: price.costPerCredit, raw: price.raw };
}

export function renderPriceJson(report: PriceReport): string {
  const t = report.table;
  return toJson({
    schema_version: PRICE_SCHEMA_VERSION,
    price: priceJson(report.price),
    ...(t && {
      table: t.path,
      costs: t.costs ?? null,
      previous_price: { per_credit: t.previous.per_credit, display: t.previous.display },
      floor: t.floor,
      operations: Object.fromEntries(t.operations.map((m) => [m.operation, { credits: m.credits, cost: m.cost, margin: m.margin.toDecimalPlaces(4), below_floor: m.margin.lt(t.floor) }])),
    }),
  });
}

export function renderPriceText(report: PriceReport, style: Style): string {
  const t = report.table;
  const lines = renderPriceLines(report.price, report.currency, style, report.from);
  if (!t) return lines.join('\n');
  if (!t.previous.per_credit.eq(report.price.perCredit)) lines.unshift(`${style.bold('Price change:')} ${t.previous.display} → ${report.price.display}`);
  const costs = moneyColumn(t.operations.map((m) => m.cost), report.currency);
  const perCredit = moneyColumn(t.operations.map((m) => m.cost.dividedBy(m.credits)), report.currency);
  const rows = t.operations.map((m, i) => [safeText(m.operation), count(m.credits), costs[i]!, perCredit[i]!, marginCell(m.margin, t.floor, style)]);
  const under = t.operations.filter((m) => m.margin.lt(t.floor));
  return [
    ...lines,
    '',
    textTable(['operation', 'credits', 'cost', 'cost per credit', 'margin'], rows, [1, 2, 3, 4]),
    under.length === 0 ? `Every margin clears the floor of ${percent(t.floor)}.` : style.yellow(`${under.length} under the floor of ${percent(t.floor)}: ${under.map((m) => safeText(m.operation)).join(', ')}`),
  ].join('\n');
}
