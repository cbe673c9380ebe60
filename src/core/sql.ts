import type { Dec } from './decimal.js';
import { DesignError } from './errors.js';
import type { CreditTable, PricesRecord } from './table.js';

import { DIALECTS, type Dialect } from './choices.js';

export { DIALECTS, type Dialect };

/** A bound of the time window: a fixed instant, or a distance back from the engine's now. */
export type WindowBound = { at: Date } | { back: number; unit: 'day' | 'hour' };

export interface AuditSqlOptions {
  dialect: Dialect;
  /** The relation to read, possibly qualified ("analytics.operation_logs"). */
  relation: string;
  /** The cost column; without one (and without tokens), for counting calls only, each call's cost is NULL. */
  columns: { operation: string; cost?: string; credits?: string; timestamp: string; customer?: string };
  table: CreditTable;
  since?: WindowBound;
  until?: WindowBound;
  /**
   * For a log of tokens instead of costs: the model and token columns, and the
   * per-token prices the table records. Each call then costs Σ tokens × its
   * model's price, and an operation with a call that cannot be priced (a model
   * without a price, or tokens of a kind its model has no price for) gets a
   * NULL total cost rather than a sum that leaves the call out.
   */
  tokens?: TokenColumns;
}

export interface TokenColumns {
  model: string;
  input_tokens?: string;
  output_tokens?: string;
  cached_input_tokens?: string;
  prices: PricesRecord['models'];
}

const TOKEN_KINDS = [
  ['input_tokens', 'input'],
  ['output_tokens', 'output'],
  ['cached_input_tokens', 'cached_input'],
] as const;

interface DialectRules {
  identifier(name: string): string;
  string(text: string): string;
  decimal: string;
  /** Decimal places the decimal type keeps, where it has a fixed number. */
  places?: number;
  creditTable(rows: [string, Dec][]): string;
  instant(at: Date): string;
  back(amount: number, unit: 'day' | 'hour'): string;
  /** The timestamp column as something comparable with instant() and back(). */
  timestamp(column: string): string;
  /** The UTC hour (0–23) of the timestamp column, as an integer. */
  hour(column: string): string;
  /** A CTE of literal rows: `name` with `columns`, each row's values already SQL. */
  rows(name: string, columns: readonly string[], rows: readonly string[][]): string;
}

const valuesRows = (name: string, columns: readonly string[], rows: readonly string[][]) => `${name} (${columns.join(', ')}) AS (\n  VALUES\n    ${rows.map((r) => `(${r.join(', ')})`).join(',\n    ')}\n)`;

const doubleQuoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const singleQuoted = (text: string) => `'${text.replace(/'/g, "''")}'`;
const plainValues = (rows: [string, Dec][], quote: (t: string) => string) => rows.map(([op, credits]) => `(${quote(op)}, ${credits.toFixed()})`).join(',\n    ');
const iso = (at: Date) => at.toISOString();

