import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import validateSnapshot from '#snapshot-validator';
import validate, { type SchemaError } from '#table-validator';
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type ParsedNode, Scalar, visit, YAMLMap } from 'yaml';
import { Dec, isDec } from '../core/decimal.js';
import type { CreditTable, TableSnapshot } from '../core/table.js';
import { coldParse } from './cold-parse.js';
import { InputError, InputErrors } from './errors.js';
import { type Source, readSource } from './source.js';

const MODELINE = /^# ?yaml-language-server: \$schema=.*$/;

/** A YAML number written in positional or exponent notation: the only ones read as exact decimals from their text. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** The exact decimal a parsed number scalar was written as, when its text is a decimal. */
function writtenDecimal(node: Scalar): Dec | undefined {
  return typeof node.source === 'string' && DECIMAL_TEXT.test(node.source) ? new Dec(node.source) : undefined;
}

/**
 * Exact decimals are written as plain YAML numbers, never through a float: as
 * the text they were read from when that is still their value (0.70 stays
 * 0.70), else in plain notation (0.0000004, never 4e-7).
 */
const decimalTag = {
  identify: (value: unknown) => isDec(value),
  tag: 'tag:yaml.org,2002:float',
  default: true,
  resolve: (text: string) => new Dec(text),
  stringify: (item: Scalar) => {
    const value = item.value as Dec;
    const written = writtenDecimal(item);
    return written?.eq(value) ? (item.source as string) : value.toFixed();
  },
};

/** Every number a document was read with, as the exact decimal of its text, so writing it back adds no float artefact. */
function exactNumbers(document: Document): void {
  visit(document, {
    Scalar(_, node) {
      if (typeof node.value !== 'number') return;
      const exact = writtenDecimal(node);
      if (exact) node.value = exact;
    },
  });
}

