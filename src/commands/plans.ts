import type { PlansFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import type { Document } from 'yaml';
import { writeFileAtomic } from '../io/atomic.js';
import { CliError } from '../io/errors.js';
import { loadTable, renderTable } from '../io/table.js';
import { renderPlansJson, renderPlansText } from '../render/plans.js';
import type { Ui } from '../ui.js';
import { plansOf } from '../io/table-sections.js';

export type PlansOptions = PlansFlagOptions;

export async function plansCommand(options: PlansOptions, ui: Ui): Promise<number> {
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const plans = table.plans ?? [];
  if (plans.length === 0) throw new CliError(`${options.table} has no plans; add a plans: section (see "Plans" in the README)`);
  const figures = plansOf(loaded);
  const report = { table: options.table, currency: table.currency, perCredit: table.price.per_credit, overage: table.price.display, floor: table.design.floor, plans: figures };
  ui.out(ui.json ? renderPlansJson(report) : renderPlansText(report, ui.style));

  if (options.write) {
    const derived = plans.flatMap((plan, i) => (plan.method === undefined || plan.included_credits?.eq(figures[i]!.included) ? [] : [i]));
    if (derived.length > 0) {
      const record = (document: Document) => {
        for (const i of derived) document.setIn(['plans', i, 'included_credits'], figures[i]!.included);
      };
      await writeFileAtomic(options.table, renderTable(table, options.table, loaded, record));
      const changed = derived.length;
      ui.err(`Recorded included_credits of ${changed} plan${changed === 1 ? '' : 's'} in ${options.table}`);
    } else ui.err(`${options.table} already records every plan's included credits`);
  }
  return EXIT.OK;
}
