import { ZERO } from '../core/decimal.js';
import { toJson } from '../render/json.js';
import { type Export, type ExportModel, HEADER_KEY, minorUnits, notExported } from './model.js';

interface Request {
  ref: string;
  method: 'POST';
  path: string;
  body: object;
}

/**
 * An ordered list of Lago API requests: a billable metric per operation
 * (counting calls, so each charge is the operation's credits × price per
 * call, exact), then a plan per table plan whose fee is the plan price and
 * whose charges price every operation. A plan's included credits are a
 * per-customer wallet template: credits worth the price per credit each
 * (rate_amount), granted monthly, which pay the charges.
 */
export function lagoExport(model: ExportModel): Export {
  const requests: Request[] = model.operations.map((o) => ({
    ref: `billable_metric.${o.key}`,
    method: 'POST',
    path: '/api/v1/billable_metrics',
    body: { billable_metric: { name: o.name, code: o.key, aggregation_type: 'count_agg', description: `${o.credits.toFixed()} credits per call` } },
  }));
  const charges = model.operations.map((o) => ({
    billable_metric_id: `{{billable_metric.${o.key}.lago_id}}`,
    charge_model: 'standard' as const,
    invoice_display_name: `${o.name} (${o.credits.toFixed()} credits)`,
    properties: { amount: o.credits.times(model.perCredit).toFixed() },
  }));
  const plans = model.plans.length > 0 ? model.plans : [{ name: 'Pay as you go', key: 'pay_as_you_go', price: ZERO, included: ZERO }];
  const wallets: (Request & { plan: string })[] = [];
  for (const p of plans) {
    requests.push({
      ref: `plan.${p.key}`,
      method: 'POST',
      path: '/api/v1/plans',
      body: {
        plan: {
          name: p.name,
          code: p.key,
          interval: 'monthly',
          amount_cents: minorUnits(p.price, model.currency, `plan ${p.name}'s price`),
          amount_currency: model.currency,
          pay_in_advance: true,
          charges,
        },
      },
    });
    if (p.included.gt(ZERO)) {
      const granted = p.included.toFixed();
      wallets.push({
        ref: `wallet.${p.key}`,
        plan: p.name,
        method: 'POST',
        path: '/api/v1/wallets',
        body: {
          wallet: {
            name: `${p.name} included credits`,
            external_customer_id: '{{external_customer_id}}',
            currency: model.currency,
            rate_amount: model.perCredit.toFixed(),
            granted_credits: granted,
            recurring_transaction_rules: [{ trigger: 'interval', interval: 'monthly', granted_credits: granted }],
          },
        },
      });
    }
  }
  const note = [
    'Run the requests in order; {{ref.lago_id}} is the lago_id Lago returned for the request with that ref.',
    `Each call is an event whose code is the operation's key; a charge is the operation's credits × ${model.perCredit.toFixed()} ${model.currency}.`,
    'A wallet template gives a customer on a plan its included credits each month (replace {{external_customer_id}}); one credit is worth rate_amount.',
  ].join(' ');
  return {
    text: `${toJson({ [HEADER_KEY]: model.header, note, requests, wallet_templates: wallets })}\n`,
    notExported: notExported(model.modifiers, {
      time: 'Lago charges have no time-of-day pricing; send off-peak calls under a billable metric of their own or apply the factor in the API',
      load: 'Lago charges have no load-based pricing; apply the factor in the API before sending events',
      commitment: "Lago's minimum commitment is an amount of money, not a discount on credits; offer the commitment as a plan of its own",
    }),
  };
}
