import { type Dec, Dec as D } from '../core/decimal.js';

/**
 * Published model prices, as exact decimals per token. A catalog is an npm
 * package pinned by `credits` (genai-prices, models.dev) or the user's own
 * file of negotiated rates; every one quotes prices per million tokens, read
 * here from the number as the catalog writes it.
 */

/** Prices of one model per token; a price the catalog does not give is undefined. */
export interface TokenPrices {
  input?: Dec;
  output?: Dec;
  cached_input?: Dec;
}

/** A price that changes with the size of the prompt: from `start` input tokens on, the call is priced at the tier. */
export interface PromptTier {
  start: number;
}

export interface CatalogModel {
  /** provider/model as the catalog names them (the model alone for a user's file). */
  id: string;
  prices: TokenPrices;
  /** The smallest prompt (input tokens) from which the catalog prices the model otherwise; undefined when it never does. */
  tierFrom?: number;
}

export type Resolution =
  | { kind: 'found'; model: CatalogModel }
  | { kind: 'unknown'; suggestions: string[] }
  | { kind: 'ambiguous'; candidates: string[] };

export interface Catalog {
  /** genai-prices, models.dev, or the file as named. */
  name: string;
  version: string;
  resolve(name: string): Resolution;
}

export const PER_MILLION = new D(1_000_000);

/** A per-million price as the catalog writes it (a JSON number, so its shortest decimal text), per token. */
export function perToken(perMillion: number | string): Dec {
  return new D(typeof perMillion === 'number' ? String(perMillion) : perMillion).dividedBy(PER_MILLION);
}

export function samePrices(a: TokenPrices, b: TokenPrices): boolean {
  const eq = (x?: Dec, y?: Dec) => (x === undefined ? y === undefined : y !== undefined && x.eq(y));
  return eq(a.input, b.input) && eq(a.output, b.output) && eq(a.cached_input, b.cached_input);
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The names nearest `name`, at most five, those containing it first. */
export function nearest(name: string, names: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  const scored = [...new Set(names)].map((n) => {
    const model = n.toLowerCase();
    const bare = model.slice(model.lastIndexOf('/') + 1);
    return { n, score: bare.includes(wanted) || wanted.includes(bare) ? 0 : Math.min(distance(wanted, model), distance(wanted, bare)) };
  });
  return scored
    .filter((s) => s.score <= Math.max(3, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score || a.n.length - b.n.length || (a.n < b.n ? -1 : 1))
    .slice(0, 5)
    .map((s) => s.n);
}

/**
 * One name among candidates from several providers: the one when they all
 * price it alike (or only one provider calls it its own), else ambiguous.
 */
export function choose(candidates: readonly (CatalogModel & { home?: boolean })[]): Resolution | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.every((c) => samePrices(c.prices, candidates[0]!.prices))) return { kind: 'found', model: candidates.find((c) => c.home) ?? candidates[0]! };
  const homes = candidates.filter((c) => c.home);
  if (homes.length === 1) return { kind: 'found', model: homes[0]! };
  return { kind: 'ambiguous', candidates: candidates.map((c) => c.id) };
}

/** The catalogs shipped with `credits`, by the name --prices takes. */
export const PACKAGED_CATALOGS = ['genai-prices', 'models.dev'] as const;

/** A catalog by name, or a user's file of prices (read by the caller: it knows where files may be read from). */
export async function packagedCatalog(name: (typeof PACKAGED_CATALOGS)[number]): Promise<Catalog> {
  return name === 'genai-prices' ? (await import('./genai-prices.js')).genaiPrices() : (await import('./models-dev.js')).modelsDev();
}
