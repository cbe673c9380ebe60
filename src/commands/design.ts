import type { DesignFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { existsSync } from 'node:fs';
import { failing, sortFindings } from '../core/check.js';
import { creditChanges } from '../core/table.js';
import { renderChanges, renderDesign, renderDesignJson } from '../render/design-text.js';
import { writeOutput } from '../io/output.js';
import { CliError } from '../io/errors.js';
import { STDIN, COSTS_LIMIT, readSource } from '../io/source.js';
import { type LoadedTable, loadTable, renderTable } from '../io/table.js';
import type { Ui } from '../ui.js';
import { LARGE_COSTS_FROM, deriveTable, readLargeSamples, resolveSettings, sourcePath } from '../pipeline/derive.js';
import { tableFindings } from '../pipeline/findings.js';

export type DesignOptions = DesignFlagOptions & { costs: string };

export async function designCommand(options: DesignOptions, ui: Ui): Promise<number> {
  if (ui.json && options.out === STDIN) throw new CliError('--json and -o - would both print the table on stdout; choose one');
  const previous: LoadedTable | undefined =
    options.out !== STDIN && existsSync(options.out) ? await loadTable(options.out).catch((error: Error) => {
      const note = `(the existing table ${options.out} was left as it is; fix it, or write elsewhere with -o)`;
      throw error instanceof CliError ? error.withNote(note) : error;
    }) : undefined;
  const settings = resolveSettings(options, previous?.table);
  // Model prices are loaded only for a design from tokens: other designs start as before.
  const pricing = options.prices !== undefined || previous?.table.design.prices ? await import('../pipeline/prices.js') : undefined;
  const prices = pricing ? await pricing.designPrices(options.prices, previous?.table, options.out, sourcePath) : undefined;
  if (prices) settings.prices = prices;
  // Raw samples run to millions of rows: a large file is read on worker threads, and on a terminal shows how far the reading is.
  let progress = ui.progress?.();
  let result;
  let source;
  try {
    const large = await readLargeSamples(options.costs, settings, progress?.update);
    source = large?.source ?? (await readSource(options.costs, 'costs file', COSTS_LIMIT));
    if (!large && source.bytes.length < LARGE_COSTS_FROM) progress = undefined;
    result = deriveTable(source, options.costs, settings, {
      tablePath: options.out,
      ...(previous && { previous: previous.table }),
      ...(large ? { read: large.read } : progress && { progress: progress.update }),
    });
  } finally {
    progress?.done();
  }
  if ((options.rate?.length ?? 0) > 0 && !result.costs.fromRates) {
    result.warnings.unshift(`${source.name} has a cost column, so --rate is not used`);
  }

  // The verdict is check's own, on the table as it will be committed.
  const findings = sortFindings(
    tableFindings({ table: result.table, recorded: result.design, current: result, floor: settings.floor, source, costsPath: options.costs, tablePath: options.out, settings }),
  );
  if (ui.json) ui.out(renderDesignJson(result.table));
  else {
    const summary = renderDesign(
      {
        source: source.name,
        samples: result.costs.samples,
        stat: settings.stat,
        hasVolumeColumn: result.costs.hasVolumeColumn,
        currency: settings.currency,
        design: result.design,
        findings,
        ...(result.table.modifiers && { modifiers: result.table.modifiers }),
      },
      options.out === STDIN ? ui.errStyle : ui.style,
    );
    const full = pricing && prices && prices.used.size > 0 ? `${summary}\n${pricing.describePrices(prices)}` : summary;
    if (options.out === STDIN) ui.err(full);
    else ui.out(full);
  }
  for (const warning of result.warnings) ui.warn(warning);

  if (previous) {
    ui.err(renderChanges(creditChanges(previous.table, result.table), previous.table.price.display, result.table.price.display));
  }
  if (options.dryRun) ui.err(`Dry run: ${options.out === STDIN ? 'stdout' : options.out} not written.`);
  // Rendered only to be written: a dry run has no use for the YAML.
  else await writeOutput(options.out, renderTable(result.table, options.out, previous), ui);
  return options.failOn !== undefined && options.failOn !== 'none' && failing(findings, options.failOn).length > 0 ? EXIT.FINDINGS : EXIT.OK;
}
