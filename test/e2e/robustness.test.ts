import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ROOT, childEnv, credits, creditsAsync, tempDir } from '../helpers.js';

function withTable(): string {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  return dir;
}

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('nothing is lost', () => {
  it('a writer killed before its rename leaves the previous table intact, and the next write cleans up', async () => {
    const dir = withTable();
    const before = readFileSync(join(dir, 'credits.yaml'));
    const child = spawn(process.execPath, [BIN, 'design', 'costs.csv', '--ladder', '1-5'], {
      cwd: dir,
      env: childEnv({ CREDITS_TEST_PAUSE_BEFORE_RENAME: '10000' }),
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until the new table sits whole in its temporary file, then kill the writer outright.
    const deadline = Date.now() + 20_000;
    let temporary: string | undefined;
    while (!temporary && Date.now() < deadline) {
      temporary = temporaries(dir).find((f) => readFileSync(join(dir, f), 'utf8').includes('ladder: 1-5'));
      if (!temporary) await new Promise((r) => setTimeout(r, 25));
    }
    expect(temporary).toBeDefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(readFileSync(join(dir, 'credits.yaml')).equals(before)).toBe(true);
    expect(temporaries(dir)).toEqual([temporary]);

    expect(credits(['design', 'costs.csv', '--ladder', '1-5'], { cwd: dir }).code).toBe(0);
    expect(temporaries(dir)).toEqual([]);
    expect(parse(readFileSync(join(dir, 'credits.yaml'), 'utf8')).design.ladder).toBe('1-5');
  }, 60_000);

  it('concurrent writers of one table never interleave: the table is one writer’s whole output', async () => {
    const dir = withTable();
    const ladders = ['friendly', '1-2-5', '1-5', 'integer', '1,5,25,125,625,3125', '1,10,100,1000,10000'];
    const expected = ladders.map((ladder) => credits(['design', 'costs.csv', '--ladder', ladder, '-o', '-'], { cwd: dir }).stdout);
    const runs = await Promise.all(ladders.map((ladder) => creditsAsync(['design', 'costs.csv', '--ladder', ladder], { cwd: dir })));
    expect(runs.map((r) => r.code)).toEqual(ladders.map(() => 0));
    expect(expected).toContain(readFileSync(join(dir, 'credits.yaml'), 'utf8'));
    expect(temporaries(dir)).toEqual([]);
  }, 60_000);
});

describe('size limits', () => {
  it('refuses 100 MB of garbage at once, with bounded memory', async () => {
    const dir = withTable();
    const garbage = join(dir, 'garbage.csv');
    writeFileSync(garbage, randomBytes(100 * 1024 * 1024));
    for (const args of [['design', 'garbage.csv'], ['audit', 'garbage.csv'], ['check', '--costs', 'garbage.csv'], ['price', '--table', 'garbage.csv']]) {
      const started = Date.now();
      const run = await creditsAsync(args, { cwd: dir, env: { NODE_OPTIONS: `--require ${join(ROOT, 'bench', 'peak-rss.cjs')}`, PEAK_RSS_FILE: join(dir, 'rss') } });
      // On any other exit code the failure shows what credits printed, to say why.
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^error: garbage\.csv[:\s][^\n]*\n$/);
      expect(Date.now() - started, args.join(' ')).toBeLessThan(10_000);
      expect(Number(readFileSync(join(dir, 'rss'), 'utf8')) / 1024, args.join(' ')).toBeLessThan(200);
    }
  }, 120_000);

  it('reads large raw samples only in the simple form, and says so otherwise', async () => {
    const dir = withTable();
    // 70 MB of samples: over the 64 MiB a CSV read in full may be.
    const row = 'search,0.00021\n';
    const rows = row.repeat(Math.ceil((70 * 1024 * 1024) / row.length));
    writeFileSync(join(dir, 'plain.csv'), `operation,cost\n${rows}`);
    const plain = await creditsAsync(['design', 'plain.csv', '--dry-run', '--json'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).operations.search).toMatchObject({ cost: 0.00021, credits: 1, volume: rows.length / row.length });
    writeFileSync(join(dir, 'quoted.csv'), `operation,cost\n"search",0.00021\n${rows}`);
    expect(await creditsAsync(['design', 'quoted.csv', '--dry-run'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'error: quoted.csv: larger than 64 MiB and not in the form read quickly (a cost column of plain decimals such as 0.000213, no quotes); aggregate it first, or write it in that form\n',
    });
  }, 60_000);

  it('streams raw samples of any size up to 1 GiB, and refuses a larger file before reading it', async () => {
    const dir = withTable();
    // A sparse file: its size is all that is looked at.
    writeFileSync(join(dir, 'huge.csv'), 'operation,cost\n');
    truncateSync(join(dir, 'huge.csv'), 1100 * 1024 * 1024);
    expect(await creditsAsync(['design', 'huge.csv', '--dry-run'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'error: huge.csv: larger than the 1024 MiB a costs file may be\n' });
  });

  it('refuses an enormous single line without reading it into memory', async () => {
    const dir = withTable();
    writeFileSync(join(dir, 'line.csv'), `operation,actual_cost\n${'x'.repeat(20 * 1024 * 1024)}`);
    expect(await creditsAsync(['audit', 'line.csv'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'error: line.csv:2: a line is longer than 1 MiB; is this a usage log?\n' });
    expect(await creditsAsync(['design', 'line.csv'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'error: line.csv:2: a row is longer than 1 MiB; is this a costs file?\n' });
    writeFileSync(join(dir, 'header.csv'), 'y'.repeat(3 * 1024 * 1024));
    expect(await creditsAsync(['audit', 'header.csv'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'error: header.csv:1: the first line is longer than 1 MiB; is this a usage log?\n' });
  }, 60_000);
});

describe('damaged tables', () => {
  const cases: [string, (text: string) => string, RegExp][] = [
    ['a wrong version', (t) => t.replace('version: 1', 'version: 3'), /^credits\.yaml:2:10: version: must be equal to constant$/],
    ['negative credits', (t) => t.replace('ai_analysis: { credits: 100', 'ai_analysis: { credits: -100'), /^credits\.yaml:16:\d+: operations\.ai_analysis\.credits: must be > 0$/],
    ['non-numeric credits', (t) => t.replace('ai_analysis: { credits: 100', 'ai_analysis: { credits: lots'), /^credits\.yaml:16:\d+: operations\.ai_analysis\.credits: must be number$/],
    ['a text price', (t) => t.replace('per_credit: 0.001', 'per_credit: one tenth of a cent'), /^credits\.yaml:6:\d+: price\.per_credit: must be number$/],
    ['a truncated file', (t) => t.slice(0, t.indexOf('basic_resize') + 20), /^credits\.yaml:15:\d+: not valid YAML: /],
    ['a truncated file that parses', (t) => t.slice(0, t.indexOf('operations:')), /^credits\.yaml:2:1: \(top level\): must have required property 'operations' \(operations\)$/],
    ['deep nesting', (t) => `${t}x-deep: ${'['.repeat(100000)}${']'.repeat(100000)}\n`, /^credits\.yaml:19:\d+: nested more than 64 levels deep; a credit table is a few levels deep$/],
    [
      'an alias bomb',
      (t) => `${t}x-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
      /^credits\.yaml:1: not a usable table: Excessive alias count/,
    ],
    ['an unknown key', (t) => t.replace('currency: USD', 'currency: USD\ncolour: blue'), /^credits\.yaml:4:1: \(top level\): must NOT have additional properties \(colour\)$/],
  ];
  for (const [what, damage, message] of cases) {
    it(`reports ${what} by line and key path, for every command that reads tables`, () => {
      const dir = withTable();
      writeFileSync(join(dir, 'credits.yaml'), damage(readFileSync(join(dir, 'credits.yaml'), 'utf8')));
      for (const command of [['price'], ['check'], ['plans'], ['docs'], ['report'], ['audit', 'costs.csv'], ['design', 'costs.csv']]) {
        const run = credits(command, { cwd: dir });
        expect(run.code, command.join(' ')).toBe(2);
        const line = run.stderr.replace(/^error: /, '').replace(/ \(the existing table .*\)\n$/, '\n').replace(/\n$/, '');
        expect(line, command.join(' ')).toMatch(message);
        expect(run.stderr.split('\n').length, command.join(' ')).toBe(2);
      }
    });
  }
});

describe('hostile operation names', () => {
  const names = ['pipe|name', '<script>alert(1)</script>', 'new\nline', 'red\u001b[31mtext', '=HYPERLINK("x")', '+cmd', '-1', '@sum'];

  it('are escaped or neutralised in every output', () => {
    const dir = tempDir();
    const csv = `operation,cost\n${names.map((n, i) => `"${n.replace(/"/g, '""')}",0.000${i + 1}`).join('\n')}\n`;
    writeFileSync(join(dir, 'costs.csv'), csv);
    const design = credits(['design', 'costs.csv'], { cwd: dir });
    expect(design.code).toBe(0);
    expect(design.stdout).not.toMatch(/\u001b/);
    expect(design.stdout).toContain('red\\x1b[31mtext');
    expect(design.stdout).toContain('new\\x0aline');
    // The table keeps every name exactly.
    expect(Object.keys(parse(readFileSync(join(dir, 'credits.yaml'), 'utf8')).operations)).toEqual(names);

    // new\nline costs ten times as much: a finding names it in every format.
    writeFileSync(join(dir, 'costs.csv'), csv.replace(/0\.0003\n/, '0.003\n'));
    const markdown = credits(['check', '--format', 'markdown'], { cwd: dir }).stdout;
    for (const row of markdown.split('\n').filter((l) => l.startsWith('| ❌'))) expect(row.split(/(?<!\\)\|/)).toHaveLength(8);
    expect(markdown).not.toContain('<script>');
    const github = credits(['check', '--format', 'github'], { cwd: dir }).stdout;
    for (const annotation of github.split('\n').filter((l) => l.startsWith('::'))) expect(annotation).toMatch(/^::(error|warning) file=credits\.yaml,line=\d+,title=[^,\n]*::[^\n]*$/);
    expect(github).toContain('new%0Aline');
    expect(credits(['check'], { cwd: dir }).stdout).not.toMatch(/\u001b/);

    const docs = credits(['docs', '--format', 'html'], { cwd: dir }).stdout;
    expect(docs).not.toContain('<script>');
    expect(docs).toContain('&lt;script&gt;');
    const docsMarkdown = credits(['docs'], { cwd: dir }).stdout;
    expect(docsMarkdown).toContain('| pipe\\|name |');
    expect(docsMarkdown).not.toContain('<script>');
    expect(credits(['report', '-o', 'r.html'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).not.toContain('<script>');

    writeFileSync(join(dir, 'usage.csv'), `operation,actual_cost\n"red\u001b[31mtext",9\n"=1+1",1\n`);
    const audit = credits(['audit', 'usage.csv'], { cwd: dir });
    expect(audit.stdout).not.toMatch(/\u001b/);
    expect(audit.stdout).toContain('red\\x1b[31mtext');
  });

  it('in an error message, cannot break the line or colour the terminal', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'costs.csv'), 'operation,cost\n"bad\u001b[2J\nname",abc\n');
    const run = credits(['design', 'costs.csv'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: costs.csv:2:2: cost: "abc" is not a number\n');
    writeFileSync(join(dir, 'costs.csv'), 'operation,cost\na,1\n');
    const flag = credits(['design', 'costs.csv', '--base', 'x\u001b[31m\ny'], { cwd: dir });
    expect(flag.stderr).toBe('error: base operation "x\\x1b[31m\\x0ay" is not an operation of the costs (known: a)\n');
  });
});

describe('a reading thread that dies', () => {
  it('fails the audit and the design with a clear error instead of hanging', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    // Quote-free and over 16 MiB: read by worker threads.
    const row = '2026-10-01T00:00:00Z,cust_0001,image_upload,0.000200\n';
    writeFileSync(join(dir, 'usage.csv'), `timestamp,customer_id,operation,actual_cost\n${row.repeat(Math.ceil((17 * 1024 * 1024) / row.length))}`);
    const run = await creditsAsync(['audit', 'usage.csv'], { cwd: dir, env: { CREDITS_TEST_WORKER_EXIT: '1' } });
    if (availableParallelism() < 2) {
      // One core: no worker threads, so nothing to die. The read is in order and must succeed.
      expect(run.code).toBe(0);
      return;
    }
    expect(run.code).toBe(70);
    expect(run.stderr).toBe('error: usage.csv: a thread reading the log stopped unexpectedly (exit code 3); nothing was reported\n');
    // The same for raw samples streamed on worker threads, and no table is written.
    writeFileSync(join(dir, 'samples.csv'), `operation,cost\n${'search,0.00021\n'.repeat(Math.ceil((17 * 1024 * 1024) / 15))}`);
    const design = await creditsAsync(['design', 'samples.csv', '-o', 'samples.yaml'], { cwd: dir, env: { CREDITS_TEST_WORKER_EXIT: '1' } });
    expect(design.code).toBe(70);
    expect(design.stderr).toBe('error: samples.csv: a thread reading the costs stopped unexpectedly (exit code 3); nothing was reported\n');
    expect(existsSync(join(dir, 'samples.yaml'))).toBe(false);
  }, 60_000);
});
