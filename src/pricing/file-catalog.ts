import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { parseDecimal } from '../core/numbers.js';
import { InputError } from '../io/errors.js';
import type { Source } from '../io/source.js';
import { sha256 } from '../io/table.js';
import { type Catalog, type CatalogModel, type TokenPrices, nearest, perToken } from './catalog.js';

const FIELDS = ['input', 'output', 'cached_input'] as const;

/**
 * A user's own catalog (negotiated rates), JSON or YAML:
 * `{ model: { input, output, cached_input? } }`, each a price per million
 * tokens, read exactly as written (every scalar is taken as text, so 0.15
 * is 0.15, never a float). Its version is the file's sha256, so a changed
 * file is a changed catalog.
 */
export function fileCatalog(source: Source): Catalog {
  const lines = new LineCounter();
  const document = parseDocument(source.bytes.toString('utf8'), { schema: 'failsafe', lineCounter: lines, uniqueKeys: true });
  const at = (node: { range?: [number, number, number] | null } | null | undefined) => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : { line: lines.linePos(offset).line, column: lines.linePos(offset).col };
  };
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new InputError(source.name, `not valid JSON or YAML: ${error.message.split('\n')[0]}`, { line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1 });
  }
  const root = document.contents;
  if (!isMap(root) || root.items.length === 0) throw new InputError(source.name, 'expected a map of model → { input, output, cached_input? } prices per million tokens', { line: 1 });
  const models = new Map<string, CatalogModel>();
  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value).trim() : '';
    if (name === '') throw new InputError(source.name, 'a model needs a name', at(pair.key as never));
    if (!isMap(pair.value)) throw new InputError(source.name, `${name}: expected { input, output, cached_input? } prices per million tokens`, at(pair.key as never));
    const prices: TokenPrices = {};
    for (const item of pair.value.items) {
      const field = isScalar(item.key) ? String(item.key.value) : '';
      if (!(FIELDS as readonly string[]).includes(field)) throw new InputError(source.name, `${name}: unknown price "${field}" (prices are ${FIELDS.join(', ')}, per million tokens)`, at(item.key as never));
      const text = isScalar(item.value) ? String(item.value.value).trim() : '';
      const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? parseDecimal(text) : undefined;
      if (value === undefined) throw new InputError(source.name, `${name}.${field}: "${text}" is not a price (a non-negative decimal per million tokens)`, at(item.value as never));
      prices[field as keyof TokenPrices] = perToken(value.toFixed());
    }
    if (prices.input === undefined && prices.output === undefined) throw new InputError(source.name, `${name}: needs input or output (per million tokens)`, at(pair.key as never));
    if (models.has(name.toLowerCase())) throw new InputError(source.name, `${name}: given twice`, at(pair.key as never));
    models.set(name.toLowerCase(), { id: name, prices });
  }
  return {
    name: source.name,
    version: `sha256:${sha256(source.bytes)}`,
    resolve(name) {
      const model = models.get(name.trim().toLowerCase());
      return model ? { kind: 'found', model } : { kind: 'unknown', suggestions: nearest(name, [...models.values()].map((m) => m.id)) };
    },
  };
}
