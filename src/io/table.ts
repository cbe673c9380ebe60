import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import validate from '#table-validator';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node, type ParsedNode, Scalar, YAMLMap } from 'yaml';
import { Dec, isDec } from '../core/decimal.js';
import type { CreditTable } from '../core/table.js';
import { InputError } from './errors.js';
import { type Source, readSource } from './source.js';

const MODELINE = /^# ?yaml-language-server: \$schema=.*$/;

/** Exact decimals are written as plain YAML numbers, never through a float. */
const decimalTag = {
  identify: (value: unknown) => isDec(value),
  tag: 'tag:yaml.org,2002:float',
  default: true,
  resolve: (text: string) => new Dec(text),
  stringify: (item: Scalar) => (item.value as Dec).toFixed(),
};

/** A table as read: its typed content and the YAML document it came from (comments, positions). */
export interface LoadedTable {
  path: string;
  table: CreditTable;
  document: Document.Parsed;
  /** 1-based line of the key at a key path, when it exists. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A key path as people write it: operations.image_upload.credits, plans[3].price. */
export function dottedPath(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join('.').replace(/\.\[/g, '[');
}

/** A JSON pointer into `data` as a key path; indices of arrays become numbers. */
function decodePointer(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  let node = data;
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const step = Array.isArray(node) ? Number(key) : key;
      node = (node as Record<string | number, unknown> | undefined)?.[step];
      return step;
    });
}

/** A credit table is a few levels deep; the YAML parser recurses, so far deeper input is refused before it is parsed. */
const MAX_DEPTH = 64;
const MAX_INDENT = 256;

function checkNesting(name: string, text: string): void {
  let depth = 0;
  let line = 1;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    column++;
    if (c === 10) {
      line++;
      column = 0;
    } else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) throw new InputError(name, `nested more than ${MAX_DEPTH} levels deep; a credit table is a few levels deep`, { line, column });
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (c === 32 && column > MAX_INDENT) {
      const start = text.lastIndexOf('\n', i) + 1;
      if (/^ *$/.test(text.slice(start, i + 1))) throw new InputError(name, `indented more than ${MAX_INDENT} columns; a credit table is a few levels deep`, { line, column });
    }
  }
}

/** Tables are small; this is far beyond any real one. */
export const TABLE_LIMIT = 8 * 1024 * 1024;

/** The node of a key path's key, where it is a map key (for a block map its value starts on the next line), else the node itself. */
function keyNode(document: Document, path: readonly (string | number)[]): Node | undefined {
  const parent = path.length > 1 ? document.getIn(path.slice(0, -1), true) : document.contents;
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1])) : undefined;
  return (pair?.key ?? document.getIn(path, true)) as Node | undefined;
}

/** Parses and validates a table's text; every problem names the file, line and key path. */
export function parseTable(source: Source): LoadedTable {
  const lineCounter = new LineCounter();
  const text = source.bytes.toString('utf8');
  checkNesting(source.name, text);
  // The decimal tag has no `test`, so reading is unchanged; it is there for writing the document back.
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, customTags: [decimalTag] });
  const position = (node: Node | undefined) => {
    const offset = (node as ParsedNode | undefined)?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
  const problem = document.errors[0];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    throw new InputError(source.name, `not valid YAML: ${problem.message.split('\n')[0]}`, { line, column: col });
  }
  if (text.trim() === '') throw new InputError(source.name, 'the table is empty', { line: 1 });
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(source.name, `not a usable table: ${(error as Error).message}`, { line: 1 });
  }
  if (!validate(data)) {
    const error = validate.errors![0]!;
    const path = decodePointer(error.instancePath, data);
    const extra = error.params['additionalProperty'] ?? error.params['missingProperty'];
    const keyPath = dottedPath(path);
    const at = position(error.keyword === 'additionalProperties' && extra !== undefined ? keyNode(document, [...path, String(extra)]) : (document.getIn(path, true) as Node | undefined));
    const what = `${error.message ?? 'is not valid'}${extra !== undefined ? ` (${String(extra)})` : ''}`;
    throw new InputError(source.name, `${keyPath || '(top level)'}: ${what}`, at ? { line: at.line, column: at.col } : { line: 1 });
  }
  return {
    path: source.name,
    table: withDecimals(data) as CreditTable,
    document,
    lineOf: (path) => position(keyNode(document, path))?.line,
  };
}

export async function loadTable(path: string): Promise<LoadedTable> {
  return parseTable(await readSource(path, 'table', TABLE_LIMIT));
}

