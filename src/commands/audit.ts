import { type AuditOptions, type UsageAggregate, auditUsage } from '../core/audit.js';
import { Dec } from '../core/decimal.js';
import { validateFloor } from '../core/design.js';
import { type AuditSqlOptions, type Dialect, type WindowBound, auditSql } from '../core/sql.js';
import { parseInstant } from '../core/time.js';
import { decimalMarkOf } from './derive.js';
import { CliError } from '../io/errors.js';
import { loadTable } from '../io/table.js';
import { COST_SCALE, CREDIT_SCALE, type CustomerUsage, USAGE_ROLES, type UsageRole, readUsage } from '../io/usage.js';
import { type AuditReport, auditFailed, renderAuditJson, renderAuditText } from '../render/audit.js';
import type { Ui } from '../ui.js';

export interface AuditCommandOptions {
  usage?: string;
  table: string;
  floor?: string;
  since?: string;
  until?: string;
  now?: string;
  top: number;
  maxStep: string;
  emitSql?: Dialect;
  relation: string;
  column?: string[];
  db?: string;
  delimiter?: string;
  decimalComma?: boolean;
  decimalPoint?: boolean;
}

const HOUR = 3_600_000;

/** "7d", "24h", or an ISO 8601 date or date-time (UTC unless it has an offset). */
export function parseBound(text: string, flag: string): WindowBound {
  const relative = /^(\d+)([dh])$/.exec(text.trim());
  if (relative) return { back: Number(relative[1]), unit: relative[2] === 'd' ? 'day' : 'hour' };
  const at = parseInstant(text);
  if (Number.isNaN(at)) {
    throw new CliError(`${flag} takes 7d, 24h or an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z (UTC without an offset), got "${text}"`);
  }
  return { at: new Date(at) };
}

function instant(bound: WindowBound, now: number): number {
  return 'at' in bound ? bound.at.getTime() : now - bound.back * (bound.unit === 'day' ? 24 : 1) * HOUR;
}

/** Relative bounds become instants when "now" is fixed, so a report (or its SQL) is reproducible. */
function fixed(bound: WindowBound | undefined, now: number | undefined): WindowBound | undefined {
  return bound && now !== undefined ? { at: new Date(instant(bound, now)) } : bound;
}

function columnsOf(pairs: readonly string[] | undefined): Partial<Record<UsageRole, string>> {
  const columns: Partial<Record<UsageRole, string>> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    const role = pair.slice(0, at).trim();
    if (!(USAGE_ROLES as readonly string[]).includes(role)) throw new CliError(`--column ${pair}: the role must be one of ${USAGE_ROLES.join(', ')}`);
    columns[role as UsageRole] = pair.slice(at + 1).trim();
  }
  return columns;
}

function progressBar(ui: Ui): ((read: number, total: number | undefined) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (read, total) => {
    const mb = `${(read / 1e6).toFixed(1)} MB`;
    if (total === undefined || total === 0) return void process.stderr.write(`\r\u001b[Kreading ${mb}`);
    const done = Math.min(1, read / total);
    const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '-');
    process.stderr.write(`\r\u001b[K${ui.errStyle.dim(`[${bar}] ${Math.round(done * 100)}% ${mb}`)}`);
  };
}

/** Customers whose ids differ only by surrounding spaces are one customer. */
function mergeCustomers(customers: Iterable<CustomerUsage>): ReturnType<NonNullable<UsageAggregate['customers']>> {
  const merged = new Map<string, { customer: string; calls: number; cost: Dec }>();
  for (const c of customers) {
    const cost = c.cost.total(COST_SCALE);
    const seen = merged.get(c.customer);
    if (seen) {
      seen.calls += c.calls;
      seen.cost = seen.cost.plus(cost);
    } else merged.set(c.customer, { customer: c.customer, calls: c.calls, cost });
  }
  return [...merged.values()];
}

