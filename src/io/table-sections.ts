import { DesignError } from '../core/errors.js';
import { type PlanFigures, planFigures } from '../core/plans.js';
import { InputError } from './errors.js';
import { type LoadedTable, dottedPath } from './table.js';

/**
 * Runs work on a loaded table; a problem the core finds in one of its
 * sections is reported against the table's file, at the line of `path`.
 */
function inTable<T>(loaded: LoadedTable, path: (string | number)[], fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof DesignError)) throw error;
    const line = loaded.lineOf(path);
    throw new InputError(loaded.path, `${dottedPath(path)}: ${error.message}`, line === undefined ? undefined : { line });
  }
}

/** The figures of every plan of a table; a plan that cannot be derived is reported at its line. */
export function plansOf(loaded: LoadedTable): PlanFigures[] {
  return (loaded.table.plans ?? []).map((plan, i) => inTable(loaded, ['plans', i], () => planFigures([plan], loaded.table)[0]!));
}
