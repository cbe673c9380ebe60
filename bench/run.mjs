// Benchmarks of credits against peers measured in the same run, with the runs
// interleaved so that machine load affects every contender alike. Prints
// medians and ratios, and exits 1 when a ratio is over its budget.
//
//   start-up: credits --help, credits design and importing the library, against bare `node -e 0`
//   meter:    the runtime meter against a plain Map.get, in one process
//   design:   credits design on 1M and 5M raw samples (200 operations), --stat p95 and mean,
//             against DuckDB's quantile_cont / avg + GROUP BY on the same file
//   audit:    credits audit on generated 1M- and 3M-row logs, against DuckDB's
//             read_csv + GROUP BY (budgets 1.0× and 1.2×, 200 MiB)
//   shapes:   credits audit on 1M- and 3M-row logs of several shapes (customers, operations,
//             the flagged operation's share, column order, timestamps, quoted ids), against DuckDB
//   tokens:   credits audit of a 1M-row token log (model, input/output/cached tokens), against
//             DuckDB's read_csv joined with the same per-token prices
//   usage:    credits usage (every customer's month) on 1M-row logs of 500 and 50,000
//             customers, against DuckDB's read_csv + GROUP BY customer, operation
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUsage, lines } from './usage-log.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'credits.js');
const work = mkdtempSync(join(tmpdir(), 'credits-bench-'));
const rssFile = join(work, 'peak-rss');
const only = process.argv[2]; // "startup", "meter", "design", "audit", "shapes", "tokens" or "usage" runs one part
let failed = false;

function run(args, cwd = work) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', join(root, 'bench', 'peak-rss.cjs'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0 && child.status !== 1) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { ms, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs each contender `rounds` times, interleaved, after `warmup` unrecorded rounds. */
function compare(title, contenders, rounds, warmup) {
  const samples = contenders.map(() => []);
  for (let round = 0; round < rounds + warmup; round++) {
    contenders.forEach((c, i) => {
      const result = run(c.args);
      if (round >= warmup) samples[i].push(result);
    });
  }
  console.log(`${title}, median of ${rounds} runs each`);
  const baseline = median(samples[0].map((s) => s.ms));
  contenders.forEach((c, i) => {
    const ms = median(samples[i].map((s) => s.ms));
    const rss = Math.max(...samples[i].map((s) => s.rssMiB));
    const ratio = ms / baseline;
    let verdict = 'peer';
    if (c.budget !== undefined) {
      verdict = ratio <= c.budget ? `ok (budget ${c.budget}×)` : `OVER budget ${c.budget}×`;
      if (ratio > c.budget) failed = true;
    }
    console.log(`  ${c.name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${ratio.toFixed(2)}×  peak ${rss.toFixed(0).padStart(4)} MiB  ${verdict}`);
    if (c.memoryBudget !== undefined && rss > c.memoryBudget) {
      console.log(`    OVER memory budget ${c.memoryBudget} MiB`);
      failed = true;
    }
  });
}

/**
 * A generated input under bench/data/, made once and kept: `generate` gets a
 * function that appends text. Written to a .part file first, so a run stopped
 * midway leaves no half file to be taken as whole next time.
 */
function dataFile(name, generate) {
  const dir = join(root, 'bench', 'data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (!existsSync(path)) {
    const fd = openSync(`${path}.part`, 'w');
    generate((text) => writeSync(fd, text));
    closeSync(fd);
    copyFileSync(`${path}.part`, path);
    rmSync(`${path}.part`);
  }
  return path;
}

const usageLog = (rows) => dataFile(`usage-${rows}.csv`, (write) => generateUsage({ rows, write }));

