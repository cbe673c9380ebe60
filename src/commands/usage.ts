import type { UsageFormat } from '../core/choices.js';
import { Dec, ONE } from '../core/decimal.js';
import type { UsageSqlOptions } from '../core/sql.js';
import type { LedgerCustomer } from '../io/usage-scan.js';
import { DesignError } from '../core/errors.js';
import { applicableFactors, effectiveCredits } from '../core/modifiers.js';
import { parseInstant } from '../core/time.js';
import { type CustomerMonth, type MonthWindow, type PlanLimit, customerMonth, sortByProjectedShare, monthName, monthOf, monthStart, monthWindow, parseMonth, planFit } from '../core/usage.js';
import type { UsageFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { CliError, nameList } from '../io/errors.js';
import { logHasColumn, readLedger, startReading } from '../io/usage.js';
import { usageOptions } from '../pipeline/usage-window.js';
import type { UsageReport } from '../render/usage.js';
import { PLAIN_STYLE, type Ui } from '../ui.js';
import type { CreditTable } from '../core/table.js';

export type UsageOptions = UsageFlagOptions & { usage?: string };

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
  const { customerPlans } = await import('../io/customer-plans.js');
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

  const fromDatabase = options.emitSql !== undefined || options.db !== undefined;
  if (options.emitSql !== undefined && options.db !== undefined) throw new CliError('--emit-sql prints the SQL and --db runs it; choose one');
  if (fromDatabase && options.usage !== undefined) throw new CliError(`--${options.emitSql ? 'emit-sql' : 'db'} reads the logs in the database; leave out the usage file ${options.usage}`);
  if (!fromDatabase && options.usage === undefined) throw new CliError("missing required argument 'usage' (a usage CSV, or - for stdin; or --emit-sql / --db)");
  if (options.db !== undefined && !/^postgres(ql)?:\/\//i.test(options.db)) throw new CliError(`--db: only postgres:// (or postgresql://) URLs are supported, got "${options.db.split(':')[0]}:…"`);

  // Only the calls that can count are kept: those of --month, up to and including --now.
  const sinceAt = month === undefined ? undefined : monthStart(month);
  const untilAt = Math.min(month === undefined ? Infinity : monthStart(month + 1), now === undefined ? Infinity : now + 1);
  const window = { text: {}, ...(sinceAt !== undefined && { sinceAt }), ...(Number.isFinite(untilAt) && { untilAt }) };
  const progress = fromDatabase ? undefined : ui.progress?.();
  const read = (hourly: Record<string, string[]>, started?: () => void) =>
    readLedger(options.usage!, { ...usageOptions(options, window, progress?.update), ledger: { hourly }, ...(started && { started }) });
  // A log with its own credits does not need the table to be read: its reading starts first (a bad table is still
  // reported first), and the table is parsed once its threads are running.
  const early = !fromDatabase && (await logHasColumn(options.usage!, usageOptions(options, window), 'credits')) ? (await startReading((started) => read({}, started))).reading : undefined;

  // What the rest needs (the YAML parser, the renderers) is loaded once the reading is under way.
  const [{ loadTable }, { plansOf }, { usageSql }, { renderUsageHtml, usageJsonPieces, renderUsageMarkdown, renderUsageText }, { writeOutput }] = await Promise.all([
    import('../io/table.js'),
    import('../io/table-sections.js'),
    import('../core/sql.js'),
    import('../render/usage.js'),
    import('../io/output.js'),
  ]);
  let loaded;
  let plans: PlanLimit[];
  let planFor;
  try {
    loaded = await loadTable(options.table);
    plans = plansOf(loaded).map((p) => ({ name: p.name, included: p.included }));
    planFor = await planOf(options, plans);
  } catch (error) {
    // The log may be half read, its bar drawn: the message goes on a clean line.
    progress?.done();
    throw error;
  }
  const { table } = loaded;
  const spanOf = (at: number, shown: number): MonthWindow => {
    try {
      return monthWindow(shown, at);
    } catch (error) {
      if (error instanceof DesignError) throw new CliError(`--now: ${error.message}`);
      throw error;
    }
  };
  const hourly = hourlyCredits(table);
  if (options.emitSql !== undefined) {
    if (now === undefined) throw new CliError('--emit-sql needs --now: the SQL cannot know the latest call before it runs');
    const span = spanOf(now, month ?? monthOf(now));
    ui.out(usageSql({ ...usageSqlBase(options, table, hourly), ...sqlWindow(span) }));
    return EXIT.OK;
  }

  let source: string;
  let latest: number | undefined;
  let customersIn: (month: number) => LedgerCustomer[];
  let creditsFrom: 'log' | 'table';
  if (options.db !== undefined) {
    const { relationSource, usagePostgres } = await import('../io/postgres.js');
    source = relationSource(options.db, options.relation);
    const result = await usagePostgres(
      options.db,
      usageSqlBase(options, table, hourly),
      (found) => {
        const at = now ?? found;
        if (at === undefined) throw new CliError(`${source}: no calls; nothing to show`);
        return sqlWindow(spanOf(at, month ?? monthOf(at)));
      },
      now === undefined,
    );
    latest = now ?? result.latest;
    const unpriced = result.rows.find((r) => r.credits === null);
    if (unpriced) throw new CliError(`${source}: operation "${unpriced.operation}" is not in ${options.table}, and the relation has no credits column to charge it by; add it to the table or map the column with --column credits=NAME`);
    const grouped = groupRows(result.rows);
    customersIn = () => grouped;
    creditsFrom = result.hasCredits ? 'log' : 'table';
  } else {
    let ledger;
    try {
      ledger = await (early ?? read(hourly));
    } finally {
      progress?.done();
    }
    source = ledger.file;
    latest = ledger.latest;
    customersIn = (m) => ledger.customersIn(m);
    creditsFrom = ledger.hasCredits ? 'log' : 'table';
  }
  const where = `${month === undefined ? '' : ` in ${monthName(month)}`}${now === undefined ? '' : ` up to ${new Date(now).toISOString()}`}`;
  if (latest === undefined) throw new CliError(`${source}: no calls${where}; nothing to show`);

  const at = now ?? latest;
  const shown = month ?? monthOf(at);
  const span = spanOf(at, shown);
  const found = customersIn(shown);
  // A document of every customer, none on a plan, is written on two threads when long: the second starts now, beside the sort.
  const parallel = format === 'json' && options.customer === undefined && options.plan === undefined && options.customerPlans === undefined ? await import('../io/rows-parallel.js') : undefined;
  const rowsInParallel = parallel?.startRowsWorker(found.length) ?? false;
  const customers = sortByProjectedShare(found.map((c) => customerMonth(c, span, table.price.per_credit, planFor(c.customer))));
  if (customers.length === 0) throw new CliError(`${source}: no calls in ${monthName(shown)}; nothing to show`);

  let one: CustomerMonth | undefined;
  const wanted = options.customer?.trim();
  if (wanted !== undefined) {
    one = customers.find((c) => c.customer === wanted);
    if (!one) throw new CliError(`--customer ${options.customer}: no calls in ${monthName(shown)} in ${source} (${customers.length} customers have some, such as ${nameList(customers.slice(0, 5).map((c) => c.customer))})`);
  }
  if (options.customerPlans !== undefined) {
    const unmapped = customers.filter((c) => !c.plan).length;
    if (unmapped > 0) ui.err(`${unmapped} customer${unmapped === 1 ? ' is' : 's are'} not in ${options.customerPlans}: shown without a plan (pay as you go)`);
  }

  const report: UsageReport = {
    log: source,
    table: options.table,
    currency: table.currency,
    perCredit: table.price.per_credit,
    month: monthName(shown),
    now: new Date(at).toISOString(),
    elapsed: span.elapsed,
    creditsFrom,
    ...(one && { customer: one }),
    customers,
    planFit: planFit(customers, plans),
  };
  const columns = process.stdout.columns ?? (Number(process.env['COLUMNS']) || 80);
  const toFile = options.out !== undefined && options.out !== '-';
  const text =
    format === 'json'
      ? rowsInParallel
        ? parallel!.usageJsonInParallel(report, span)
        : usageJsonPieces(report)
      : format === 'markdown'
        ? renderUsageMarkdown(report)
        : format === 'html'
          ? renderUsageHtml(report)
          : renderUsageText(report, toFile ? PLAIN_STYLE : ui.style, toFile ? 80 : columns);
  await writeOutput(options.out, text, ui);
  return EXIT.OK;
}

/** What the SQL of usage needs besides its window: the relation, the columns, the table and its credits by hour. */
function usageSqlBase(options: UsageOptions, table: CreditTable, hourly: Record<string, string[]>): Omit<UsageSqlOptions, 'since' | 'until' | 'monthMs' | 'elapsedMs'> {
  const columns = Object.fromEntries((options.column ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]));
  const timeModifiers = (table.modifiers ?? []).some((m) => m.kind === 'time');
  return {
    dialect: options.emitSql ?? 'postgres',
    relation: options.relation,
    table,
    columns: {
      operation: columns['operation'] ?? 'operation',
      timestamp: columns['timestamp'] ?? 'timestamp',
      customer: columns['customer'] ?? 'customer_id',
      ...(columns['credits'] !== undefined && { credits: columns['credits'] }),
    },
    ...(timeModifiers && { hourly: Object.fromEntries(Object.entries(hourly).map(([op, byHour]) => [op, byHour.map((c) => new Dec(c))])) }),
  };
}

