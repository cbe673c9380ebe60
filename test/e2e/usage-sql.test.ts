import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, credits, creditsAsync } from '../helpers.js';
import { usageWorkspace } from '../support/usage.js';
import { startPostgres } from '../support/engines.js';

/**
 * credits usage over a database: the emitted SQL, run by real engines, and
 * --db on PostgreSQL, give the figures the file reader gives. The table has
 * the fixture's time modifier, so credits from the table need each call's
 * UTC hour in the engine's own terms.
 */
const NOW = '2026-10-20T12:00:00Z';

describe('credits usage as SQL, run by real engines', () => {
  const { dir } = usageWorkspace(5_000, 31);
  const csv = join(dir, 'usage.csv');
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  // The same log without its credits column: credits then come from the table, off_peak applied by hour.
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  writeFileSync(join(dir, 'calls.csv'), `${lines.map((l) => l.split(',').slice(0, 3).join(',')).join('\n')}\n`);

  /** Per customer and operation, as the file reader sees them (credits from the table when `file` is calls.csv). */
  const memo = new Map<string, Map<string, { calls: number; credits: number; total: number; projected: number }>>();
  const expected = (file: string): Map<string, { calls: number; credits: number; total: number; projected: number }> => {
    const seen = memo.get(file);
    if (seen) return seen;
    const doc = JSON.parse(credits(['usage', file, '--now', NOW, '--json'], { cwd: dir }).stdout);
    const rows = new Map<string, { calls: number; credits: number; total: number; projected: number }>();
    // Every customer's total, and the breakdown of the first dozen (one run each).
    for (const c of doc.customers.slice(0, 12)) {
      const one = JSON.parse(credits(['usage', file, '--now', NOW, '--json', '--customer', c.customer], { cwd: dir }).stdout).customers[0];
      for (const o of one.operations) rows.set(`${c.customer}|${o.operation}`, { calls: o.calls, credits: o.credits, total: c.used, projected: c.projected });
    }
    memo.set(file, rows);
    return rows;
  };

  const sql = (dialect: string, ...extra: string[]) => {
    const run = credits(['usage', '--emit-sql', dialect, '--now', NOW, ...extra], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    return run.stdout;
  };

  const compare = (rows: Record<string, unknown>[], want: ReturnType<typeof expected>) => {
    const got = new Map(rows.map((r) => [`${String(r['customer'])}|${String(r['operation'])}`, r]));
    expect(want.size).toBeGreaterThan(20);
    for (const [key, w] of want) {
      const r = got.get(key)!;
      expect(r, key).toBeDefined();
      expect(Number(r['calls']), key).toBe(w.calls);
      expect(Number(r['credits']), key).toBe(w.credits);
      expect(Number(r['customer_credits']), key).toBe(w.total);
      expect(Math.abs(Number(r['customer_projected']) - w.projected), key).toBeLessThan(1e-6 * Math.max(1, w.projected));
    }
  };

  it('DuckDB: with the log’s credits, and with the table’s credits at each call’s UTC hour', async () => {
    const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const connection = await db.connect();
    await connection.run(`CREATE TABLE operation_logs AS SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', all_varchar = true)`);
    const run = async (text: string) => (await connection.runAndReadAll(text)).getRowObjectsJson() as Record<string, unknown>[];
    compare(await run(sql('duckdb', '--column', 'credits=credits_consumed')), expected('usage.csv'));
    const fromTable = sql('duckdb');
    expect(fromTable).toContain('hour(CAST(l."timestamp" AS TIMESTAMPTZ))');
    compare(await run(fromTable), expected('calls.csv'));
    connection.closeSync();
  });

  it('SQLite (sql.js): the same, with the hour from strftime', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE operation_logs (timestamp TEXT, customer_id TEXT, operation TEXT, actual_cost REAL, credits_consumed INTEGER)');
    const insert = db.prepare('INSERT INTO operation_logs VALUES (?, ?, ?, ?, ?)');
    for (const line of lines.slice(1)) insert.run(line.split(','));
    insert.free();
    const run = (text: string) => {
      const [result] = db.exec(text);
      return result!.values.map((v) => Object.fromEntries(result!.columns.map((c, i) => [c, v[i]])));
    };
    compare(run(sql('sqlite', '--column', 'credits=credits_consumed')), expected('usage.csv'));
    compare(run(sql('sqlite')), expected('calls.csv'));
    db.close();
  });

  it('needs --now to emit SQL, and refuses a file beside --emit-sql or --db', () => {
    const noNow = credits(['usage', '--emit-sql', 'postgres'], { cwd: dir });
    expect(noNow.code).toBe(2);
    expect(noNow.stderr).toContain('--emit-sql needs --now: the SQL cannot know the latest call before it runs');
    const both = credits(['usage', 'usage.csv', '--emit-sql', 'postgres', '--now', NOW], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--emit-sql reads the logs in the database; leave out the usage file usage.csv');
    const neither = credits(['usage'], { cwd: dir });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("missing required argument 'usage'");
  });

  describe('--db on PostgreSQL (PGlite)', () => {
    let postgres: Awaited<ReturnType<typeof startPostgres>>;
    let url: string;

    beforeAll(async () => {
      postgres = await startPostgres();
      url = postgres.url;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('CREATE TABLE operation_logs ("timestamp" timestamptz, customer_id text, operation text, actual_cost numeric, credits_consumed numeric)');
      await client.query('CREATE TABLE calls ("timestamp" timestamptz, customer_id text, operation text)');
      const rows = lines.slice(1).map((l) => l.split(','));
      for (let i = 0; i < rows.length; i += 500) {
        const batch = rows.slice(i, i + 500);
        await client.query(`INSERT INTO operation_logs VALUES ${batch.map((_, r) => `($${r * 5 + 1}, $${r * 5 + 2}, $${r * 5 + 3}, $${r * 5 + 4}, $${r * 5 + 5})`).join(', ')}`, batch.flat());
        await client.query(`INSERT INTO calls VALUES ${batch.map((_, r) => `($${r * 3 + 1}, $${r * 3 + 2}, $${r * 3 + 3})`).join(', ')}`, batch.map((b) => b.slice(0, 3)).flat());
      }
      await client.end();
    }, 120_000);

    afterAll(async () => {
      await postgres?.stop();
    });

    const strip = (doc: Record<string, unknown>) => ({ ...doc, log: 'x' });

    it('reports exactly what the file reader reports: the log’s credits, and the table’s by hour', async () => {
      for (const [relation, file] of [['operation_logs', 'usage.csv'], ['calls', 'calls.csv']] as const) {
        const fromFile = JSON.parse(credits(['usage', file, '--json', '--now', NOW, '--plan', 'Starter'], { cwd: dir }).stdout);
        const run = await creditsAsync(['usage', '--db', url, '--relation', relation, '--json', '--now', NOW, '--plan', 'Starter'], { cwd: dir });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(strip(JSON.parse(run.stdout))).toEqual(strip(fromFile));
      }
    }, 60_000);

    it('takes "now" from the latest call in the relation, as the file reader does', async () => {
      const fromFile = JSON.parse(credits(['usage', 'usage.csv', '--json'], { cwd: dir }).stdout);
      const run = await creditsAsync(['usage', '--db', url, '--json'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(strip(JSON.parse(run.stdout))).toEqual(strip(fromFile));
    }, 60_000);
  });
});
