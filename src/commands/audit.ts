import type { ReportFormat } from '../core/choices.js';
import type { AuditFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import type { AuditOptions, UsageAggregate } from '../core/audit.js';
import { Dec } from '../core/decimal.js';
import { validateFloor } from '../core/design.js';
import type { AuditSqlOptions } from '../core/sql.js';
import { CliError } from '../io/errors.js';
import { COST_SCALE, CREDIT_SCALE, type CustomerUsage, type TopCustomer } from '../io/usage-scan.js';
import { ExactSum } from '../core/exact-sum.js';
import { chooseTop } from '../core/top.js';
import { logHasColumn, readUsage, startReading } from '../io/usage.js';
import type { AuditReport } from '../render/audit.js';
import type { Ui } from '../ui.js';
import { fixedBound, sqlColumns, sqlTokens, usageWindow } from '../pipeline/usage-window.js';
import { auditReadOptions, takeEarlyRead } from '../pipeline/early-read.js';

export type AuditCommandOptions = AuditFlagOptions & { usage?: string };

/**
 * An operation's `top` costliest customers, the costliest first and ties by
 * name (as auditUsage orders them), where customers whose ids differ only by
 * surrounding spaces are one. When every cost is whole units of COST_SCALE
 * in a Number (nearly always) they are compared as those units, exactly, and
 * only the customers chosen become decimals: an operation of 50,000
 * customers made 50,000 decimals and sorted them. Otherwise all are given.
 */
export function topCustomers(customers: Iterable<CustomerUsage>, top: number, byName = false): TopCustomer[] {
  let units = true;
  if (byName) {
    // No two share a name: nothing to merge.
    const all = [...customers];
    for (const c of all) if (c.cost.big !== 0n || !c.cost.extra.isZero()) units = false;
    return costliest(all, top, units);
  }
  const merged = new Map<string, CustomerUsage>();
  for (const c of customers) {
    if (c.cost.big !== 0n || !c.cost.extra.isZero()) units = false;
    const seen = merged.get(c.customer);
    if (!seen) merged.set(c.customer, c);
    else {
      const cost = new ExactSum();
      for (const part of [seen.cost, c.cost]) {
        cost.addUnits(part.small);
        cost.big += part.big;
        if (!part.extra.isZero()) cost.addDecimal(part.extra);
      }
      if (cost.big !== 0n) units = false;
      merged.set(c.customer, { customer: c.customer, calls: seen.calls + c.calls, cost });
    }
  }
  return costliest([...merged.values()], top, units);
}

/** The `top` of customers by cost as decimals, chosen by units when `units` says every cost is whole units. */
function costliest(customers: CustomerUsage[], top: number, units: boolean): TopCustomer[] {
  const chosen = units && top >= 1 && top < customers.length ? chooseTop(customers.length, (i) => customers[i]!.cost.small, (i) => customers[i]!.customer, top).map((i) => customers[i]!) : customers;
  return chosen.map((c) => ({ customer: c.customer, calls: c.calls, cost: c.cost.total(COST_SCALE) }));
}

export async function auditCommand(options: AuditCommandOptions, ui: Ui, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format: ReportFormat = options.format ?? (ui.json ? 'json' : 'text');
  const maxStep = new Dec(options.maxStep);
  if (maxStep.lte(0)) throw new CliError(`--max-step must be greater than 0, got ${options.maxStep}`);
  const floorFlag = options.floor !== undefined ? new Dec(options.floor) : undefined;
  if (floorFlag) validateFloor(floorFlag);
  if (options.db !== undefined && !/^postgres(ql)?:\/\//i.test(options.db)) {
    throw new CliError(`--db: only postgres:// (or postgresql://) URLs are supported, got "${options.db.split(':')[0]}:…"`);
  }
  // The reading may have started before this module loaded (pipeline/early-read.ts); it goes on with that one's window.
  const pre = takeEarlyRead(options.usage);
  const window = pre?.window ?? usageWindow(options);
  const progress = pre ? pre.progress : options.usage !== undefined ? ui.progress?.() : undefined;
  const readOptions = pre?.options ?? auditReadOptions(options, window, progress?.update);
  const { columns } = readOptions;
  if (options.emitSql && options.db) throw new CliError('--emit-sql prints the SQL and --db runs it; choose one');
  if (!options.emitSql && !options.db && options.usage === undefined) throw new CliError("missing required argument 'usage' (a usage CSV, or - for stdin; or --emit-sql / --db)");
  if ((options.emitSql || options.db) && options.usage !== undefined) throw new CliError(`--${options.emitSql ? 'emit-sql' : 'db'} reads the logs in the database; leave out the usage file ${options.usage}`);

  // A log with a cost column does not depend on the table, so reading it starts first, and the table is parsed once
  // the log's threads are running (a bad table is still reported first); a log of tokens waits for the model prices
  // the table records.
  const log = options.usage;
  const early = pre?.reading ?? (log !== undefined && (await logHasColumn(log, readOptions, 'cost')) ? (await startReading((started) => readUsage(log, { ...readOptions, started }))).reading : undefined);
  // What the rest needs (the YAML parser, the report) is loaded once the reading is under way.
  const [{ loadTable }, { auditUsage, flaggedOperations }, { auditSql }, { auditFailed, auditVerdict, renderAuditGithub, renderAuditJson, renderAuditMarkdown, renderAuditText }, { emitReport }] = await Promise.all([
    import('../io/table.js'),
    import('../core/audit.js'),
    import('../core/sql.js'),
    import('../render/audit.js'),
    import('../io/output.js'),
  ]);
  const loaded = await loadTable(options.table);
  const { table } = loaded;
  const tokenPrices = table.design.prices ? (await import('../pipeline/prices.js')).tokenPriceText(table.design.prices) : undefined;
  const reading = early ?? (options.usage === undefined ? undefined : readUsage(options.usage, { ...readOptions, ...(tokenPrices && { tokenPrices }) }));
  reading?.catch(() => undefined);
  const auditOptions: AuditOptions = { floor: floorFlag ?? table.design.floor, top: options.top, maxStep };
  const [sqlSince, sqlUntil] = [fixedBound(window.since, window), fixedBound(window.until, window)];
  const tokens = sqlTokens(columns, table.design.prices);
  const sqlOptions = (): AuditSqlOptions => ({
    dialect: options.emitSql ?? 'postgres',
    relation: options.relation,
    columns: sqlColumns(columns),
    table,
    ...(tokens && { tokens }),
    ...(sqlSince && { since: sqlSince }),
    ...(sqlUntil && { until: sqlUntil }),
  });

  if (options.emitSql) {
    ui.out(auditSql(sqlOptions()));
    return EXIT.OK;
  }

  let usage: UsageAggregate[];
  let rows: number;
  let skipped = 0;
  let source: string;
  if (options.db) {
    const { auditPostgres } = await import('../io/postgres.js');
    const fromDb = await auditPostgres(options.db, sqlOptions(), auditOptions, table);
    ({ usage, rows } = fromDb);
    source = fromDb.source;
  } else {
    const totals = await reading!;
    progress?.done();
    usage = [...totals.operations.values()].map((op) => ({
      operation: op.operation,
      calls: op.calls,
      cost: op.cost.total(COST_SCALE),
      ...(totals.hasCredits && { creditsConsumed: op.credits.total(CREDIT_SCALE) }),
      ...(totals.hasCustomers && {
        customers: (top: number) => op.customers.top?.(top) ?? topCustomers(op.customers.values(), top, op.customers.byName),
      }),
    }));
    // The customers of the calls kept as read are looked up only for the operations the audit flags (and asks about).
    if (totals.hasCustomers) await totals.customersFor?.(flaggedOperations(usage, table, auditOptions), auditOptions.top);
    rows = totals.rows;
    skipped = totals.skipped;
    source = totals.file;
  }

  const report: AuditReport = { table: options.table, usage: source, currency: table.currency, rows, skipped, window: window.text, result: auditUsage(usage, table, auditOptions) };
  await emitReport(
    format,
    {
      text: () => renderAuditText(report, ui.style),
      json: () => renderAuditJson(report),
      markdown: () => renderAuditMarkdown(report),
      github: () => renderAuditGithub(report, (operation) => loaded.lineOf(['operations', operation]) ?? loaded.lineOf(['operations'])),
      verdict: () => auditVerdict(report),
    },
    ui,
    env,
  );
  return auditFailed(report) ? EXIT.FINDINGS : EXIT.OK;
}
