import { type ConditionalPrice, type MatchLogic, type ModelInfo, type ModelPrice, type Provider, waitForUpdate } from '@pydantic/genai-prices';
import { type Catalog, type CatalogModel, type Resolution, type TokenPrices, choose, nearest, perToken } from './catalog.js';

/** Set from the installed package when the bundle is built. */
declare const GENAI_PRICES_VERSION: string;

/** The catalog's own rules for a model name: equals, starts_with, contains, … (names compared in lower case, as it does). */
function matches(logic: MatchLogic, name: string): boolean {
  if ('equals' in logic) return name === logic.equals.toLowerCase();
  if ('starts_with' in logic) return name.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return name.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return name.includes(logic.contains.toLowerCase());
  if ('regex' in logic) return new RegExp(logic.regex).test(name);
  if ('or' in logic) return logic.or.some((l) => matches(l, name));
  return logic.and.every((l) => matches(l, name));
}

/** The prices in effect now: among conditional prices, those with the latest start date that has come (a time-of-day price is left aside). */
function currentPrices(prices: ModelInfo['prices'], now: Date): ModelPrice {
  if (!Array.isArray(prices)) return prices;
  let best: ConditionalPrice | undefined;
  let bestStart = '';
  for (const entry of prices) {
    const constraint = entry.constraint;
    if (constraint === undefined || constraint === null) {
      if (!best) best = entry;
      continue;
    }
    if (constraint.type !== 'start_date') continue;
    const start = String(constraint.start_date);
    if (Date.parse(start) <= now.getTime() && start >= bestStart) {
      best = entry;
      bestStart = start;
    }
  }
  return (best ?? prices[0]!).prices;
}

function priceOf(value: ModelPrice[string]): { price?: string | number; tierFrom?: number } {
  if (value === undefined) return {};
  if (typeof value === 'number') return { price: value };
  const starts = value.tiers.map((t) => t.start);
  return { price: value.base, ...(starts.length > 0 && { tierFrom: Math.min(...starts) }) };
}

function modelOf(provider: Provider, model: ModelInfo, now: Date): CatalogModel {
  const price = currentPrices(model.prices, now);
  const parts = { input: priceOf(price['input_mtok']), output: priceOf(price['output_mtok']), cached_input: priceOf(price['cache_read_mtok']) };
  const prices: TokenPrices = {};
  for (const [key, part] of Object.entries(parts)) if (part.price !== undefined) prices[key as keyof TokenPrices] = perToken(part.price);
  const tiers = Object.values(parts).flatMap((p) => (p.tierFrom === undefined ? [] : [p.tierFrom]));
  return { id: `${provider.id}/${model.id}`, prices, ...(tiers.length > 0 && { tierFrom: Math.min(...tiers) }) };
}

/**
 * genai-prices (the @pydantic/genai-prices package): providers, their models
 * and the rules that match a model name, as the package ships them (its
 * bundled data; nothing is fetched). A bare name is looked up at every
 * provider: one price is the answer, as is the one provider whose own models
 * match the name; otherwise it needs provider/model.
 */
export async function genaiPrices(now: Date = new Date()): Promise<Catalog> {
  const providers = (await waitForUpdate()) ?? [];
  const ids = providers.flatMap((p) => p.models.map((m) => `${p.id}/${m.id}`));
  return {
    name: 'genai-prices',
    version: GENAI_PRICES_VERSION,
    resolve(name: string): Resolution {
      const wanted = name.trim().toLowerCase();
      const slash = wanted.indexOf('/');
      const provider = slash > 0 ? providers.find((p) => p.id.toLowerCase() === wanted.slice(0, slash)) : undefined;
      if (provider) {
        const bare = wanted.slice(slash + 1);
        const model = provider.models.find((m) => m.id.toLowerCase() === bare) ?? provider.models.find((m) => matches(m.match, bare));
        return model ? { kind: 'found', model: modelOf(provider, model, now) } : { kind: 'unknown', suggestions: nearest(bare, provider.models.map((m) => `${provider.id}/${m.id}`)) };
      }
      const candidates = providers.flatMap((p) => {
        const model = p.models.find((m) => m.id.toLowerCase() === wanted) ?? p.models.find((m) => matches(m.match, wanted));
        return model ? [{ ...modelOf(p, model, now), home: p.model_match !== undefined && matches(p.model_match, wanted) }] : [];
      });
      return choose(candidates) ?? { kind: 'unknown', suggestions: nearest(wanted, ids) };
    },
  };
}
