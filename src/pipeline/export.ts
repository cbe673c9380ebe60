import type { ExportTarget } from '../core/choices.js';
import { DesignError } from '../core/errors.js';
import { EXPORTERS } from '../export/index.js';
import { type Export, type ExportHeader, type ExportModel, keysOf } from '../export/model.js';
import { InputError } from '../io/errors.js';
import type { LoadedTable } from '../io/table.js';
import { plansOf } from '../io/table-sections.js';

/** Set from package.json when the bundle is built. */
declare const CREDITS_VERSION: string;

/** Keys for names, a clash reported at the line of the section they come from. */
function keysAt(loaded: LoadedTable, section: string, names: readonly string[], what: string): string[] {
  try {
    return keysOf(names, what);
  } catch (error) {
    if (!(error instanceof DesignError)) throw error;
    const line = loaded.lineOf([section]);
    throw new InputError(loaded.path, `${section}: ${error.message}`, line === undefined ? undefined : { line });
  }
}

/** The export model of a loaded table; the header names `tableName` (as the user gave it) and, unless given, this version. */
export function exportModel(loaded: LoadedTable, target: ExportTarget, tableName: string, creditsVersion: string = CREDITS_VERSION): ExportModel {
  const { table } = loaded;
  const entries = Object.entries(table.operations);
  const opKeys = keysAt(loaded, 'operations', entries.map(([name]) => name), 'operation');
  const figures = plansOf(loaded);
  const planKeys = keysAt(loaded, 'plans', figures.map((p) => p.name), 'plan');
  const header: ExportHeader = { target, table: tableName, source_sha256: table.source?.sha256 ?? null, credits_version: creditsVersion };
  return {
    header,
    currency: table.currency,
    perCredit: table.price.per_credit,
    pack: table.price.pack,
    display: table.price.display,
    operations: entries.map(([name, op], i) => ({ name, key: opKeys[i]!, credits: op.credits, cost: op.cost, ...(op.description !== undefined && { description: op.description }) })),
    plans: figures.map((p, i) => ({ name: p.name, key: planKeys[i]!, price: p.price, included: p.included })),
    modifiers: table.modifiers ?? [],
  };
}

/** The export of a loaded table to a target; a value the platform cannot take is reported against the table. */
export function exportTable(loaded: LoadedTable, target: ExportTarget, tableName: string, creditsVersion?: string): Export {
  const model = exportModel(loaded, target, tableName, creditsVersion);
  try {
    return EXPORTERS[target](model);
  } catch (error) {
    if (!(error instanceof DesignError)) throw error;
    throw new InputError(loaded.path, `cannot export to ${target}: ${error.message}`);
  }
}
