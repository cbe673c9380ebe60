import { ZERO } from '../core/decimal.js';
import { toJson } from '../render/json.js';
import { type Export, type ExportModel, HEADER_KEY, freeKey, notExported } from './model.js';

/** The event the API sends for each call: `{ type: "request", data: { operation, credits } }`. */
export const OPENMETER_EVENT = 'request';

/**
 * Request bodies for OpenMeter's API. Two meters over one `request` event:
 * `calls` counts calls per operation, so each operation's feature carries its
 * real cost per call (unitCost), exactly as the table records it; `credits`
 * sums the credits charged, which plans bill: a flat fee for the plan price,
 * and a usage-based rate card at the price per credit whose usage discount and
 * entitlement are the plan's included credits.
 */
export function openmeterExport(model: ExportModel): Export {
  const opKeys = new Set(model.operations.map((o) => o.key));
  const creditFeature = freeKey(['credits', 'api_credits'], opKeys);
  const meters = [
    { slug: 'calls', name: 'Calls', description: 'Calls per operation', eventType: OPENMETER_EVENT, aggregation: 'COUNT', groupBy: { operation: '$.operation' } },
    { slug: 'credits', name: 'Credits', description: `Credits charged (${model.display})`, eventType: OPENMETER_EVENT, aggregation: 'SUM', valueProperty: '$.credits', groupBy: { operation: '$.operation' } },
  ];
  const features = [
    { key: creditFeature, name: 'Credits', meterSlug: 'credits' },
    ...model.operations.map((o) => ({
      key: o.key,
      name: o.name,
      meterSlug: 'calls',
      meterGroupByFilters: { operation: o.name },
      unitCost: { type: 'manual', amount: o.cost.toFixed() },
      metadata: { credits: o.credits.toFixed() },
    })),
  ];
  const plans = model.plans.map((p) => {
    const rateCards: object[] = [];
    if (!p.price.eq(ZERO)) {
      rateCards.push({
        type: 'flat_fee',
        key: 'plan_fee',
        name: `${p.name} plan`,
        billingCadence: 'P1M',
        price: { type: 'flat', amount: p.price.toFixed(), paymentTerm: 'in_advance' },
      });
    }
    rateCards.push({
      type: 'usage_based',
      key: creditFeature,
      name: 'Credits',
      featureKey: creditFeature,
      billingCadence: 'P1M',
      price: { type: 'unit', amount: p.price.eq(ZERO) ? '0' : model.perCredit.toFixed() },
      discounts: { usage: { quantity: p.included.toFixed() } },
      entitlementTemplate: { type: 'metered', issueAfterReset: p.included.toNumber(), usagePeriod: 'P1M', isSoftLimit: !p.price.eq(ZERO) },
    });
    return {
      key: p.key,
      name: p.name,
      currency: model.currency,
      billingCadence: 'P1M',
      phases: [{ key: 'default', name: 'Default', duration: null, rateCards }],
    };
  });
  return {
    text: `${toJson({ [HEADER_KEY]: model.header, meters, features, plans })}\n`,
    notExported: notExported(model.modifiers, {
      time: 'OpenMeter meters have no time-of-day pricing; apply the factor to the credits the API reports',
      load: 'OpenMeter meters have no load-based pricing; apply the factor to the credits the API reports',
      commitment: 'the rate cards here are per unit; a commitment discount needs a tiered price or a plan of its own',
    }),
  };
}
