import { toJson } from '../render/json.js';
import { type Export, type ExportModel, HEADER_KEY, headerComment } from './model.js';

/** 1: the first runtime snapshot (export.schema.json). */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** The table as an API needs it at run time, without YAML: operations, price, plans and modifiers. */
function snapshot(model: ExportModel) {
  return {
    currency: model.currency,
    price: { per_credit: model.perCredit, pack: model.pack, display: model.display },
    operations: Object.fromEntries(model.operations.map((o) => [o.name, o.credits])),
    plans: model.plans.map((p) => ({ name: p.name, price: p.price, included_credits: p.included })),
    modifiers: model.modifiers,
  };
}

/** A JSON document (export.schema.json): every modifier included, since an API applies them itself. */
export function jsonExport(model: ExportModel): Export {
  return { text: `${toJson({ schema_version: SNAPSHOT_SCHEMA_VERSION, [HEADER_KEY]: model.header, ...snapshot(model) })}\n`, notExported: [] };
}

/** A TypeScript module with the same document `as const`, and its types, for edge runtimes that read no files. */
export function typescriptExport(model: ExportModel): Export {
  // Line and paragraph separators can only sit inside strings here; escaped, no editor or tool reads them as line ends.
  const body = toJson(snapshot(model)).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const text = [
    headerComment(model.header),
    '// Written by credits export --to typescript: edit the table, not this file.',
    `export const creditTable = ${body} as const;`,
    '',
    'export type CreditTable = typeof creditTable;',
    "export type Operation = keyof CreditTable['operations'];",
    "export type PlanName = CreditTable['plans'][number]['name'];",
    '',
    '/** The credits an operation costs before modifiers. */',
    'export function creditsOf(operation: Operation): number {',
    '  return creditTable.operations[operation];',
    '}',
    '',
  ].join('\n');
  return { text, notExported: [] };
}