const RULES: Record<Dialect, DialectRules> = {
  postgres: {
    identifier: doubleQuoted,
    string: singleQuoted,
    decimal: 'NUMERIC',
    creditTable: (rows) => `credit_table (operation, credits) AS (\n  VALUES\n    ${plainValues(rows, singleQuoted)}\n)`,
    instant: (at) => `TIMESTAMPTZ '${iso(at)}'`,
    back: (n, unit) => `NOW() - INTERVAL '${n} ${unit}s'`,
    timestamp: (c) => c,
    hour: (c) => `CAST(EXTRACT(HOUR FROM CAST(${c} AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS INTEGER)`,
    rows: valuesRows,
  },
  duckdb: {
    identifier: doubleQuoted,
    string: singleQuoted,
    decimal: 'DECIMAL(38, 12)',
    places: 12,
    creditTable: (rows) => `credit_table (operation, credits) AS (\n  VALUES\n    ${plainValues(rows, singleQuoted)}\n)`,
    instant: (at) => `TIMESTAMPTZ '${iso(at)}'`,
    back: (n, unit) => `NOW() - INTERVAL ${n} ${unit.toUpperCase()}`,
    timestamp: (c) => `CAST(${c} AS TIMESTAMPTZ)`,
    // Without the ICU extension a TIMESTAMPTZ is UTC, so its hour is the UTC hour.
    hour: (c) => `hour(CAST(${c} AS TIMESTAMPTZ))`,
    rows: valuesRows,
  },
  sqlite: {
    identifier: doubleQuoted,
    string: singleQuoted,
    decimal: 'REAL',
    creditTable: (rows) => `credit_table (operation, credits) AS (\n  VALUES\n    ${plainValues(rows, singleQuoted)}\n)`,
    instant: (at) => `julianday('${iso(at)}')`,
    back: (n, unit) => `julianday('now', '-${n} ${unit}s')`,
    timestamp: (c) => `julianday(${c})`,
    hour: (c) => `CAST(strftime('%H', ${c}) AS INTEGER)`,
    rows: valuesRows,
  },
  snowflake: {
    // Unquoted names fold to upper case in Snowflake, as columns created without quotes are stored.
    identifier: (name) => (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : doubleQuoted(name)),
    string: (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
    decimal: 'NUMBER(38, 12)',
    places: 12,
    creditTable: (rows) =>
      `credit_table (operation, credits) AS (\n  SELECT column1, column2 FROM VALUES\n    ${plainValues(rows, (t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`)}\n)`,
    instant: (at) => `'${iso(at)}'::TIMESTAMP_TZ`,
    back: (n, unit) => `DATEADD(${unit}, -${n}, CURRENT_TIMESTAMP())`,
    timestamp: (c) => c,
    hour: (c) => `EXTRACT(HOUR FROM CONVERT_TIMEZONE('UTC', ${c}))`,
    rows: (name, columns, rows) => `${name} (${columns.join(', ')}) AS (\n  SELECT ${columns.map((_, i) => `column${i + 1}`).join(', ')} FROM VALUES\n    ${rows.map((r) => `(${r.join(', ')})`).join(',\n    ')}\n)`,
  },
  bigquery: {
    identifier: (name) => `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``,
    string: (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`,
    decimal: 'BIGNUMERIC',
    creditTable: (rows) =>
      `credit_table AS (\n  SELECT * FROM UNNEST([\n    ${rows.map(([op, credits]) => `STRUCT(${RULES.bigquery.string(op)} AS operation, CAST(${credits.toFixed()} AS BIGNUMERIC) AS credits)`).join(',\n    ')}\n  ])\n)`,
    instant: (at) => `TIMESTAMP '${iso(at)}'`,
    back: (n, unit) => `TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${n} ${unit.toUpperCase()})`,
    timestamp: (c) => c,
    hour: (c) => `EXTRACT(HOUR FROM ${c} AT TIME ZONE 'UTC')`,
    rows: (name, columns, rows) => `${name} AS (\n  SELECT * FROM UNNEST([\n    ${rows.map((r) => `STRUCT(${r.map((v, i) => `${v} AS ${columns[i]}`).join(', ')})`).join(',\n    ')}\n  ])\n)`,
  },
};

function relationName(relation: string, rules: DialectRules, dialect: Dialect): string {
  // BigQuery takes `project.dataset.table` as one quoted path; the others quote each part.
  if (dialect === 'bigquery') return rules.identifier(relation);
  return relation.split('.').map(rules.identifier).join('.');
}

/** The usage rows inside the window, with cost and credits as exact decimals where the engine has them. */
function usageCte(o: AuditSqlOptions, rules: DialectRules, extra: string[] = []): string {
  const col = (name: string) => `l.${rules.identifier(name)}`;
  const credits = o.columns.credits !== undefined ? `CAST(${col(o.columns.credits)} AS ${rules.decimal})` : 't.credits';
  const where: string[] = [];
  const bound = (b: WindowBound) => ('at' in b ? rules.instant(b.at) : rules.back(b.back, b.unit));
  if (o.since) where.push(`${rules.timestamp(col(o.columns.timestamp))} >= ${bound(o.since)}`);
  if (o.until) where.push(`${rules.timestamp(col(o.columns.timestamp))} < ${bound(o.until)}`);
  let join = o.columns.credits === undefined ? `\n  LEFT JOIN credit_table AS t ON t.operation = ${col(o.columns.operation)}` : '';
  let cost = o.columns.cost === undefined ? `CAST(NULL AS ${rules.decimal})` : `CAST(${col(o.columns.cost)} AS ${rules.decimal})`;
  if (o.tokens) {
    const tokens = o.tokens;
    join += `\n  LEFT JOIN model_prices AS p ON p.model = LOWER(TRIM(${col(tokens.model)}))`;
    // A kind of token the call has none of costs nothing; one its model has no price for makes the cost NULL.
    const terms = TOKEN_KINDS.flatMap(([column, kind]) => {
      const name = tokens[column];
      if (name === undefined) return [];
      const count = `COALESCE(CAST(${col(name)} AS ${rules.decimal}), 0)`;
      return [`CASE WHEN ${count} = 0 THEN 0 ELSE ${count} * p.${kind} END`];
    });
    cost = `CASE WHEN p.model IS NULL THEN NULL ELSE ${terms.length > 0 ? terms.join(' + ') : '0'} END`;
  }
  return [
    `usage AS (`,
    `  SELECT`,
    `    ${col(o.columns.operation)} AS operation,`,
    ...extra.map((e) => `    ${e},`),
    `    ${cost} AS cost,`,
    `    ${credits} AS credits`,
    `  FROM ${relationName(o.relation, rules, o.dialect)} AS l${join}`,
    ...(where.length > 0 ? [`  WHERE ${where.join('\n    AND ')}`] : []),
    `)`,
  ].join('\n');
}

function ctes(o: AuditSqlOptions, rules: DialectRules, extra: string[] = []): string {
  const parts = [];
  if (o.columns.credits === undefined) {
    parts.push(rules.creditTable(Object.entries(o.table.operations).map(([op, entry]) => [op, entry.credits])));
  }
  if (o.tokens) parts.push(modelPrices(o.tokens.prices, rules));
  parts.push(usageCte(o, rules, extra));
  return `WITH ${parts.join(',\n')}`;
}

/** The recorded per-token prices, by model name in lower case (the file reader matches names in any case). */
function modelPrices(prices: PricesRecord['models'], rules: DialectRules): string {
  const rows = Object.entries(prices).map(([name, m]) => {
    const price = (d: Dec | undefined, kind: string) => {
      // A price the engine's decimal type would round is refused: the SQL would be off without a word.
      if (d !== undefined && rules.places !== undefined && d.decimalPlaces() > rules.places) {
        throw new DesignError(`design.prices: ${name}'s ${kind} price ${d.toFixed()} per token has more than the ${rules.places} decimal places of ${rules.decimal}; audit the log as a file, or on PostgreSQL`);
      }
      return `CAST(${d === undefined ? 'NULL' : d.toFixed()} AS ${rules.decimal})`;
    };
    return [rules.string(name.toLowerCase()), price(m.input, 'input'), price(m.output, 'output'), price(m.cached_input, 'cached input')];
  });
  return rules.rows('model_prices', ['model', 'input', 'output', 'cached_input'], rows);
}

