import { percent } from '../core/design.js';
import type { PlanFigures } from '../core/plans.js';
import type { Style } from '../ui.js';
import { count, marginCell, money, safeText } from './format.js';
import { toJson } from './json.js';
import { textTable } from './table.js';
import type { Dec } from '../core/decimal.js';

export interface PlansReport {
  table: string;
  currency: string;
  perCredit: Dec;
  overage: string;
  floor: Dec;
  plans: PlanFigures[];
}

/** 2: schemaVersion became schema_version. */
const PLANS_SCHEMA_VERSION = 2;

export function renderPlansText(report: PlansReport, style: Style): string {
  const { currency } = report;
  const rows = report.plans.map((p) => [
    safeText(p.name),
    money(p.price, currency),
    count(p.included),
    p.effectivePerCredit ? money(p.effectivePerCredit, currency) : '—',
    p.discount ? percent(p.discount) : '—',
    p.worstMargin ? marginCell(p.worstMargin, report.floor, style) : style.red('free'),
  ]);
  const lines = [
    `Overage (pay as you go): ${report.overage} (${money(report.perCredit, currency)} per credit)`,
    textTable(['plan', 'price', 'included credits', 'per credit', 'discount', 'worst-case margin'], rows, [1, 2, 3, 4, 5]),
    'Included credits:',
    ...report.plans.map((p) => `  ${safeText(p.name)}: ${count(p.included)} (${p.derivation})`),
    `Worst case: every included credit spent on ${safeText(report.plans[0]?.worstOperation ?? '')}, the operation with the costliest credit.`,
  ];
  for (const p of report.plans.filter((plan) => plan.price.isZero())) {
    lines.push(style.yellow(`${safeText(p.name)} is free: fully used it costs ${money(p.worstCost, currency)} a month per customer.`));
  }
  return lines.join('\n');
}

export function renderPlansJson(report: PlansReport): string {
  return toJson({
    schema_version: PLANS_SCHEMA_VERSION,
    table: report.table,
    overage: { per_credit: report.perCredit, display: report.overage },
    plans: report.plans.map((p) => ({
      name: p.name,
      price: p.price,
      included_credits: p.included,
      derivation: p.derivation,
      effective_per_credit: p.effectivePerCredit ?? null,
      discount: p.discount?.toDecimalPlaces(4) ?? null,
      worst_case_cost: p.worstCost,
      worst_case_margin: p.worstMargin?.toDecimalPlaces(4) ?? null,
      worst_case_operation: p.worstOperation,
    })),
  });
}
