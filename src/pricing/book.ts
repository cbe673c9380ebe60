import type { PricesRecord } from '../core/table.js';
import type { Catalog, TokenPrices } from './catalog.js';

/** A model's prices as a design used and a table records them. */
export interface PricedModel {
  /** The catalog's provider/model (the model alone in a user's file). */
  model: string;
  prices: TokenPrices;
  /** From this many input tokens on, the catalog prices the model otherwise. */
  tierFrom?: number;
}

export type { PricesRecord };

/** Why a model name has no price: said where the name stands in the file. */
export type PriceProblem = { problem: string };

/**
 * The prices a design uses: names resolved once each through a catalog (or
 * only through the prices a table records, when it is checked), and the
 * models used remembered for the record.
 */
export class PriceBook {
  readonly used = new Map<string, PricedModel>();
  private readonly seen = new Map<string, PricedModel | PriceProblem>();

  constructor(
    readonly catalog: string,
    readonly version: string,
    private readonly lookup: (name: string) => PricedModel | PriceProblem,
  ) {}

  /** `recordAs`: how the table names the catalog (a file as a path from the table). */
  static ofCatalog(catalog: Catalog, recordAs: string = catalog.name): PriceBook {
    const label = `${catalog.name} ${catalog.version.startsWith('sha256:') ? '' : catalog.version}`.trim();
    return new PriceBook(recordAs, catalog.version, (name) => {
      const found = catalog.resolve(name);
      switch (found.kind) {
        case 'found':
          return { model: found.model.id, prices: found.model.prices, ...(found.model.tierFrom !== undefined && { tierFrom: found.model.tierFrom }) };
        case 'ambiguous':
          return { problem: `"${name}" has different prices at ${found.candidates.join(', ')} in ${label}; write the one you use as provider/model` };
        case 'unknown':
          return {
            problem: `"${name}" is not in ${label}${found.suggestions.length > 0 ? ` (nearest: ${found.suggestions.join(', ')})` : ''}; write it as the catalog does, or give your own prices with --prices FILE`,
          };
      }
    });
  }

  /** The prices a table records, and only those: what `credits check` re-derives with, offline. */
  static ofRecord(record: PricesRecord, tableName: string): PriceBook {
    const models = new Map(Object.entries(record.models).map(([name, m]) => [name.toLowerCase(), { name, m }]));
    return new PriceBook(record.catalog, record.version, (name) => {
      const found = models.get(name.trim().toLowerCase());
      if (!found) return { problem: `"${name}" is not among the model prices ${tableName} records (design.prices); run credits design again to price it` };
      const { model, ...prices } = found.m;
      const known: TokenPrices = {};
      for (const key of ['input', 'output', 'cached_input'] as const) if (prices[key] !== undefined) known[key] = prices[key];
      return { model: model ?? found.name, prices: known };
    });
  }

  /** A name's prices, or why it has none; a name found is remembered for the record. */
  price(name: string): PricedModel | PriceProblem {
    const key = name.trim();
    let found = this.seen.get(key);
    if (!found) this.seen.set(key, (found = this.lookup(key)));
    if (!('problem' in found)) this.used.set(key, found);
    return found;
  }

  /** The record of the models used, by name, sorted. */
  record(): PricesRecord {
    const models: PricesRecord['models'] = {};
    for (const [name, m] of [...this.used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      models[name] = { ...(m.model !== name && { model: m.model }), ...m.prices };
    }
    return { catalog: this.catalog, version: this.version, models };
  }
}