/** The total cost of an operation's calls: NULL, for a log of tokens, when any call could not be priced. */
function totalCost(o: AuditSqlOptions): string {
  return o.tokens ? 'CASE WHEN COUNT(cost) < COUNT(*) THEN NULL ELSE SUM(cost) END' : 'SUM(cost)';
}

/**
 * The audit as one SQL statement, for logs that live in a warehouse. Result
 * columns: operation, calls, total_credits, revenue, total_cost, margin
 * (NULL revenue and margin for operations the table does not price).
 */
export function auditSql(o: AuditSqlOptions): string {
  const rules = RULES[o.dialect];
  const price = `CAST(${o.table.price.per_credit.toFixed()} AS ${rules.decimal})`;
  return `-- credits audit: per-operation margin at ${o.table.price.per_credit.toFixed()} per credit
${ctes(o, rules)}
SELECT
  operation,
  COUNT(*) AS calls,
  SUM(credits) AS total_credits,
  SUM(credits) * ${price} AS revenue,
  ${totalCost(o)} AS total_cost,
  (SUM(credits) * ${price} - ${totalCost(o)}) / NULLIF(SUM(credits) * ${price}, 0) AS margin
FROM usage
GROUP BY operation
ORDER BY margin, operation;
`;
}

/** Calls per customer and operation in the window: customer, operation, calls (for `credits diff`). */
export function callsByCustomerSql(o: AuditSqlOptions & { customer: string }): string {
  const rules = RULES[o.dialect];
  return `${ctes(o, rules, [`l.${rules.identifier(o.customer)} AS customer`])}
SELECT customer, operation, COUNT(*) AS calls
FROM usage
GROUP BY customer, operation
ORDER BY customer, operation;
`;
}

