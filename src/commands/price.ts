import type { PriceFlagOptions } from '../options.js';
import { DEFAULTS } from '../defaults.js';
import { EXIT } from '../exit-codes.js';
import { Dec } from '../core/decimal.js';
import { type Price, marginOf, priceFromCostPerCredit, priceOperations } from '../core/price.js';
import { tablePrice } from '../core/table.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CliError } from '../io/errors.js';
import { loadTable, renderTable } from '../io/table.js';
import { type PriceReport, renderPriceJson, renderPriceText } from '../render/price.js';
import type { Ui } from '../ui.js';
import { currencyCode, deriveTable, resolveSettings } from '../pipeline/derive.js';
import { committedPrice } from '../pipeline/findings.js';
import { COSTS_LIMIT, readSource } from '../io/source.js';

export type PriceOptions = PriceFlagOptions;

export async function priceCommand(options: PriceOptions, ui: Ui): Promise<number> {
  if (options.costPerCredit !== undefined) return priceBare(options, ui);
  if (options.currency !== undefined) throw new CliError("--currency goes with --cost-per-credit; a table's currency is in the table");
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const margin = options.margin !== undefined ? new Dec(options.margin) : table.price.target_margin;
  const floor = options.floor !== undefined ? new Dec(options.floor) : table.design.floor;
  const recorded = Object.entries(table.operations).map(([operation, op]) => ({ operation, cost: op.cost, credits: op.credits, ...(op.volume !== undefined && { volume: op.volume }) }));
  let ops = recorded;
  let price: Price;
  if (options.costs !== undefined) {
    // The same pricing `check` expects, so its price-drift goes away once this is written.
    const settings = resolveSettings({}, table);
    const prices = table.design.prices ? (await import('../pipeline/prices.js')).recordedPrices(table, options.table) : undefined;
    if (prices) settings.prices = prices;
    const current = deriveTable(await readSource(options.costs, 'costs file', COSTS_LIMIT), options.costs, settings, { tablePath: options.table, previous: table });
    const priced = committedPrice(table, current, margin, options.basis);
    if (!priced) throw new CliError(`${options.costs} has none of the operations of ${options.table}; nothing to price`);
    price = priced;
    ops = current.operations.flatMap((o) => (table.operations[o.operation] ? [{ operation: o.operation, cost: o.cost, credits: table.operations[o.operation]!.credits }] : []));
  } else {
    price = priceOperations(recorded, margin, options.basis ?? table.price.basis, table.currency);
  }
  const report: PriceReport = {
    currency: table.currency,
    price,
    table: {
      path: options.table,
      ...(options.costs !== undefined && { costs: options.costs }),
      previous: table.price,
      floor,
      operations: ops.map((o) => ({ ...o, margin: marginOf(o.cost, o.credits, price.perCredit) })),
    },
  };
  ui.out(ui.json ? renderPriceJson(report) : renderPriceText(report, ui.style));

  if (options.write) {
    table.price = tablePrice(price);
    // The margins written are those of the costs the table records, so each line of the table agrees with itself.
    for (const o of recorded) table.operations[o.operation]!.margin = marginOf(o.cost, o.credits, price.perCredit).toDecimalPlaces(4);
    if (options.floor !== undefined) table.design.floor = floor;
    await writeFileAtomic(options.table, renderTable(table, options.table, loaded));
    ui.err(`Updated the price in ${options.table}`);
  }
  return EXIT.OK;
}

function priceBare(options: PriceOptions, ui: Ui): number {
  if (options.write) throw new CliError('--write updates a table; it cannot go with --cost-per-credit');
  if (options.costs !== undefined) throw new CliError("--costs prices a table's credits; it cannot go with --cost-per-credit");
  const k = new Dec(options.costPerCredit!);
  if (k.lte(0)) throw new CliError(`--cost-per-credit must be greater than 0, got ${options.costPerCredit}`);
  const currency = currencyCode(options.currency ?? DEFAULTS.currency);
  const margin = new Dec(options.margin ?? DEFAULTS.margin);
  const price = priceFromCostPerCredit(k, margin, options.basis ?? 'worst', currency);
  const report: PriceReport = { currency, price, from: 'the cost per credit' };
  ui.out(ui.json ? renderPriceJson(report) : renderPriceText(report, ui.style));
  return EXIT.OK;
}