/** A table as read: its typed content and the YAML document it came from (comments, positions). */
export interface LoadedTable {
  path: string;
  table: CreditTable;
  document: Document.Parsed;
  /** The text the document was parsed from. */
  text: string;
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

/** A damaged table is reported whole, one line a problem, up to this many. */
const MAX_PROBLEMS = 10;

/**
 * The schema problems worth telling. A modifier is one of several shapes
 * (oneOf, told apart by `kind`). When `kind` names one shape, only that
 * shape's complaints are told; when it names none, only that no shape fits.
 */
function relevantErrors(errors: readonly SchemaError[]): SchemaError[] {
  const dropped = new Set<SchemaError>();
  for (const choice of errors.filter((e) => e.keyword === 'oneOf')) {
    const branchOf = (e: SchemaError) =>
      e.schemaPath.startsWith(`${choice.schemaPath}/`) && e.instancePath.startsWith(choice.instancePath) ? e.schemaPath.slice(choice.schemaPath.length + 1).split('/')[0] : undefined;
    const failing = new Set(errors.map(branchOf).filter((b) => b !== undefined));
    const wrong = new Set(errors.filter((e) => e.keyword === 'const').map(branchOf).filter((b) => b !== undefined));
    const meant = [...failing].filter((b) => !wrong.has(b));
    for (const e of errors) {
      const branch = branchOf(e);
      if (branch !== undefined && (meant.length !== 1 || branch !== meant[0])) dropped.add(e);
    }
    if (meant.length === 1) dropped.add(choice);
  }
  return errors.filter((e) => !dropped.has(e));
}

/** A YAML (or JSON) document as read, with its plain data and the position of any of its nodes. */
interface ReadDocument {
  text: string;
  document: Document.Parsed;
  data: unknown;
  position(node: Node | undefined): { line: number; col: number } | undefined;
}

/** Parses a table's or snapshot's text; a problem names the file, line and column. */
function readDocument(source: Source): ReadDocument {
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
  return { text, document, data, position };
}

/** Throws every problem the schema finds (up to MAX_PROBLEMS), each with its line and key path. */
function checkSchema(source: Source, read: ReadDocument, check: typeof validate): void {
  const { document, data, position } = read;
  if (check(data)) return;
  const problems = new Map<string, InputError>();
  for (const error of relevantErrors(check.errors!)) {
    const path = decodePointer(error.instancePath, data);
    const extra = error.params['additionalProperty'] ?? error.params['missingProperty'];
    const at = position(error.keyword === 'additionalProperties' && extra !== undefined ? keyNode(document, [...path, String(extra)]) : (document.getIn(path, true) as Node | undefined));
    const what = `${error.message ?? 'is not valid'}${extra !== undefined ? ` (${String(extra)})` : ''}`;
    const problem = new InputError(source.name, `${dottedPath(path) || '(top level)'}: ${what}`, at ? { line: at.line, column: at.col } : { line: 1 });
    problems.set(problem.message, problem);
  }
  const all = [...problems.values()];
  if (all.length === 1) throw all[0]!;
  const shown = all.slice(0, MAX_PROBLEMS);
  if (all.length > MAX_PROBLEMS) {
    const last = shown.pop()!;
    shown.push(new InputError(last.file, `${last.detail} (and ${all.length - MAX_PROBLEMS} more problems)`, last.at));
  }
  throw new InputErrors(shown);
}

function tableOf(source: Source, read: ReadDocument): LoadedTable {
  checkSchema(source, read, validate);
  const { document, position } = read;
  return {
    path: source.name,
    table: withDecimals(read.data, document.contents) as CreditTable,
    document,
    text: read.text,
    lineOf: (path) => position(keyNode(document, path))?.line,
  };
}

/** Parses and validates a table's text; every problem names the file, line and key path. */
export function parseTable(source: Source): LoadedTable {
  return coldParse(() => tableOf(source, readDocument(source)));
}

/**
 * What the library reads: a table, or a snapshot that `credits export` wrote
 * (the JSON file, or the TypeScript module's object, `fromObject`). A table
 * always has `version`; a snapshot never does. A JSON snapshot has its header
 * (`schema_version`, `credits_export`); the TypeScript module's object has
 * neither, nor a table's `unit` or `design`. Anything else is read as a table,
 * and told what a table lacks.
 */
export function parseRuntimeTable(source: Source, fromObject: boolean): CreditTable | TableSnapshot {
  const read = readDocument(source);
  const top = read.data !== null && typeof read.data === 'object' && !Array.isArray(read.data) ? (read.data as Record<string, unknown>) : undefined;
  const header = top !== undefined && ('schema_version' in top || 'credits_export' in top);
  const body = fromObject && top !== undefined && !('version' in top) && !('unit' in top) && !('design' in top);
  if (top === undefined || 'version' in top || (!header && !body)) return tableOf(source, read).table;
  if (header) {
    for (const key of ['schema_version', 'credits_export']) {
      if (!(key in top)) throw new InputError(source.name, `(top level): a snapshot of credits export --to json has ${key}; export it again`, { line: 1 });
    }
  }
  checkSchema(source, read, validateSnapshot);
  const { schema_version: _version, credits_export: _header, ...snapshot } = withDecimals(read.data, read.document.contents) as Record<string, unknown>;
  const operations = snapshot['operations'] as Record<string, Dec>;
  // As in a table: each operation's credits under `credits`, so one meter reads both.
  return { ...snapshot, operations: Object.fromEntries(Object.entries(operations).map(([name, credits]) => [name, { credits }])) } as unknown as TableSnapshot;
}

export async function loadTable(path: string): Promise<LoadedTable> {
  return parseTable(await readSource(path, 'table', TABLE_LIMIT));
}

/** A table or a JSON snapshot from a file, for the library. */
export async function loadRuntimeTable(path: string): Promise<CreditTable | TableSnapshot> {
  if (/\.[cm]?ts$/i.test(path)) {
    throw new InputError(path, 'a TypeScript snapshot is imported, not read: import { creditTable } from it and pass loadTable the object', { line: 1 });
  }
  return parseRuntimeTable(await readSource(path, 'table', TABLE_LIMIT), false);
}

const DECIMAL_KEYS = new Set([
  ...['cost_per_credit', 'per_credit', 'credits', 'price', 'target_margin', 'floor', 'unit_cost', 'cost', 'raw_credits', 'multiplier', 'margin', 'volume'],
  // modifiers and plans
  ...['factor', 'above', 'min_monthly_credits', 'included_credits', 'buffer', 'ops_per_day', 'avg_credits_per_op'],
  // design.prices: per-token prices of models
  ...['input', 'output', 'cached_input'],
]);
// A snapshot's operations map each name to its credits.
const DECIMAL_MAPS = new Set(['rates', 'multipliers', 'operations']);

/**
 * The numbers the method computes with become exact decimals, from the text
 * they were written as (a float would turn 1.23456789012345678 into
 * 1.2345678901234568). The walk goes down the data and the YAML node it came
 * from together, so each number's text is at hand without a lookup by path.
 */
function withDecimals(value: unknown, node: unknown, key?: string | number, parent?: string | number): unknown {
  if (typeof value === 'number') {
    const decimal = (typeof key === 'string' && DECIMAL_KEYS.has(key)) || (typeof parent === 'string' && DECIMAL_MAPS.has(parent));
    if (!decimal) return value;
    const written = isScalar(node) && typeof node.value === 'number' ? writtenDecimal(node) : undefined;
    return written ?? new Dec(value);
  }
  if (Array.isArray(value)) {
    const items = isSeq(node) ? node.items : [];
    return value.map((v, i) => withDecimals(v, items[i], i, key));
  }
  if (value !== null && typeof value === 'object') {
    // As toJS reads a map: a key's value is that of its last pair.
    const nodes = new Map<string, unknown>();
    if (isMap(node)) for (const pair of node.items) if (isScalar(pair.key)) nodes.set(String(pair.key.value), pair.value);
    // fromEntries, not assignment: a key named __proto__ stays a key.
    return Object.fromEntries(Object.keys(value).map((k) => [k, withDecimals((value as Record<string, unknown>)[k], nodes.get(k), k, key)]));
  }
  return value;
}

/** Where the shipped schema is, relative to the table, for editors' completion and checks. */
function schemaReference(tablePath: string): string {
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
  // A design with model prices keeps them one model a line, so it is a block itself.
  const prices = document.getIn(['design', 'prices', 'models'], true);
  for (const path of FLOW_PATHS) if (!(isMap(prices) && path.length === 1 && path[0] === 'design')) flow(document.getIn(path, true));
  if (isMap(prices)) {
    for (const pair of prices.items) flow(pair.value);
    const auto = document.getIn(['design', 'auto'], true);
    if (isSeq(auto) && auto.range == null) auto.flow = true;
  }
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
export function renderTable(table: CreditTable, tablePath: string, previous?: Pick<LoadedTable, 'document' | 'text'>, edit?: (document: Document) => void): string {
  if (!previous || !isMap(previous.document.contents)) {
    const document = new Document(table, { customTags: [decimalTag], aliasDuplicateObjects: false });
    applyLayout(document);
    return withModeline(document.toString({ lineWidth: 0, flowCollectionPadding: true }), tablePath);
  }
  const document = previous.document.clone();
  exactNumbers(document);
  edit?.(document);
  const { modifiers: _modifiers, plans: _plans, ...generated } = table;
  overlay(document, document.contents as YAMLMap, generated as unknown as Record<string, unknown>, HAND_WRITTEN);
  applyLayout(document);
  const text = withModeline(document.toString({ lineWidth: 0, flowCollectionPadding: true }), tablePath);
  return keepUnchangedSections(previous, text);
}

/** Where each top-level key's section stands in a text: from the line of its key to the line before the next key's. */
function sections(document: Document.Parsed | Document, text: string): Map<string, { start: number; end: number; node: unknown }> {
  const result = new Map<string, { start: number; end: number; node: unknown }>();
  if (!isMap(document.contents)) return result;
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const pairs = document.contents.items.filter((p) => isScalar(p.key) && (p.key as ParsedNode).range);
  pairs.forEach((pair, i) => {
    const start = lineStart((pair.key as ParsedNode).range![0]);
    const next = pairs[i + 1];
    let end = next ? lineStart((next.key as ParsedNode).range![0]) : text.length;
    // Blank lines and comments at the margin just before the next key belong to that key.
    for (;;) {
      const previousLine = text.lastIndexOf('\n', end - 2) + 1;
      if (previousLine <= start || !/^(?:#.*|\s*)\n?$/.test(text.slice(previousLine, end))) break;
      end = previousLine;
    }
    result.set(String((pair.key as Scalar).value), { start, end, node: pair.value });
  });
  return result;
}

/** Whether two parsed YAML nodes hold the same content, numbers compared as the decimals they were written as. */
function sameContent(a: unknown, b: unknown): boolean {
  if (isMap(a) && isMap(b)) {
    return a.items.length === b.items.length && a.items.every((p, i) => {
      const q = b.items[i]!;
      return isScalar(p.key) && isScalar(q.key) && p.key.value === q.key.value && sameContent(p.value, q.value);
    });
  }
  if (isSeq(a) && isSeq(b)) return a.items.length === b.items.length && a.items.every((item, i) => sameContent(item, b.items[i]));
  if (isScalar(a) && isScalar(b)) {
    const [x, y] = [typeof a.value === 'number' ? writtenDecimal(a) : undefined, typeof b.value === 'number' ? writtenDecimal(b) : undefined];
    return x && y ? x.eq(y) : a.value === b.value;
  }
  return a === b;
}

/**
 * A section whose content did not change is written back as it was, byte for
 * byte: its flow collections ([2, 6]), comments and spacing as the user wrote
 * them, where re-serialising would normalise them.
 */
function keepUnchangedSections(previous: Pick<LoadedTable, 'document' | 'text'>, text: string): string {
  const old = sections(previous.document, previous.text);
  const next = parseDocument(text, { customTags: [decimalTag] });
  const now = sections(next, text);
  let result = '';
  let at = 0;
  for (const [key, section] of [...now].sort((a, b) => a[1].start - b[1].start)) {
    const before = old.get(key);
    if (!before || !sameContent(before.node, section.node)) continue;
    result += text.slice(at, section.start) + previous.text.slice(before.start, before.end);
    at = section.end;
  }
  return result + text.slice(at);
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
