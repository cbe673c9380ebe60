import { EXPORT_TARGETS } from '../core/choices.js';
import type { ExportFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { CliError } from '../io/errors.js';
import { writeOutput } from '../io/output.js';
import { loadTable } from '../io/table.js';
import { exportTable } from '../pipeline/export.js';
import type { Ui } from '../ui.js';

export type ExportOptions = ExportFlagOptions;

/**
 * Writes the table in a target's format: on stdout, or atomically to -o.
 * Modifiers the target cannot express are listed on stderr, one line each.
 */
export async function exportCommand(options: ExportOptions, ui: Ui): Promise<number> {
  const target = options.to;
  if (target === undefined) throw new CliError(`credits export needs --to: one of ${EXPORT_TARGETS.join(', ')}`);
  const loaded = await loadTable(options.table);
  const result = exportTable(loaded, target, options.table);
  for (const line of result.notExported) ui.err(line);
  await writeOutput(options.out, result.text, ui);
  return EXIT.OK;
}