export async function auditCommand(options: AuditCommandOptions, ui: Ui): Promise<number> {
  const maxStep = new Dec(options.maxStep);
  if (maxStep.lte(0)) throw new CliError(`--max-step must be greater than 0, got ${options.maxStep}`);
  const floorFlag = options.floor !== undefined ? new Dec(options.floor) : undefined;
  if (floorFlag) validateFloor(floorFlag);
  const now = options.now !== undefined ? parseInstant(options.now) : undefined;
  if (now !== undefined && Number.isNaN(now)) throw new CliError(`--now takes an ISO 8601 date-time (UTC without an offset), got "${options.now}"`);
  if (options.db !== undefined && !/^postgres(ql)?:\/\//i.test(options.db)) {
    throw new CliError(`--db: only postgres:// (or postgresql://) URLs are supported, got "${options.db.split(':')[0]}:…"`);
  }
  const since = options.since !== undefined ? parseBound(options.since, '--since') : undefined;
  const until = options.until !== undefined ? parseBound(options.until, '--until') : undefined;
  const columns = columnsOf(options.column);
  const decimalMark = decimalMarkOf(options);
  if (options.emitSql && options.db) throw new CliError('--emit-sql prints the SQL and --db runs it; choose one');
  if (!options.emitSql && !options.db && options.usage === undefined) throw new CliError("missing required argument 'usage' (a usage CSV, or - for stdin; or --emit-sql / --db)");
  if ((options.emitSql || options.db) && options.usage !== undefined) throw new CliError(`--${options.emitSql ? 'emit-sql' : 'db'} reads the logs in the database; leave out the usage file ${options.usage}`);

  const clock = now ?? Date.now();
  if (since && until && instant(since, clock) >= instant(until, clock)) {
    throw new CliError(
      `the window is empty: --since ${options.since} (${new Date(instant(since, clock)).toISOString()}) is not before --until ${options.until} (${new Date(instant(until, clock)).toISOString()})`,
    );
  }

  // The log does not depend on the table, so reading it starts first; a bad table is still reported first.
  const progress = options.usage !== undefined ? progressBar(ui) : undefined;
  const reading =
    options.usage === undefined
      ? undefined
      : readUsage(options.usage, {
          columns,
          ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
          ...(decimalMark !== undefined && { decimalMark }),
          ...(since && { since: instant(since, clock) }),
          ...(until && { until: instant(until, clock) }),
          ...(progress && { progress }),
        });
  reading?.catch(() => undefined);
  const { table } = await loadTable(options.table);
  const auditOptions: AuditOptions = { floor: floorFlag ?? table.design.floor, top: options.top, maxStep };
  const [sqlSince, sqlUntil] = [fixed(since, now), fixed(until, now)];
  const sqlOptions = (): AuditSqlOptions => ({
    dialect: options.emitSql ?? 'postgres',
    relation: options.relation,
    columns: {
      operation: columns.operation ?? 'operation',
      cost: columns.cost ?? 'actual_cost',
      timestamp: columns.timestamp ?? 'timestamp',
      ...(columns.credits !== undefined && { credits: columns.credits }),
      ...(columns.customer !== undefined && { customer: columns.customer }),
    },
    table,
    ...(sqlSince && { since: sqlSince }),
    ...(sqlUntil && { until: sqlUntil }),
  });

  if (options.emitSql) {
    ui.out(auditSql(sqlOptions()));
    return 0;
  }

  const windowText = {
    ...(since && { since: new Date(instant(since, clock)).toISOString() }),
    ...(until && { until: new Date(instant(until, clock)).toISOString() }),
  };
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
    if (progress) process.stderr.write('\r\u001b[K');
    usage = [...totals.operations.values()].map((op) => ({
      operation: op.operation,
      calls: op.calls,
      cost: op.cost.total(COST_SCALE),
      ...(totals.hasCredits && { creditsConsumed: op.credits.total(CREDIT_SCALE) }),
      ...(totals.hasCustomers && {
        customers: () => mergeCustomers(op.customers.values()),
      }),
    }));
    rows = totals.rows;
    skipped = totals.skipped;
    source = totals.file;
  }

  const report: AuditReport = { table: options.table, usage: source, currency: table.currency, rows, skipped, window: windowText, result: auditUsage(usage, table, auditOptions) };
  ui.out(ui.json ? renderAuditJson(report) : renderAuditText(report, ui.style));
  return auditFailed(report) ? 1 : 0;
}
