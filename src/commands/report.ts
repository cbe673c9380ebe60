import type { ReportFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { type Dec, ONE } from '../core/decimal.js';
import { ladderFrom } from '../core/ladder.js';
import { describeStack, worstCase, worstStack } from '../core/modifiers.js';
import { formatMoney, marginOf } from '../core/price.js';
import { writeOutput } from '../io/output.js';
import { loadTable } from '../io/table.js';
import { money } from '../render/format.js';
import { type ReportData, renderReport } from '../render/report.js';
import type { Ui } from '../ui.js';
import { plansOf } from '../io/table-sections.js';

export type ReportOptions = ReportFlagOptions;

/** The ladder's steps from the smallest to past ten times the largest credit value (at most 60), for grid lines. */
function ladderSteps(ladder: string, largest: number): number[] {
  const steps: number[] = [];
  const l = ladderFrom(ladder);
  for (let step: Dec | undefined = l.smallest; step !== undefined && step.toNumber() <= largest * 10 && steps.length < 60; step = l.next(step)) steps.push(step.toNumber());
  return steps;
}

export async function reportCommand(options: ReportOptions, ui: Ui): Promise<number> {
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const perCredit = table.price.per_credit;
  const stack = table.modifiers && table.modifiers.length > 0 ? worstStack(table.modifiers) : undefined;
  const operations = Object.entries(table.operations).map(([operation, op]) => {
    const multiplier = op.multiplier ?? table.design.multipliers[operation] ?? ONE;
    const row: ReportData['operations'][number] = {
      operation,
      cost: op.cost.toNumber(),
      costText: money(op.cost, table.currency),
      credits: op.credits.toNumber(),
      margin: marginOf(op.cost, op.credits, perCredit).toNumber(),
      ...(op.raw_credits !== undefined && { adjusted: op.raw_credits.times(multiplier).toNumber() }),
    };
    if (stack && stack.parts.length > 0) row.worstMargin = worstCase(op.cost, op.credits, perCredit, stack.factor).margin?.toNumber() ?? null;
    return row;
  });
  const data: ReportData = {
    table: options.table,
    price: `${table.price.display} (${formatMoney(perCredit, table.currency)} per credit)`,
    unit: table.unit.base_operation !== undefined ? `1 credit = ${table.unit.base_operation} = ${formatMoney(table.unit.cost_per_credit, table.currency)}` : `1 credit = ${formatMoney(table.unit.cost_per_credit, table.currency)}`,
    targetMargin: table.price.target_margin,
    floor: table.design.floor,
    basis: table.price.basis,
    ladderSteps: ladderSteps(table.design.ladder, Math.max(...operations.map((o) => o.credits))),
    operations,
    ...(stack && stack.parts.length > 0 && { stack: `${describeStack(stack)} = ${stack.factor.toFixed()}` }),
    plans: plansOf(loaded).map((plan) => ({ ...plan, worstCostText: money(plan.worstCost, table.currency) })),
  };
  await writeOutput(options.out, renderReport(data), ui);
  return EXIT.OK;
}
