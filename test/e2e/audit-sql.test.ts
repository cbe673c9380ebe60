import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credits, creditsAsync } from '../helpers.js';
import { usageWorkspace } from '../support/usage.js';
import { startPostgres } from '../support/engines.js';

const WINDOW = ['--since', '20d', '--until', '2026-10-30', '--now', '2026-11-01T00:00:00Z'];

interface Row {
  operation: string;
  calls: number;
  total_credits: number;
  revenue: number;
  total_cost: number;
  margin: number;
}

describe('the audit as SQL, run by real engines', () => {
  const { dir } = usageWorkspace(5_000, 23);
  const csv = join(dir, 'usage.csv');

  /** The file-based audit over the same window: the figures every engine must reproduce. */
  const expected = (): Row[] => {
    const report = JSON.parse(credits(['audit', 'usage.csv', '--json', '--floor', '0', ...WINDOW], { cwd: dir }).stdout);
    return report.operations
      .map((o: { operation: string; calls: number; credits: number; revenue: number; cost: number; margin: number }) => ({
        operation: o.operation,
        calls: o.calls,
        total_credits: o.credits,
        revenue: o.revenue,
        total_cost: o.cost,
        margin: o.margin,
      }))
      .sort((a: Row, b: Row) => a.operation.localeCompare(b.operation));
  };

  const sql = (dialect: string, ...extra: string[]) => {
    const run = credits(['audit', '--emit-sql', dialect, ...WINDOW, ...extra], { cwd: dir });
    expect(run.code).toBe(0);
    return run.stdout;
  };

  const normalise = (rows: Record<string, unknown>[]): Row[] =>
    rows
      .map((r) => ({
        operation: String(r['operation']),
        calls: Number(r['calls']),
        total_credits: Number(r['total_credits']),
        revenue: Number(r['revenue']),
        total_cost: Number(r['total_cost']),
        margin: Number(r['margin']),
      }))
      .sort((a, b) => a.operation.localeCompare(b.operation));

  const expectSame = (actual: Row[], tolerance: number) => {
    const want = expected();
    expect(actual.map((r) => [r.operation, r.calls, r.total_credits])).toEqual(want.map((r) => [r.operation, r.calls, r.total_credits]));
    actual.forEach((r, i) => {
      for (const key of ['revenue', 'total_cost', 'margin'] as const) {
        expect(Math.abs(r[key] - want[i]![key]), `${r.operation} ${key}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want[i]![key])));
      }
    });
  };

  it('DuckDB gives the file audit’s figures, with and without a credits column', async () => {
    const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const connection = await db.connect();
    await connection.run(`CREATE TABLE operation_logs AS SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', all_varchar = true)`);
    const run = async (text: string) => normalise((await connection.runAndReadAll(text)).getRowObjectsJson() as Record<string, unknown>[]);
    expectSame(await run(sql('duckdb')), 1e-12);
    expectSame(await run(sql('duckdb', '--column', 'credits=credits_consumed')), 1e-12);
    connection.closeSync();
  });

  it('SQLite gives the file audit’s figures (to floating-point precision)', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE operation_logs (timestamp TEXT, customer_id TEXT, operation TEXT, actual_cost REAL, credits_consumed INTEGER)');
    const insert = db.prepare('INSERT INTO operation_logs VALUES (?, ?, ?, ?, ?)');
    for (const line of readFileSync(csv, 'utf8').trimEnd().split('\n').slice(1)) insert.run(line.split(','));
    insert.free();
    const result = db.exec(sql('sqlite'))[0]!;
    const rows = result.values.map((values) => Object.fromEntries(result.columns.map((c, i) => [c, values[i]])));
    expectSame(normalise(rows), 1e-9);
    db.close();
  });

  describe('PostgreSQL', () => {
    let postgres: Awaited<ReturnType<typeof startPostgres>>;
    let url: string;

    beforeAll(async () => {
      postgres = await startPostgres();
      url = postgres.url;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('CREATE SCHEMA analytics');
      await client.query('CREATE TABLE analytics.operation_logs ("timestamp" timestamptz, customer_id text, operation text, actual_cost numeric, credits_consumed numeric)');
      const lines = readFileSync(csv, 'utf8').trimEnd().split('\n').slice(1);
      for (let i = 0; i < lines.length; i += 500) {
        const batch = lines.slice(i, i + 500).map((l) => l.split(','));
        const values = batch.map((_, r) => `($${r * 5 + 1}, $${r * 5 + 2}, $${r * 5 + 3}, $${r * 5 + 4}, $${r * 5 + 5})`).join(', ');
        await client.query(`INSERT INTO analytics.operation_logs VALUES ${values}`, batch.flat());
      }
      // The same calls as a log of credits only, without a cost column: all that credits diff needs.
      await client.query('CREATE TABLE analytics.credit_logs AS SELECT "timestamp", customer_id, operation, credits_consumed FROM analytics.operation_logs');
      await client.end();
    }, 120_000);

    afterAll(async () => {
      await postgres?.stop();
    });

    it('--db reports exactly what the file audit reports', async () => {
      const fromFile = JSON.parse(credits(['audit', 'usage.csv', '--json', ...WINDOW], { cwd: dir }).stdout);
      const run = await creditsAsync(['audit', '--db', url, '--relation', 'analytics.operation_logs', '--json', ...WINDOW], { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      const fromDb = JSON.parse(run.stdout);
      expect(fromDb.usage).toBe(`${new URL(url).host}/analytics.operation_logs`);
      expect({ ...fromDb, usage: 'x', skipped: 0 }).toEqual({ ...fromFile, usage: 'x', skipped: 0 });
    }, 60_000);

    it('diff --db bills every customer exactly as diff --usage does from the file', async () => {
      const table = readFileSync(join(dir, 'credits.yaml'), 'utf8');
      writeFileSync(join(dir, 'raised.yaml'), table.replace('video_processing: { credits: 2500,', 'video_processing: { pinned: true, credits: 5000,'));
      const fromFile = JSON.parse(credits(['diff', 'credits.yaml', 'raised.yaml', '--usage', 'usage.csv', '--json', ...WINDOW], { cwd: dir }).stdout);
      const run = await creditsAsync(['diff', 'credits.yaml', 'raised.yaml', '--db', url, '--relation', 'analytics.operation_logs', '--json', ...WINDOW], { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      const fromDb = JSON.parse(run.stdout);
      expect(fromDb.usage.file).toBe(`${new URL(url).host}/analytics.operation_logs`);
      expect(fromFile.customers.bills.length).toBeGreaterThan(100);
      expect(fromDb.customers).toEqual(fromFile.customers);
    }, 60_000);

    it('diff --db reads a relation without a cost column, as diff --usage reads such a file', async () => {
      const withoutCost = readFileSync(join(dir, 'usage.csv'), 'utf8').trimEnd().split('\n').map((line) => {
        const [timestamp, customer, operation, , credits] = line.split(',');
        return [timestamp, customer, operation, credits].join(',');
      });
      writeFileSync(join(dir, 'credits-only.csv'), `${withoutCost.join('\n')}\n`);
      expect(withoutCost[0]).toBe('timestamp,customer_id,operation,credits_consumed');
      const fromFile = JSON.parse(credits(['diff', 'credits.yaml', 'raised.yaml', '--usage', 'credits-only.csv', '--json', ...WINDOW], { cwd: dir }).stdout);
      const run = await creditsAsync(['diff', 'credits.yaml', 'raised.yaml', '--db', url, '--relation', 'analytics.credit_logs', '--json', ...WINDOW], { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      const fromDb = JSON.parse(run.stdout);
      expect(fromFile.customers.bills.length).toBeGreaterThan(100);
      expect(fromDb.customers).toEqual(fromFile.customers);
      // The audit needs a cost, and says which column it lacks.
      const audit = await creditsAsync(['audit', '--db', url, '--relation', 'analytics.credit_logs', ...WINDOW], { cwd: dir });
      expect(audit.code).toBe(2);
      expect(audit.stderr).toContain('has no column "actual_cost" for cost');
    }, 60_000);

    it('the postgres dialect gives the file audit’s figures', async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const rows = (await client.query(sql('postgres', '--relation', 'analytics.operation_logs'))).rows as Record<string, unknown>[];
      await client.end();
      expectSame(normalise(rows), 1e-15);
    });

    it('says so when the relation lacks a column', async () => {
      const run = await creditsAsync(['audit', '--db', url, '--relation', 'analytics.operation_logs', '--column', 'cost=amount'], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: 127\.0\.0\.1:\d+\/analytics\.operation_logs has no column "amount" for cost \(columns: timestamp, customer_id, operation, actual_cost, credits_consumed\); map it with --column cost=NAME\n$/);
    });
  });

  it('writes the window and quoting in each dialect’s own syntax', () => {
    expect(sql('bigquery', '--relation', 'proj.analytics.logs')).toContain("FROM `proj.analytics.logs` AS l");
    expect(sql('bigquery')).toContain("WHERE l.`timestamp` >= TIMESTAMP '2026-10-12T00:00:00.000Z'");
    expect(sql('bigquery')).toContain("STRUCT('image_upload' AS operation, CAST(1 AS BIGNUMERIC) AS credits)");
    expect(sql('snowflake')).toContain("WHERE l.timestamp >= '2026-10-12T00:00:00.000Z'::TIMESTAMP_TZ");
    expect(sql('snowflake')).toContain('SELECT column1, column2 FROM VALUES');
    expect(sql('postgres')).toContain(`WHERE l."timestamp" >= TIMESTAMPTZ '2026-10-12T00:00:00.000Z'\n    AND l."timestamp" < TIMESTAMPTZ '2026-10-30T00:00:00.000Z'`);
    expect(sql('sqlite')).toContain("julianday(l.\"timestamp\") >= julianday('2026-10-12T00:00:00.000Z')");
    const relative = credits(['audit', '--emit-sql', 'postgres', '--since', '7d'], { cwd: dir }).stdout;
    expect(relative).toContain(`WHERE l."timestamp" >= NOW() - INTERVAL '7 days'`);
    expect(credits(['audit', '--emit-sql', 'bigquery', '--since', '24h'], { cwd: dir }).stdout).toContain('TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 24 HOUR)');
    expect(credits(['audit', '--emit-sql', 'snowflake', '--since', '7d'], { cwd: dir }).stdout).toContain('DATEADD(day, -7, CURRENT_TIMESTAMP())');
  });
});
