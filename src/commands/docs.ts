import type { DocsFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { formatMoney } from '../core/price.js';
import { writeOutput } from '../io/output.js';
import { loadTable } from '../io/table.js';
import { type CustomerDocs, describeModifier, renderDocsHtml, renderDocsMarkdown, workedExample } from '../render/docs.js';
import type { Ui } from '../ui.js';
import { plansOf } from '../io/table-sections.js';

export type DocsOptions = DocsFlagOptions;

export async function docsCommand(options: DocsOptions, ui: Ui): Promise<number> {
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const operations = Object.entries(table.operations).map(([operation, op]) => ({ operation, credits: op.credits, ...(op.description !== undefined && { description: op.description }) }));
  const plans = plansOf(loaded).map((plan) => ({ name: plan.name, price: plan.price.isZero() ? 'Free' : formatMoney(plan.price, table.currency), included: plan.included }));
  const example = workedExample(operations, table.price.per_credit, table.currency);
  const docs: CustomerDocs = {
    title: 'Understanding credits',
    overage: table.price.display,
    operations,
    plans,
    discounts: (table.modifiers ?? []).map(describeModifier),
    ...(example && { example }),
  };
  const text = options.format === 'html' ? renderDocsHtml(docs) : renderDocsMarkdown(docs);
  await writeOutput(options.out, text, ui);
  return EXIT.OK;
}