/** Raw samples: 200 operations, costs from 1e-7 to 10 with up to 8 decimals; deterministic. */
const samplesFile = (rows) =>
  dataFile(`samples-${rows}.csv`, (write) => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const out = lines(write);
    out.add('operation,cost\n');
    for (let i = 0; i < rows; i++) {
      const cost = ((1 + random() * 9) * 10 ** (-7 + Math.floor(random() * 8))).toFixed(8).replace(/\.?0+$/, '');
      out.add(`op_${String(Math.floor(random() * 200)).padStart(3, '0')},${cost === '0' ? '0.00000001' : cost}\n`);
    }
    out.end();
  });

copyFileSync(join(root, 'fixtures', 'image-api.csv'), join(work, 'image-api.csv'));
if (only === undefined || only === 'startup') {
  compare(
    'start-up',
    [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'credits --help', args: [bin, '--help'], budget: 1.5 },
      { name: 'credits design image-api.csv', args: [bin, 'design', 'image-api.csv'], budget: 2.5 },
      { name: "import 'credits' (the library)", args: ['--input-type=module', '-e', `await import(${JSON.stringify(join(root, 'dist', 'lib', 'index.js'))})`], budget: 2 },
    ],
    Number(process.env.BENCH_ROUNDS ?? 30),
    3,
  );
}
if (only === undefined || only === 'meter') {
  run([bin, 'design', 'image-api.csv']);
  writeFileSync(join(work, 'meter.yaml'), readFileSync(join(work, 'credits.yaml'), 'utf8') + readFileSync(join(root, 'fixtures', 'plans-and-modifiers.yaml'), 'utf8'));
  const { benchMeter } = await import('./meter.mjs');
  if (!(await benchMeter(join(work, 'meter.yaml')))) failed = true;
}
if (only === undefined || only === 'design') {
  const duckdb = join(root, 'bench', 'duckdb-design.mjs');
  for (const rows of [1_000_000, 5_000_000]) {
    const file = samplesFile(rows);
    for (const stat of ['p95', 'mean']) {
      compare(
        `design from ${(rows / 1e6).toFixed(0)}M samples, --stat ${stat}`,
        [
          { name: `duckdb ${stat === 'mean' ? 'avg' : 'quantile_cont'} + GROUP BY`, args: [duckdb, file, stat] },
          { name: `credits design --stat ${stat}`, args: [bin, 'design', file, '--stat', stat, '--dry-run'], budget: 1.5, memoryBudget: 200 },
        ],
        Number(process.env.BENCH_DESIGN_ROUNDS ?? 5),
        1,
      );
    }
  }
}
if (only === undefined || only === 'audit') {
  run([bin, 'design', 'image-api.csv']);
  const million = usageLog(1_000_000);
  const three = usageLog(3_000_000);
  const duckdb = join(root, 'bench', 'duckdb-audit.mjs');
  compare(
    'audit of 1M rows (58 MB)',
    [
      { name: 'duckdb read_csv + GROUP BY', args: [duckdb, million] },
      { name: 'credits audit', args: [bin, 'audit', million], budget: 1.0, memoryBudget: 200 },
    ],
    Number(process.env.BENCH_AUDIT_ROUNDS ?? 5),
    1,
  );
  compare(
    'audit of 3M rows (174 MB)',
    [
      { name: 'duckdb read_csv + GROUP BY', args: [duckdb, three] },
      { name: 'credits audit', args: [bin, 'audit', three], budget: 1.2, memoryBudget: 200 },
    ],
    3,
    0,
  );
}
if (only === undefined || only === 'shapes') {
  const { SHAPES, costsOf, writeShape } = await import('./shapes.mjs');
  const duckdb = join(root, 'bench', 'duckdb-audit.mjs');
  for (const [i, shape] of SHAPES.entries()) {
    writeFileSync(join(work, `shape-${i}.csv`), costsOf(shape));
    run([bin, 'design', `shape-${i}.csv`, '-o', `shape-${i}.yaml`]);
    for (const rows of [1_000_000, 3_000_000]) {
      const file = dataFile(`shape-${i}-${rows}-m32.csv`, (write) => writeShape(shape, rows, write));
      compare(
        `audit of ${rows / 1e6}M rows: ${shape.name}`,
        [
          { name: 'duckdb read_csv + GROUP BY', args: [duckdb, file] },
          { name: 'credits audit', args: [bin, 'audit', file, '--table', `shape-${i}.yaml`], budget: shape.slow ? 2 : rows === 1_000_000 ? 1.0 : 1.2, memoryBudget: 200 },
        ],
        Number(process.env.BENCH_SHAPE_ROUNDS ?? 3),
        rows === 1_000_000 ? 1 : 0,
      );
    }
  }
}
if (only === undefined || only === 'tokens') {
  copyFileSync(join(root, 'fixtures', 'llm-gateway-tokens.csv'), join(work, 'tokens.csv'));
  run([bin, 'design', 'tokens.csv', '--prices', 'genai-prices', '-o', 'tokens.yaml']);
  const models = [
    ['chat', 'gpt-4o-mini'],
    ['summarise', 'claude-3-5-haiku-latest'],
    ['embed', 'openai/text-embedding-3-small'],
    ['image_caption', 'gemini-2.0-flash'],
  ];
  const log = dataFile('tokens-1000000.csv', (write) => {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const out = lines(write);
    out.add('timestamp,customer_id,operation,model,input_tokens,output_tokens,cached_input_tokens\n');
    const start = Date.parse('2026-10-01T00:00:00Z');
    for (let i = 0; i < 1_000_000; i++) {
      const [operation, model] = models[Math.floor(random() * models.length)];
      const embed = operation === 'embed';
      const at = new Date(start + i * 2592).toISOString();
      out.add(`${at},cust_${String(1 + Math.floor(random() * 2000)).padStart(4, '0')},${operation},${model},${10 + Math.floor(random() * 20000)},${embed ? 0 : Math.floor(random() * 1500)},${embed ? 0 : Math.floor(random() * 2000)}\n`);
    }
    out.end();
  });
  // The per-token prices the table records, for DuckDB's join.
  const text = readFileSync(join(work, 'tokens.yaml'), 'utf8');
  const prices = Object.fromEntries(
    [...text.matchAll(/^ {6}(\S+): \{(.*)\}$/gm)].map(([, model, body]) => [model, Object.fromEntries([...body.matchAll(/(input|output|cached_input): ([0-9.]+)/g)].map(([, k, v]) => [k, v]))]),
  );
  compare(
    'audit of a 1M-row token log (2,000 customers, 4 models)',
    [
      { name: 'duckdb read_csv + price join + GROUP BY', args: [join(root, 'bench', 'duckdb-tokens.mjs'), log, JSON.stringify(prices)] },
      { name: 'credits audit (tokens × recorded prices)', args: [bin, 'audit', log, '--table', 'tokens.yaml'], budget: 1.0, memoryBudget: 200 },
    ],
    Number(process.env.BENCH_AUDIT_ROUNDS ?? 5),
    1,
  );
}
if (only === undefined || only === 'usage') {
  run([bin, 'design', 'image-api.csv']);
  const duckdb = join(root, 'bench', 'duckdb-usage.mjs');
  const logs = [
    { name: '500 customers', file: usageLog(1_000_000) },
    { name: '50,000 customers', file: dataFile('usage-1000000-c50000.csv', (write) => generateUsage({ rows: 1_000_000, customers: 50_000, write })) },
  ];
  for (const { name, file } of logs) {
    compare(
      `usage of 1M rows, ${name}, every customer in 2026-10`,
      [
        { name: 'duckdb read_csv + GROUP BY customer', args: [duckdb, file, '2026-10'] },
        { name: 'credits usage --json', args: [bin, 'usage', file, '--month', '2026-10', '--json'], budget: 1.0, memoryBudget: 200 },
      ],
      Number(process.env.BENCH_USAGE_ROUNDS ?? 5),
      1,
    );
  }
}
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
