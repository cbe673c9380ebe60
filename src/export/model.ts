import type { ExportTarget } from '../core/choices.js';
import { type Dec, Dec as D } from '../core/decimal.js';
import { DesignError } from '../core/errors.js';
import type { Modifier } from '../core/modifiers.js';

/**
 * What every export is made of: the table's operations, price, plans (with
 * their included credits derived) and modifiers, with the keys billing
 * platforms accept. Targets turn it into their own format; none reads the
 * table itself.
 */
export interface ExportModel {
  header: ExportHeader;
  currency: string;
  perCredit: Dec;
  pack: { credits: Dec; price: Dec };
  display: string;
  operations: ExportOperation[];
  plans: ExportPlan[];
  modifiers: readonly Modifier[];
}

/** Names the table an export came from, so `credits check --export` can tell when they part. */
export interface ExportHeader {
  target: ExportTarget;
  table: string;
  /** The table's source.sha256: the costs it was designed from. */
  source_sha256: string | null;
  credits_version: string;
}

export interface ExportOperation {
  /** As the table names it: what the API reports usage under. */
  name: string;
  /** The name as a platform key: lower case letters, digits and single underscores. */
  key: string;
  credits: Dec;
  cost: Dec;
  description?: string;
}

export interface ExportPlan {
  name: string;
  key: string;
  price: Dec;
  included: Dec;
}

/** What a target writes, and what it could not express (said on stderr, never dropped silently). */
export interface Export {
  text: string;
  notExported: string[];
}

/** "Image Upload" → "image_upload": the form OpenMeter, Lago and Autumn all accept for keys. */
export function keyOf(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Keys for names; two names with one key, or a name with none, cannot be exported. */
export function keysOf(names: readonly string[], what: string): string[] {
  const seen = new Map<string, string>();
  return names.map((name) => {
    const key = keyOf(name);
    if (key === '') throw new DesignError(`${what} ${JSON.stringify(name)} has no letters or digits to make a platform key of; rename it`);
    const other = seen.get(key);
    if (other !== undefined) throw new DesignError(`${what}s ${JSON.stringify(other)} and ${JSON.stringify(name)} would both be exported as ${key}; rename one`);
    seen.set(key, name);
    return key;
  });
}

/** A key not among `taken`: the first free of the candidates. */
export function freeKey(candidates: readonly string[], taken: ReadonlySet<string>): string {
  const free = candidates.find((c) => !taken.has(c));
  if (free !== undefined) return free;
  let n = 2;
  while (taken.has(`${candidates[0]}_${n}`)) n++;
  return `${candidates[0]}_${n}`;
}

/** Digits after the point in the currency's minor unit: 2 for USD, 0 for JPY. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount in whole minor units (29 USD → 2900); an amount that is not a whole number of them cannot be sent. */
export function minorUnits(amount: Dec, currency: string, what: string): number {
  const units = amount.times(new D(10).pow(minorDigits(currency)));
  if (!units.isInteger()) throw new DesignError(`${what} is ${amount.toFixed()} ${currency}, not a whole number of the currency's smallest unit, which the platform needs`);
  return units.toNumber();
}

/** An amount in minor units as exact decimal text (0.001 USD → "0.1"), for per-unit prices finer than a cent. */
export function minorUnitsText(amount: Dec, currency: string): string {
  return amount.times(new D(10).pow(minorDigits(currency))).toFixed();
}

/** The names of modifiers, as "off_peak (time)". */
export function modifierLabel(m: Modifier): string {
  return `${m.name} (${m.kind})`;
}

/** "not exported: off_peak (time) — reason", one per modifier the target cannot express. */
export function notExported(modifiers: readonly Modifier[], reasons: Partial<Record<Modifier['kind'], string>>): string[] {
  return modifiers.flatMap((m) => {
    const reason = reasons[m.kind];
    return reason === undefined ? [] : [`not exported: ${modifierLabel(m)} — ${reason}`];
  });
}

/** The included credits of every plan, priced at the table's price per credit. */
export function includedValue(plan: ExportPlan, model: ExportModel): Dec {
  return plan.included.times(model.perCredit);
}

/** The JSON key that carries the header in JSON exports. */
export const HEADER_KEY = 'credits_export';

/** JSON text safe inside a JavaScript comment or string: line and paragraph separators escaped too. */
export function jsLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The first line of a TypeScript export: a comment `credits check --export` reads back. */
export function headerComment(header: ExportHeader): string {
  return `// ${HEADER_KEY} ${jsLiteral(header)}`;
}

/** The header of an export file: the comment on its first line, or the JSON key. */
export function readHeader(text: string): ExportHeader | undefined {
  const comment = new RegExp(`^\\uFEFF?// ${HEADER_KEY} (\\{.*\\})\\r?$`, 'm').exec(text.split('\n', 1)[0] ?? '');
  try {
    const value: unknown = comment ? JSON.parse(comment[1]!) : (JSON.parse(text) as Record<string, unknown>)[HEADER_KEY];
    if (typeof value !== 'object' || value === null) return undefined;
    const h = value as Record<string, unknown>;
    if (typeof h['target'] !== 'string' || typeof h['table'] !== 'string' || typeof h['credits_version'] !== 'string') return undefined;
    return value as ExportHeader;
  } catch {
    return undefined;
  }
}
