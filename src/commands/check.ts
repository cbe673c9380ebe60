import { appendFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { type Severity, checkTable, failing, sortFindings } from '../core/check.js';
import { Dec } from '../core/decimal.js';
import { validateFloor } from '../core/design.js';
import { CliError } from '../io/errors.js';
import { STDIN, readSource } from '../io/source.js';
import { loadTable } from '../io/table.js';
import { type CheckReport, renderCheckGithub, renderCheckJson, renderCheckMarkdown, renderCheckText, verdict } from '../render/check.js';
import type { Ui } from '../ui.js';
import { deriveTable, redesignRecorded, resolveSettings } from './derive.js';

export type CheckFormat = 'text' | 'json' | 'github' | 'markdown';

export interface CheckOptions {
  table: string;
  costs?: string;
  floor?: string;
  failOn: Severity;
  format?: CheckFormat;
}

const DEFAULT_TABLE = 'credits.yaml';

/** The costs file a table records, as a path from the working directory. */
function recordedCosts(tablePath: string, recorded: string | undefined): string {
  if (recorded === undefined) throw new CliError(`${tablePath} records no costs file; give --costs FILE`);
  if (recorded === STDIN) throw new CliError(`${tablePath} was designed from standard input; give --costs FILE`);
  if (isAbsolute(recorded)) return recorded;
  return relative(process.cwd(), join(dirname(tablePath), recorded)).split(sep).join('/') || '.';
}

export async function checkCommand(options: CheckOptions, ui: Ui, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format: CheckFormat = options.format ?? (ui.json ? 'json' : 'text');
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const costsPath = options.costs ?? recordedCosts(options.table, table.source?.file);
  const floor = options.floor !== undefined ? new Dec(options.floor) : table.design.floor;
  validateFloor(floor);

  const settings = resolveSettings({}, table);
  const source = await readSource(costsPath, 'costs file');
  const current = deriveTable(source, costsPath, settings, { tablePath: options.table, previous: table });
  const recorded = redesignRecorded(table, settings);
  const redesign = `credits design ${costsPath}${options.table === DEFAULT_TABLE ? '' : ` -o ${options.table}`}`;
  const findings = sortFindings(
    checkTable({ table, recorded, current: current.design, currentCosts: current.operations, floor, redesign }),
  ).map((f) => {
    const line = loaded.lineOf(f.path);
    return line === undefined ? f : { ...f, line };
  });
  const report: CheckReport = {
    table: options.table,
    costs: costsPath,
    failOn: options.failOn,
    findings,
    failed: failing(findings, options.failOn).length > 0,
  };

  switch (format) {
    case 'json':
      ui.out(renderCheckJson(report));
      break;
    case 'github':
      if (findings.length > 0) ui.out(renderCheckGithub(report));
      ui.out(verdict(report));
      break;
    case 'markdown': {
      const markdown = renderCheckMarkdown(report);
      ui.out(markdown);
      const summary = env['GITHUB_STEP_SUMMARY'];
      if (summary) await appendFile(summary, `${markdown}\n`).catch((error: Error) => ui.warn(`could not append to GITHUB_STEP_SUMMARY: ${error.message}`));
      break;
    }
    case 'text':
      ui.out(renderCheckText(report, ui.style));
      if (env['GITHUB_ACTIONS'] === 'true' && options.format === undefined && findings.length > 0) ui.out(renderCheckGithub(report));
      break;
  }
  return report.failed ? 1 : 0;
}
