import type { UsageFormat } from '../core/choices.js';
import { type Dec, ONE } from '../core/decimal.js';
import { DesignError } from '../core/errors.js';
import { applicableFactors, effectiveCredits } from '../core/modifiers.js';
import { parseInstant } from '../core/time.js';
import { type CustomerMonth, type MonthWindow, type PlanLimit, customerMonth, sortByProjectedShare, monthName, monthOf, monthStart, monthWindow, parseMonth, planFit } from '../core/usage.js';
import type { UsageFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { customerPlans } from '../io/customer-plans.js';
import { CliError, nameList } from '../io/errors.js';
import { writeOutput } from '../io/output.js';
import { loadTable } from '../io/table.js';
import { plansOf } from '../io/table-sections.js';
import { readLedger } from '../io/usage.js';
import { usageOptions } from '../pipeline/usage-window.js';
import { type UsageReport, renderUsageHtml, renderUsageJson, renderUsageMarkdown, renderUsageText } from '../render/usage.js';
import { PLAIN_STYLE, type Ui } from '../ui.js';
import type { CreditTable } from '../core/table.js';

export type UsageOptions = UsageFlagOptions & { usage: string };

/** Each operation's credits at each UTC hour: its credits, with the time modifier of that hour applied as the meter applies it. */
function hourlyCredits(table: CreditTable): Record<string, string[]> {
  const modifiers = (table.modifiers ?? []).filter((m) => m.kind === 'time');
  const byOperation: Record<string, string[]> = Object.create(null);
  for (const [operation, op] of Object.entries(table.operations)) {
    byOperation[operation] = Array.from({ length: 24 }, (_, hour) => {
      const factors = applicableFactors(modifiers, { at: new Date(Date.UTC(2000, 0, 1, hour)) });
      return (factors.length === 0 ? op.credits : effectiveCredits(op.credits, factors.reduce((f: Dec, a) => f.times(a.factor), ONE))).toFixed();
    });
  }
  return byOperation;
}

/** The plan each customer is on: one for all (--plan), a mapping (--customer-plans), or none. */
async function planOf(options: UsageOptions, plans: readonly PlanLimit[]): Promise<(customer: string) => PlanLimit | undefined> {
  if (options.plan !== undefined && options.customerPlans !== undefined) throw new CliError('--plan and --customer-plans both say which plan customers are on; give one');
  const byName = new Map(plans.map((p) => [p.name, p]));
  if (options.plan !== undefined) {
    const plan = byName.get(options.plan);
    if (!plan) throw new CliError(`--plan ${options.plan}: ${options.table} has no such plan (plans: ${plans.length > 0 ? nameList(plans.map((p) => p.name)) : 'none'})`);
    return () => plan;
  }
  if (options.customerPlans === undefined) return () => undefined;
  const mapping = await customerPlans(options.customerPlans, new Set(byName.keys()), `not in ${options.table}`);
  return (customer) => {
    const name = mapping.get(customer);
    return name === undefined ? undefined : byName.get(name);
  };
}

/**
 * The method's view of consumption, from a usage log: one customer's
 * dashboard, or every customer's month against their plan and each plan's
 * fit. Everything is measured to --now, by default the latest call in the log,
 * so the same log always gives the same answer.
 */
export async function usageCommand(options: UsageOptions, ui: Ui): Promise<number> {
  const format: UsageFormat = options.format ?? (ui.json ? 'json' : 'text');
  const month = options.month === undefined ? undefined : parseMonth(options.month);
  if (options.month !== undefined && month === undefined) throw new CliError(`--month takes a month as YYYY-MM, such as 2026-11, got "${options.month}"`);
  const now = options.now === undefined ? undefined : parseInstant(options.now);
  if (now !== undefined && Number.isNaN(now)) throw new CliError(`--now takes an ISO 8601 date-time (UTC without an offset), got "${options.now}"`);

  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const plans: PlanLimit[] = plansOf(loaded).map((p) => ({ name: p.name, included: p.included }));
  const planFor = await planOf(options, plans);

  // Only the calls that can count are kept: those of --month, up to and including --now.
  const sinceAt = month === undefined ? undefined : monthStart(month);
  const untilAt = Math.min(month === undefined ? Infinity : monthStart(month + 1), now === undefined ? Infinity : now + 1);
  const window = { text: {}, ...(sinceAt !== undefined && { sinceAt }), ...(Number.isFinite(untilAt) && { untilAt }) };
  const hourly = hourlyCredits(table);
  const progress = ui.progress?.();
  let ledger;
  try {
    ledger = await readLedger(options.usage, { ...usageOptions(options, window, progress?.update), ledger: { hourly } });
  } finally {
    progress?.done();
  }
  const where = `${month === undefined ? '' : ` in ${monthName(month)}`}${now === undefined ? '' : ` up to ${new Date(now).toISOString()}`}`;
  if (ledger.latest === undefined) throw new CliError(`${ledger.file}: no calls${where}; nothing to show`);

  const at = now ?? ledger.latest;
  const shown = month ?? monthOf(at);
  let span: MonthWindow;
  try {
    span = monthWindow(shown, at);
  } catch (error) {
    if (error instanceof DesignError) throw new CliError(`--now: ${error.message}`);
    throw error;
  }
  const customers = sortByProjectedShare(ledger.customersIn(shown).map((c) => customerMonth(c, span, table.price.per_credit, planFor(c.customer))));
  if (customers.length === 0) throw new CliError(`${ledger.file}: no calls in ${monthName(shown)}; nothing to show`);

  let one: CustomerMonth | undefined;
  const wanted = options.customer?.trim();
  if (wanted !== undefined) {
    one = customers.find((c) => c.customer === wanted);
    if (!one) throw new CliError(`--customer ${options.customer}: no calls in ${monthName(shown)} in ${ledger.file} (${customers.length} customers have some, such as ${nameList(customers.slice(0, 5).map((c) => c.customer))})`);
  }
  if (options.customerPlans !== undefined) {
    const unmapped = customers.filter((c) => !c.plan).length;
    if (unmapped > 0) ui.err(`${unmapped} customer${unmapped === 1 ? ' is' : 's are'} not in ${options.customerPlans}: shown without a plan (pay as you go)`);
  }

  const report: UsageReport = {
    log: ledger.file,
    table: options.table,
    currency: table.currency,
    perCredit: table.price.per_credit,
    month: monthName(shown),
    now: new Date(at).toISOString(),
    elapsed: span.elapsed,
    creditsFrom: ledger.hasCredits ? 'log' : 'table',
    ...(one && { customer: one }),
    customers,
    planFit: planFit(customers, plans),
  };
  const columns = process.stdout.columns ?? (Number(process.env['COLUMNS']) || 80);
  const toFile = options.out !== undefined && options.out !== '-';
  const text =
    format === 'json'
      ? renderUsageJson(report)
      : format === 'markdown'
        ? renderUsageMarkdown(report)
        : format === 'html'
          ? renderUsageHtml(report)
          : renderUsageText(report, toFile ? PLAIN_STYLE : ui.style, toFile ? 80 : columns);
  await writeOutput(options.out, text, ui);
  return EXIT.OK;
}
