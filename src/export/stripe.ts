import { ZERO } from '../core/decimal.js';
import { toJson } from '../render/json.js';
import { type Export, type ExportModel, HEADER_KEY, includedValue, minorDigits, minorUnits, minorUnitsText, notExported } from './model.js';

/** The meter's event: the API reports `{ event_name: "credits", payload: { stripe_customer_id, credits } }` per call. */
export const STRIPE_EVENT = 'credits';

interface Request {
  /** Names the response, so later requests can use its id as {{ref.id}}. */
  ref: string;
  method: 'POST';
  path: string;
  body: object;
}

/**
 * An ordered list of Stripe API requests: one billing meter summing the
 * credits of each call, then per plan a product, its recurring fee and a
 * metered price per credit on the meter. Stripe's credit grants are money, so
 * each plan's included credits become a per-customer credit grant template
 * worth included credits × price per credit.
 */
export function stripeExport(model: ExportModel): Export {
  const currency = model.currency.toLowerCase();
  const requests: Request[] = [
    {
      ref: 'meter',
      method: 'POST',
      path: '/v1/billing/meters',
      body: {
        display_name: 'Credits',
        event_name: STRIPE_EVENT,
        default_aggregation: { formula: 'sum' },
        value_settings: { event_payload_key: 'credits' },
        customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      },
    },
  ];
  const grants: (Request & { plan: string })[] = [];
  const perCredit = minorUnitsText(model.perCredit, model.currency);
  const plans = model.plans.length > 0 ? model.plans : [{ name: 'Pay as you go', key: 'pay_as_you_go', price: ZERO, included: ZERO }];
  for (const p of plans) {
    const product = `product.${p.key}`;
    requests.push({ ref: product, method: 'POST', path: '/v1/products', body: { name: p.name, metadata: { credits_plan: p.key } } });
    if (!p.price.eq(ZERO)) {
      requests.push({
        ref: `price.${p.key}.fee`,
        method: 'POST',
        path: '/v1/prices',
        body: { product: `{{${product}.id}}`, currency, unit_amount: minorUnits(p.price, model.currency, `plan ${p.name}'s price`), recurring: { interval: 'month', usage_type: 'licensed' }, nickname: `${p.name} plan` },
      });
    }
    requests.push({
      ref: `price.${p.key}.credits`,
      method: 'POST',
      path: '/v1/prices',
      body: {
        product: `{{${product}.id}}`,
        currency,
        unit_amount_decimal: perCredit,
        billing_scheme: 'per_unit',
        recurring: { interval: 'month', usage_type: 'metered', meter: '{{meter.id}}' },
        nickname: `${p.name} credits (${model.display})`,
      },
    });
    if (p.included.gt(ZERO)) {
      const value = includedValue(p, model);
      grants.push({
        ref: `credit_grant.${p.key}`,
        plan: p.name,
        method: 'POST',
        path: '/v1/billing/credit_grants',
        body: {
          customer: '{{customer}}',
          name: `${p.name}: ${p.included.toFixed()} included credits`,
          category: 'paid',
          amount: { type: 'monetary', monetary: { currency, value: minorUnits(value, model.currency, `plan ${p.name}'s included credits (${p.included.toFixed()} × ${model.perCredit.toFixed()})`) } },
          applicability_config: { scope: { prices: [{ id: `{{price.${p.key}.credits.id}}` }] } },
          metadata: { credits_plan: p.key, included_credits: p.included.toFixed() },
        },
      });
    }
  }
  const digits = minorDigits(model.currency);
  const note = [
    `Amounts are in the currency's smallest unit (${digits === 0 ? 'whole units' : `1/${10 ** digits}`} of ${model.currency}): unit_amount_decimal ${perCredit} is ${model.perCredit.toFixed()} ${model.currency} per credit.`,
    'Stripe credit grants are money, not credits: each template grants a plan\'s included credits × the price per credit, applied to that plan\'s credit price. Create one per customer and billing period (replace {{customer}}).',
    'Run the requests in order; {{ref.id}} is the id Stripe returned for the request with that ref.',
  ].join(' ');
  return {
    text: `${toJson({ [HEADER_KEY]: model.header, note, requests, credit_grant_templates: grants })}\n`,
    notExported: notExported(model.modifiers, {
      time: 'Stripe meters have no time-of-day pricing; apply the factor in the API before reporting usage',
      load: 'Stripe meters have no load-based pricing; apply the factor in the API before reporting usage',
      commitment: 'the prices here are per unit; a commitment discount needs a volume-tiered price or a plan of its own',
    }),
  };
}
