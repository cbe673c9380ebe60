/**
 * `credits` as a library: an API loads the committed table and charges
 * exactly what was designed and checked. Loads no part of the command line.
 *
 *   import { loadTable, createMeter } from 'credits';
 *   const meter = createMeter(await loadTable('credits.yaml'));
 *   meter.credits('ai_analysis', { at: new Date() });
 */
import type { CreditTable, TableSnapshot } from '../core/table.js';
import { loadRuntimeTable, parseRuntimeTable } from '../io/table.js';
import { toJson } from '../render/json.js';

export { createMeter, InvalidContextError, UnknownOperationError, type Charge, type Meta, type Meter } from './meter.js';
export { applicableFactors, type CallContext } from '../core/modifiers.js';
/** Every problem with a table is a CliError; an InputError when it has a place (file:line:column). */
export { CliError, InputError } from '../io/errors.js';
export type { CreditTable, TableSnapshot } from '../core/table.js';

/**
 * A credit table, validated exactly as the CLI validates it (the same
 * messages, with file, line and key path): from a file (YAML, or the JSON
 * that `credits design --json` prints), or from an object already parsed.
 * Or a snapshot of one that `credits export` wrote: the `--to json` file, or
 * the `creditTable` object of the `--to typescript` module. A snapshot has no
 * `version` (`table.version === 1` tells a table).
 */
export async function loadTable(source: string | object): Promise<CreditTable | TableSnapshot> {
  if (typeof source === 'string') return loadRuntimeTable(source);
  // JSON is YAML, so an object goes through the same reader; exact decimals are written as numbers.
  return parseRuntimeTable({ name: '<table object>', bytes: Buffer.from(toJson(source)) }, true);
}
