import type { AuditOptions, UsageAggregate } from '../core/audit.js';
import { auditUsage } from '../core/audit.js';
import { Dec } from '../core/decimal.js';
import { type AuditSqlOptions, type UsageSqlOptions, auditSql, callsByCustomerSql, topCustomersSql, usageSql } from '../core/sql.js';
import type { CreditTable } from '../core/table.js';
import { CliError } from './errors.js';

type Client = InstanceType<(typeof import('pg'))['default']['Client']>;

/**
 * Connects to the database of `url`, checks that the relation has the columns
 * the query will use (optional ones are taken when present), and runs `work`.
 */
async function onRelation<T>(
  url: string,
  sql: AuditSqlOptions,
  doing: string,
  work: (client: Client, columns: AuditSqlOptions['columns'], tokens: AuditSqlOptions['tokens']) => Promise<T>,
  costOptional = false,
): Promise<T> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  const where = `${new URL(url).host}/${sql.relation}`;
  try {
    await client.connect();
    // Which optional columns the relation has decides what the query can use.
    const probe = await client.query(`SELECT * FROM ${sql.relation.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.')} LIMIT 0`);
    const names = new Set(probe.fields.map((f) => f.name));
    const columns = { ...sql.columns };
    if (columns.credits === undefined && names.has('credits_consumed')) columns.credits = 'credits_consumed';
    if (columns.customer === undefined && names.has('customer_id')) columns.customer = 'customer_id';
    const missing = (name: string, role: string) => new CliError(`${where} has no column "${name}" for ${role} (columns: ${[...names].join(', ')}); map it with --column ${role}=NAME`);
    let tokens = sql.tokens;
    // As in a file: a cost column, when the relation has one, is the cost; else the tokens are priced.
    const costColumn = ['actual_cost', 'cost'].find((name) => names.has(name));
    if (tokens && costColumn !== undefined) {
      tokens = undefined;
      columns.cost = costColumn;
    }
    // Counting calls needs no cost: a relation without the column is read without it.
    if (costOptional && !tokens && columns.cost !== undefined && !names.has(columns.cost)) delete columns.cost;
    if (tokens) {
      if (!names.has(tokens.model)) throw missing(tokens.model, 'model');
      // A kind of token the relation has no column for is one its calls have none of, as in a file; a column named by --column must be there.
      const kinds = (['input_tokens', 'output_tokens', 'cached_input_tokens'] as const).filter((k) => tokens![k] !== undefined && !names.has(tokens![k]!));
      const mapped = kinds.find((k) => tokens![k] !== k);
      if (mapped) throw missing(tokens[mapped]!, mapped);
      tokens = { ...tokens };
      for (const kind of kinds) delete tokens[kind];
      if (!tokens.input_tokens && !tokens.output_tokens && !tokens.cached_input_tokens) throw missing(sql.tokens!.input_tokens ?? 'input_tokens', 'input_tokens');
    }
    for (const [role, name] of Object.entries(columns)) {
      if (name === undefined) continue;
      if (role === 'timestamp' && !sql.since && !sql.until) continue;
      if (role === 'cost' && tokens) continue;
      if (!names.has(name)) throw missing(name, role);
    }
    return await work(client, columns, tokens);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`could not ${doing} ${where} on PostgreSQL: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where a relation is, as messages name it. */
export function relationSource(url: string, relation: string): string {
  return `${new URL(url).host}/${relation}`;
}

/** The audit run where the logs are: one query for the totals, one for the customers behind flagged operations. */
export async function auditPostgres(
  url: string,
  sql: AuditSqlOptions,
  options: AuditOptions,
  table: CreditTable,
): Promise<{ usage: UsageAggregate[]; rows: number; source: string }> {
  return onRelation(url, sql, 'audit', async (client, columns, tokens) => {
    const { tokens: _asked, ...rest } = sql;
    const options2: AuditSqlOptions = { ...rest, columns, ...(tokens && { tokens }) };
    const totals = await client.query<{ operation: string; calls: string; total_credits: string | null; total_cost: string | null }>(auditSql(options2));
    const unpriced = totals.rows.find((r) => r.total_cost === null);
    if (unpriced) {
      throw new CliError(
        `${relationSource(url, sql.relation)}: operation "${unpriced.operation}" has calls that cannot be priced from their tokens (a model design.prices has no price for, or tokens of a kind its model has no price for); design the table from costs that use them`,
      );
    }
    const usage: UsageAggregate[] = totals.rows.map((r) => ({
      operation: r.operation,
      calls: Number(r.calls),
      cost: new Dec(r.total_cost!),
      ...(columns.credits !== undefined && r.total_credits !== null && { creditsConsumed: new Dec(r.total_credits) }),
    }));
    if (columns.customer !== undefined) {
      const flagged = auditUsage(usage, table, options).operations.filter((o) => o.status !== 'ok').map((o) => o.operation);
      if (flagged.length > 0) {
        const customers = await client.query<{ operation: string; customer: string; calls: string; total_cost: string }>(
          topCustomersSql({ ...options2, customer: columns.customer }, flagged, options.top),
        );
        for (const u of usage) {
          const mine = customers.rows.filter((r) => r.operation === u.operation);
          u.customers = () => mine.map((r) => ({ customer: String(r.customer), calls: Number(r.calls), cost: new Dec(r.total_cost) }));
        }
      }
    }
    return { usage, rows: usage.reduce((n, u) => n + u.calls, 0), source: relationSource(url, sql.relation) };
  });
}

/** Calls per customer and operation, counted where the logs are. */
export async function callsPostgres(url: string, sql: AuditSqlOptions): Promise<{ calls: { customer: string; operation: string; calls: number }[]; hasCustomers: boolean }> {
  return onRelation(url, sql, 'read', async (client, columns) => {
    if (columns.customer === undefined) {
      const totals = await client.query<{ operation: string; calls: string }>(auditSql({ ...sql, columns }));
      return { calls: totals.rows.map((r) => ({ customer: '(all calls)', operation: r.operation, calls: Number(r.calls) })), hasCustomers: false };
    }
    const rows = await client.query<{ customer: string; operation: string; calls: string }>(callsByCustomerSql({ ...sql, columns, customer: columns.customer }));
    return { calls: rows.rows.map((r) => ({ customer: String(r.customer).trim(), operation: r.operation, calls: Number(r.calls) })), hasCustomers: true };
  }, true);
}

/** credits usage where the logs are: the latest call (when "now" is not given), then credits per customer and operation. */
export async function usagePostgres(
  url: string,
  sql: Omit<UsageSqlOptions, 'since' | 'until' | 'monthMs' | 'elapsedMs'>,
  window: (latest: number | undefined) => Pick<UsageSqlOptions, 'since' | 'until' | 'monthMs' | 'elapsedMs'>,
  needsLatest: boolean,
): Promise<{ rows: { customer: string; operation: string; calls: number; credits: string | null }[]; latest: number | undefined; hasCredits: boolean; options: Pick<UsageSqlOptions, 'since' | 'until' | 'monthMs' | 'elapsedMs'> }> {
  const probe = { ...sql, columns: { ...sql.columns, cost: sql.columns.operation } } as unknown as AuditSqlOptions;
  return onRelation(url, { ...probe, since: { at: new Date(0) } }, 'read', async (client, columns) => {
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const relation = sql.relation.split('.').map(quote).join('.');
    let latest: number | undefined;
    if (needsLatest) {
      const max = await client.query<{ latest: Date | string | null }>(`SELECT MAX(CAST(${quote(columns.timestamp)} AS TIMESTAMPTZ)) AS latest FROM ${relation}`);
      const value = max.rows[0]?.latest;
      latest = value === null || value === undefined ? undefined : new Date(value).getTime();
    }
    const bounds = window(latest);
    const text = usageSql({ ...sql, ...bounds, columns: { operation: columns.operation, timestamp: columns.timestamp, customer: columns.customer ?? sql.columns.customer, ...(columns.credits !== undefined && { credits: columns.credits }) } });
    const result = await client.query<{ customer: string; operation: string; calls: string; credits: string | null }>(text);
    return { rows: result.rows.map((r) => ({ customer: String(r.customer).trim(), operation: r.operation, calls: Number(r.calls), credits: r.credits === null ? null : String(r.credits) })), latest, hasCredits: columns.credits !== undefined, options: bounds };
  });
}
