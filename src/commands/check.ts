import type { ReportFormat } from '../core/choices.js';
import type { CheckFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { failing, sortFindings } from '../core/check.js';
import { Dec } from '../core/decimal.js';
import { validateFloor } from '../core/design.js';
import { confinedPath } from '../io/confine.js';
import { emitReport } from '../io/output.js';
import { DesignError } from '../core/errors.js';
import { CliError, InputError, located } from '../io/errors.js';
import { STDIN, COSTS_LIMIT, readSource } from '../io/source.js';
import { loadTable } from '../io/table.js';
import { type CheckReport, renderCheckGithub, renderCheckJson, renderCheckMarkdown, renderCheckText, verdict } from '../render/check.js';
import type { Ui } from '../ui.js';
import { type Derivation, deriveTable, readLargeSamples, redesignRecorded, resolveSettings } from '../pipeline/derive.js';
import { tableFindings } from '../pipeline/findings.js';
import { exportDrift } from '../pipeline/export-drift.js';

export type CheckOptions = CheckFlagOptions;

/** The costs file a table records, as a path from the working directory; it must stay inside the project. */
function recordedCosts(tablePath: string, recorded: string | undefined): string {
  if (recorded === undefined) throw new CliError(`${tablePath} records no costs file; give --costs FILE`);
  if (recorded === STDIN) throw new CliError(`${tablePath} was designed from standard input; give --costs FILE`);
  return confinedPath(tablePath, recorded, 'source.file');
}

/**
 * A problem in a costs file that the table named (not the user) is reported
 * without quoting the file: the table may come from a pull request, and the
 * CI log is public.
 */
function withoutContent(error: unknown, costsPath: string): unknown {
  if (!(error instanceof CliError || error instanceof DesignError)) return error;
  const at = error instanceof InputError ? error.at : error instanceof DesignError ? error.at : undefined;
  const what = error instanceof InputError && error.plain !== undefined ? error.plain : 'not a costs file this table can be checked against';
  return new CliError(
    `${located(costsPath, at)}: ${what} (the file is named by the table, so its contents are not quoted; run credits check --costs ${costsPath} to see them)`,
    error instanceof CliError ? error.exitCode : 2,
  );
}

export async function checkCommand(options: CheckOptions, ui: Ui, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format: ReportFormat = options.format ?? (ui.json ? 'json' : 'text');
  if (options.to !== undefined && options.export === undefined) throw new CliError('--to is the target of --export FILE; give both');
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const costsPath = options.costs ?? recordedCosts(options.table, table.source?.file);
  const floor = options.floor !== undefined ? new Dec(options.floor) : table.design.floor;
  validateFloor(floor);

  const settings = resolveSettings(
    {
      ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
      ...(options.decimalComma && { decimalComma: true }),
      ...(options.decimalPoint && { decimalPoint: true }),
    },
    table,
  );
  const pricing = table.design.prices ? await import('../pipeline/prices.js') : undefined;
  const prices = pricing?.recordedPrices(table, options.table);
  if (prices) settings.prices = prices;
  // A large file of raw samples is read on worker threads, never held whole.
  const large = await readLargeSamples(costsPath, settings);
  const source = large?.source ?? (await readSource(costsPath, 'costs file', COSTS_LIMIT));
  let current: Derivation;
  try {
    current = deriveTable(source, costsPath, settings, { tablePath: options.table, previous: table, ...(large && { read: large.read }) });
  } catch (error) {
    throw options.costs === undefined ? withoutContent(error, costsPath) : error;
  }
  const recorded = redesignRecorded(table, settings);
  const exported = options.export === undefined ? [] : await exportDrift(loaded, options.table, options.export, options.to);
  const catalog = pricing ? await pricing.catalogDrift(table, options.table) : [];
  const findings = sortFindings([
    ...tableFindings({ table, recorded, current, floor, source, costsPath, tablePath: options.table, settings }),
    ...exported,
    ...catalog,
  ]).map((f) => {
    const line = f.file === undefined ? loaded.lineOf(f.path) : undefined;
    return line === undefined ? f : { ...f, line };
  });
  const report: CheckReport = {
    table: options.table,
    costs: costsPath,
    failOn: options.failOn,
    findings,
    failed: failing(findings, options.failOn).length > 0,
  };

  // On GitHub without --format, the annotations follow the text, so a plain `credits check` step marks the lines.
  const annotateText = env['GITHUB_ACTIONS'] === 'true' && options.format === undefined && findings.length > 0;
  await emitReport(
    format,
    {
      text: () => renderCheckText(report, ui.style) + (annotateText ? `\n${renderCheckGithub(report)}` : ''),
      json: () => renderCheckJson(report),
      markdown: () => renderCheckMarkdown(report),
      github: () => (findings.length > 0 ? renderCheckGithub(report) : ''),
      verdict: () => verdict(report),
    },
    ui,
    env,
  );
  return report.failed ? EXIT.FINDINGS : EXIT.OK;
}