/** The month of a window as the SQL filters it: from its start to just after now, and the projection's factor. */
function sqlWindow(span: MonthWindow): Pick<UsageSqlOptions, 'since' | 'until' | 'monthMs' | 'elapsedMs'> {
  const monthMs = span.end - span.start;
  return { since: new Date(span.start), until: new Date(Math.min(span.end, span.now + 1)), monthMs, elapsedMs: span.elapsedMs === 0 ? monthMs : span.elapsedMs };
}

/** Rows of customer, operation, calls and credits as the ledger gives customers. */
function groupRows(rows: readonly { customer: string; operation: string; calls: number; credits: string | null }[]): LedgerCustomer[] {
  const byCustomer = new Map<string, { operation: string; calls: number; credits: Dec }[]>();
  for (const r of rows) {
    const list = byCustomer.get(r.customer) ?? [];
    list.push({ operation: r.operation, calls: r.calls, credits: new Dec(r.credits ?? 0) });
    byCustomer.set(r.customer, list);
  }
  return [...byCustomer].map(([customer, ops]) => ({
    customer,
    calls: ops.reduce((n, o) => n + o.calls, 0),
    credits: ops.reduce((s, o) => s.plus(o.credits), new Dec(0)),
    operations: () => ops.map((o) => ({ ...o })),
  }));
}