const DECIMAL_KEYS = new Set([
  ...['cost_per_credit', 'per_credit', 'credits', 'price', 'target_margin', 'floor', 'unit_cost', 'cost', 'raw_credits', 'multiplier', 'margin', 'volume'],
  // modifiers and plans
  ...['factor', 'above', 'min_monthly_credits', 'included_credits', 'buffer', 'ops_per_day', 'avg_credits_per_op'],
]);
const DECIMAL_MAPS = new Set(['rates', 'multipliers']);

/** The numbers the method computes with become exact decimals (from their shortest text, as written). */
function withDecimals(value: unknown, key?: string, parent?: string): unknown {
  if (typeof value === 'number') {
    return (key !== undefined && DECIMAL_KEYS.has(key)) || (parent !== undefined && DECIMAL_MAPS.has(parent)) ? new Dec(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => withDecimals(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDecimals(v, k, key)]));
  }
  return value;
}

/** Where the shipped schema is, relative to the table, for editors' completion and checks. */
export function schemaReference(tablePath: string): string {
  const schema = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'credits.schema.json');
  const target = existsSync(schema) ? schema : join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'credits.schema.json');
  return relative(dirname(tablePath), target).split(sep).join('/');
}

const FLOW_PATHS = [['unit'], ['price', 'pack'], ['design'], ['source']];
const HAND_WRITTEN = (key: string) => key === 'modifiers' || key === 'plans' || key.startsWith('x-');

/** The layout of a table: one line per operation and for the short sections. Only new nodes are touched. */
function applyLayout(document: Document): void {
  const flow = (node: unknown) => {
    if (isMap(node) && node.range == null) node.flow = true;
  };
  for (const path of FLOW_PATHS) flow(document.getIn(path, true));
  const operations = document.get('operations', true);
  if (isMap(operations)) for (const pair of operations.items) flow(pair.value);
}

/**
 * Overlays new values onto an existing map, so comments and the layout of
 * untouched keys survive; keys the new value lacks are removed unless kept.
 */
function overlay(document: Document, target: YAMLMap, value: Record<string, unknown>, keep: (key: string) => boolean = () => false): void {
  for (const [key, next] of Object.entries(value)) {
    const current = target.get(key, true);
    if (isMap(current) && isPlainObject(next)) overlay(document, current, next);
    else if (isScalar(current) && !isPlainObject(next)) {
      if (!sameScalar(current.value, next)) {
        current.value = next;
        // A new value takes its natural style: "1,3,10" needed quotes in a flow map, friendly does not.
        delete current.type;
      }
    } else target.set(key, document.createNode(next, { aliasDuplicateObjects: false }));
  }
  for (const pair of [...target.items]) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (!(key in value) && !keep(key)) target.delete(key);
  }
}

function asDecimal(value: unknown): Dec | undefined {
  return isDec(value) ? value : typeof value === 'number' ? new Dec(value) : undefined;
}

function sameScalar(a: unknown, b: unknown): boolean {
  const [x, y] = [asDecimal(a), asDecimal(b)];
  return x && y ? x.eq(y) : a === b;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isDec(value);
}

/**
 * The table's YAML text. Over a previous document, values are overlaid so its
 * comments and hand-written sections (modifiers, plans, x-…) stay as written.
 */
export function renderTable(table: CreditTable, tablePath: string, previous?: Document): string {
  let document: Document;
  if (previous && isMap(previous.contents)) {
    document = previous.clone();
    const { modifiers: _modifiers, plans: _plans, ...generated } = table;
    overlay(document, document.contents as YAMLMap, generated as unknown as Record<string, unknown>, HAND_WRITTEN);
  } else {
    document = new Document(table, { customTags: [decimalTag], aliasDuplicateObjects: false });
  }
  applyLayout(document);
  return withModeline(document.toString({ lineWidth: 0, flowCollectionPadding: true }), tablePath);
}

/** The first line points editors at the shipped schema; an older modeline anywhere in the leading comments is replaced. */
function withModeline(text: string, tablePath: string): string {
  const lines = text.split('\n');
  const leading = lines.findIndex((line) => !line.startsWith('#'));
  const old = lines.slice(0, leading === -1 ? lines.length : leading).findIndex((line) => MODELINE.test(line));
  if (old !== -1) lines.splice(old, 1);
  const result = [`# yaml-language-server: $schema=${schemaReference(tablePath)}`, ...lines].join('\n');
  return result.endsWith('\n') ? result : `${result}\n`;
}