/** Each listed operation's `top` costliest customers: operation, customer, calls, total_cost. */
export function topCustomersSql(o: AuditSqlOptions & { customer: string }, operations: readonly string[], top: number): string {
  const rules = RULES[o.dialect];
  const list = operations.map(rules.string).join(', ');
  return `${ctes(o, rules, [`l.${rules.identifier(o.customer)} AS customer`])},
per_customer AS (
  SELECT operation, customer, COUNT(*) AS calls, ${totalCost(o)} AS total_cost,
    ROW_NUMBER() OVER (PARTITION BY operation ORDER BY SUM(cost) DESC, customer) AS place
  FROM usage
  WHERE operation IN (${list})
  GROUP BY operation, customer
)
SELECT operation, customer, calls, total_cost FROM per_customer WHERE place <= ${top} ORDER BY operation, place;
`;
}

export interface UsageSqlOptions extends Omit<AuditSqlOptions, 'columns' | 'since' | 'until'> {
  columns: { operation: string; credits?: string; timestamp: string; customer: string };
  /** The month's first instant, and the moment after "now" (calls before it count). */
  since: Date;
  until: Date;
  /** Each operation's credits at each UTC hour, when the table has time modifiers (else its credits). */
  hourly?: Record<string, readonly Dec[]>;
  /** The month's length and the part of it elapsed at now, in milliseconds: the projection's factor. */
  monthMs: number;
  elapsedMs: number;
}

/**
 * credits usage as one SQL statement: per customer and operation, calls and
 * credits in the month up to now (credits from the log's column, else the
 * table's, with its time modifiers at each call's UTC hour), and each
 * customer's total and its projection to the month's end.
 */
export function usageSql(o: UsageSqlOptions): string {
  const rules = RULES[o.dialect];
  const col = (name: string) => `l.${rules.identifier(name)}`;
  const ts = col(o.columns.timestamp);
  const hourly = o.columns.credits === undefined && o.hourly !== undefined;
  const parts: string[] = [];
  if (o.columns.credits === undefined) {
    if (hourly) {
      const rows = Object.entries(o.hourly!).flatMap(([op, byHour]) => byHour.map((credits, hour) => `(${rules.string(op)}, ${hour}, ${credits.toFixed()})`));
      parts.push(o.dialect === 'bigquery'
        ? `credit_table AS (\n  SELECT * FROM UNNEST([\n    ${Object.entries(o.hourly!).flatMap(([op, byHour]) => byHour.map((credits, hour) => `STRUCT(${rules.string(op)} AS operation, ${hour} AS hour, CAST(${credits.toFixed()} AS BIGNUMERIC) AS credits)`)).join(',\n    ')}\n  ])\n)`
        : o.dialect === 'snowflake'
          ? `credit_table (operation, hour, credits) AS (\n  SELECT column1, column2, column3 FROM VALUES\n    ${rows.join(',\n    ')}\n)`
          : `credit_table (operation, hour, credits) AS (\n  VALUES\n    ${rows.join(',\n    ')}\n)`);
    } else parts.push(rules.creditTable(Object.entries(o.table.operations).map(([op, entry]) => [op, entry.credits])));
  }
  const credits = o.columns.credits !== undefined ? `CAST(${col(o.columns.credits)} AS ${rules.decimal})` : 't.credits';
  const join = o.columns.credits !== undefined ? '' : `\n  LEFT JOIN credit_table AS t ON t.operation = ${col(o.columns.operation)}${hourly ? ` AND t.hour = ${rules.hour(ts)}` : ''}`;
  parts.push(
    [
      'usage AS (',
      '  SELECT',
      `    ${col(o.columns.customer)} AS customer,`,
      `    ${col(o.columns.operation)} AS operation,`,
      `    ${credits} AS credits`,
      `  FROM ${relationName(o.relation, rules, o.dialect)} AS l${join}`,
      `  WHERE ${rules.timestamp(ts)} >= ${rules.instant(o.since)}`,
      `    AND ${rules.timestamp(ts)} < ${rules.instant(o.until)}`,
      ')',
    ].join('\n'),
  );
  return `-- credits usage: credits per customer and operation from ${o.since.toISOString()} to ${o.until.toISOString()}, projected to the month's end
WITH ${parts.join(',\n')},
per_operation AS (
  SELECT customer, operation, COUNT(*) AS calls, SUM(credits) AS credits
  FROM usage
  GROUP BY customer, operation
)
SELECT
  customer,
  operation,
  calls,
  credits,
  SUM(credits) OVER (PARTITION BY customer) AS customer_credits,
  CAST(SUM(credits) OVER (PARTITION BY customer) AS ${rules.decimal}) * ${o.monthMs} / ${o.elapsedMs} AS customer_projected
FROM per_operation
ORDER BY customer, operation;
`;
}
