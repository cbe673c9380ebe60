import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32, WHALE } from '../../bench/usage-log.mjs';
import { credits, suiteDir } from '../helpers.js';
import { Terminal } from '../support/pty.js';
import { dollars, usageWorkspace } from '../support/usage.js';

interface AuditJson {
  rows: number;
  skipped: number;
  passed: boolean;
  operations: { operation: string; calls: number; credits: number; revenue: number; cost: number; margin: number; status: string; top_customers?: { customer: string; share: number; calls: number; cost: number }[]; correction?: { from: number; to: number; steps: number[] } }[];
  unpriced: { operation: string; calls: number; cost: number }[];
}

const audit = (dir: string, ...args: string[]) => credits(['audit', ...args], { cwd: dir });
const json = (dir: string, ...args: string[]) => JSON.parse(audit(dir, ...args, '--json').stdout) as AuditJson;

/** JSON numbers as exact text, to compare with totals known in advance. */
const costs = (dir: string, ...args: string[]) =>
  Object.fromEntries([...audit(dir, ...args, '--json').stdout.matchAll(/"operation": "(\w+)",\s+"calls": (\d+),\s+"credits": (\d+),\s+"revenue": ([\d.]+),\s+"cost": ([\d.]+)/g)].map((m) => [m[1], { calls: Number(m[2]), credits: m[3], revenue: m[4], cost: m[5] }]));

describe('credits audit on a generated log', () => {
  const { dir, totals } = usageWorkspace(20_000);

  it('sums calls, credits, revenue and cost exactly', () => {
    const found = costs(dir, 'usage.csv');
    for (const [operation, t] of Object.entries(totals)) {
      expect(found[operation], operation).toEqual({ calls: t.calls, credits: String(t.credits), revenue: String(t.credits / 1000), cost: dollars(t.costMicros) });
    }
  });

  it('flags the operation one customer drives under the floor, names them, and proposes a correction', () => {
    const run = audit(dir, 'usage.csv', '--top', '2');
    expect(run.code).toBe(1);
    const report = json(dir, 'usage.csv', '--top', '2');
    expect(report.passed).toBe(false);
    const video = report.operations[0]!;
    expect(video).toMatchObject({ operation: 'video_processing', status: 'under-floor' });
    const v = totals['video_processing']!;
    expect(video.margin).toBeCloseTo(1 - Number(v.costMicros) / 1e6 / (v.credits / 1000), 10);
    expect(video.top_customers![0]!.customer).toBe(WHALE);
    expect(video.top_customers![0]!.cost).toBe(Number(dollars(v.customers[WHALE]!)));
    expect(video.top_customers).toHaveLength(2);
    // Cost per call / (0.001 × (1 − 0.7)) rounded up onto the friendly ladder, reached by ≤ 20% a month.
    const needed = Number(v.costMicros) / 1e6 / v.calls / 0.0003;
    expect(video.correction!.to).toBe([2500, 5000, 10000].find((step) => step >= needed));
    expect(video.correction!.steps.at(-1)).toBe(video.correction!.to);
    expect(report.operations.slice(1).every((o) => o.status === 'ok' && o.correction === undefined)).toBe(true);
    expect(run.stdout).toContain(`driven by: ${WHALE} `);
    expect(run.stdout).toMatch(/correction: 2,500 → [\d,]+ credits restores the 70% target, monthly: 3,000 → 3,600 → /);
  });

  it('passes with a floor the log clears', () => {
    const run = audit(dir, 'usage.csv', '--floor', '0.3');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ every operation is at or above the floor of 30%');
  });

  it('keeps to the --since/--until window, counted back from --now', () => {
    const all = json(dir, 'usage.csv');
    const week = json(dir, 'usage.csv', '--since', '7d', '--now', '2026-11-01T00:00:00Z');
    const cutoff = Date.parse('2026-10-25T00:00:00Z');
    const inWeek = readFileSync(join(dir, 'usage.csv'), 'utf8').split('\n').slice(1, -1).filter((l) => Date.parse(l.split(',')[0]!) >= cutoff).length;
    expect(week.rows).toBe(inWeek);
    expect(week.rows + week.skipped).toBe(all.rows);
    const between = json(dir, 'usage.csv', '--since', '2026-10-10', '--until', '2026-10-20');
    expect(between.rows).toBeGreaterThan(0);
    expect(between.rows + between.skipped).toBe(all.rows);
  });

  it('annotates the flagged operation at its line of the table, and writes a pull-request summary', () => {
    const line = readFileSync(join(dir, 'credits.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('  video_processing:')) + 1;
    const github = audit(dir, 'usage.csv', '--format', 'github', '--top', '1');
    expect(github.code).toBe(1);
    const [annotation, verdict, ...rest] = github.stdout.split('\n');
    expect(annotation).toMatch(new RegExp(`^::warning file=credits\\.yaml,line=${line},title=credits audit \\(video_processing\\)::video_processing: margin [\\d.]+%25 in usage\\.csv \\(under floor\\); correction: 2,500 → 5,000 credits restores the 70%25 target, monthly: `));
    expect([verdict, ...rest]).toEqual(['✗ 1 under the floor, 0 losing money, 0 unpriced', '']);
    const summary = join(dir, 'summary.md');
    const markdown = credits(['audit', 'usage.csv', '--format', 'markdown', '--top', '1'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(markdown.stdout).toMatch(/^### credits audit: ✗ 1 under the floor, 0 losing money, 0 unpriced\n/);
    expect(markdown.stdout).toMatch(/\| video\\_processing \| [\d,]+ \| [\d,]+ \| \$[\d,.]+ \| \$[\d,.]+ \| [\d.]+% \| \*\*under floor\*\* \|/);
    expect(markdown.stdout).toContain(`(driven by ${WHALE.replace('_', '\\_')} `);
    expect(readFileSync(summary, 'utf8')).toBe(`${markdown.stdout}\n`);
  });

  it('reports operations missing from the table as unpriced', () => {
    writeFileSync(join(dir, 'extra.csv'), 'operation,actual_cost\nimage_upload,0.0002\nwatermark,0.001\nwatermark,0.002\n');
    const report = json(dir, 'extra.csv');
    expect(report.unpriced).toEqual([{ operation: 'watermark', calls: 2, cost: 0.003, credits_consumed: null }]);
    expect(audit(dir, 'extra.csv').code).toBe(1);
  });
});

describe('reading usage logs', () => {
  const { dir } = usageWorkspace(200);

  it('gives the same totals for quoted fields, CRLF and a BOM as for plain lines', () => {
    const plain = readFileSync(join(dir, 'usage.csv'), 'utf8');
    const lines = plain.trimEnd().split('\n');
    const quoted = `\uFEFF${lines.map((l, i) => (i % 3 === 1 ? l.split(',').map((f) => `"${f}"`).join(',') : l)).join('\r\n')}\r\n`;
    writeFileSync(join(dir, 'quoted.csv'), quoted);
    const a = json(dir, 'usage.csv');
    const b = json(dir, 'quoted.csv');
    expect(b.operations).toEqual(a.operations);
    expect(b.rows).toBe(a.rows);
  });

  it('reads stdin, maps columns, and reads a quoted name with a comma', () => {
    const csv = 'when,who,what,amount\n2026-10-01T00:00:00Z,c1,"image_upload",$0.0001\n2026-10-01T00:00:00Z,"c, 2",basic_resize,"0.0004"\n';
    const run = credits(['audit', '-', '--json', '--column', 'operation=what', '--column', 'cost=amount', '--column', 'customer=who'], { cwd: dir, input: csv });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as AuditJson;
    expect(report.operations.map((o) => [o.operation, o.calls, o.cost])).toEqual([
      ['image_upload', 1, 0.0001],
      ['basic_resize', 1, 0.0004],
    ]);
  });

  it('names the line of a malformed row, before and after a quote', () => {
    writeFileSync(join(dir, 'bad.csv'), 'operation,actual_cost\nimage_upload,0.0002\nimage_upload,abc\n');
    expect(audit(dir, 'bad.csv')).toMatchObject({ code: 2, stdout: '', stderr: 'error: bad.csv:3:2: actual_cost: "abc" is not a number\n' });
    writeFileSync(join(dir, 'bad2.csv'), 'operation,actual_cost\n"image_upload","0.0002"\n"two\nlines",1\nimage_upload,-1\n');
    expect(audit(dir, 'bad2.csv')).toMatchObject({ code: 2, stderr: 'error: bad2.csv:5:2: actual_cost: "-1" is negative\n' });
    writeFileSync(join(dir, 'bad3.csv'), 'operation,actual_cost\nimage_upload,0.0002,7\n');
    expect(audit(dir, 'bad3.csv')).toMatchObject({ code: 2, stderr: 'error: bad3.csv:2:3: row has 3 fields but the header has 2\n' });
    writeFileSync(join(dir, 'bad4.csv'), 'operation,actual_cost\nimage_upload,"0.0002\n');
    expect(audit(dir, 'bad4.csv').stderr).toMatch(/^error: bad4\.csv:2: not valid CSV: Quote Not Closed/);
  });

  it('reads quoted fields as csv-parse does, without counting a line twice when a field spans lines', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`cust_${i % 37}`, i % 3 === 0 ? 'ai_analysis' : 'image_upload', `0.00${(i % 9) + 1}`, i % 3 === 0 ? '100' : '1']);
    const plain = ['customer_id,operation,actual_cost,credits_consumed', ...rows.map((r) => r.join(','))];
    const quoted = ['customer_id,operation,actual_cost,credits_consumed', ...rows.map((r) => `"${r[0]}",${r[1]},"${r[2]}",${r[3]}`)];
    // A field with a line break near the end: the rest goes to csv-parse, from that line on only.
    plain.push('"cust_x\ny",image_upload,0.001,1');
    quoted.push('"cust_x\ny",image_upload,0.001,1');
    writeFileSync(join(dir, 'plain.csv'), `${plain.join('\n')}\n`);
    writeFileSync(join(dir, 'quoted.csv'), `${quoted.join('\n')}\n`);
    const read = (file: string) => {
      const doc = JSON.parse(audit(dir, file, '--json').stdout);
      delete doc.usage;
      return doc;
    };
    const fromPlain = read('plain.csv');
    expect(fromPlain.operations.reduce((n: number, o: { calls: number }) => n + o.calls, 0)).toBe(401);
    expect(read('quoted.csv')).toEqual(fromPlain);
  });

  it('refuses a log without the columns it needs, a bad window and a missing file', () => {
    writeFileSync(join(dir, 'nocost.csv'), 'operation,price\nimage_upload,1\n');
    expect(audit(dir, 'nocost.csv')).toMatchObject({ code: 2, stderr: 'error: nocost.csv:1: no cost column (expected one of actual_cost, cost, or --column cost=HEADER); columns: operation, price\n' });
    expect(audit(dir, 'usage.csv', '--since', 'last week')).toMatchObject({ code: 2, stderr: 'error: --since takes 7d, 24h or an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z (UTC without an offset), got "last week"\n' });
    expect(audit(dir, 'nope.csv')).toMatchObject({ code: 2, stderr: 'error: nope.csv: no such usage file\n' });
    writeFileSync(join(dir, 'badtime.csv'), 'timestamp,operation,actual_cost\nyesterday,image_upload,0.0002\n');
    expect(audit(dir, 'badtime.csv', '--since', '7d')).toMatchObject({ code: 2, stderr: 'error: badtime.csv:2:1: timestamp: "yesterday" is not an ISO 8601 date-time (one without an offset is UTC)\n' });
    expect(audit(dir)).toMatchObject({ code: 2, stderr: "error: missing required argument 'usage' (a usage CSV, or - for stdin; or --emit-sql / --db)\n" });
  });
});

/**
 * A large log's top customers of video_processing, read on threads and in
 * order (stdin), after a few of its calls are changed: a customer whose three
 * costs pass 4·10^15 units of 10^-12 together, two at the start (one thread's
 * sum spills past a Number) and one at the end (another thread's); one whose
 * cost has more decimals than the units keep; an id written with spaces
 * around it.
 */
function topCustomersBothWays(dir: string): void {
  const lines = readFileSync(join(dir, 'usage.csv'), 'utf8').replace('oops', '0.5').trimEnd().split('\n');
  const header = lines[0]!.split(',');
  const video = lines.flatMap((line, i) => (line.split(',')[header.indexOf('operation')] === 'video_processing' ? [i] : []));
  const set = (i: number, column: string, value: string) => {
    const fields = lines[i]!.split(',');
    fields[header.indexOf(column)] = value;
    lines[i] = fields.join(',');
  };
  for (const i of [video[0]!, video[2]!, video.at(-1)!]) (set(i, 'customer_id', 'cust_big'), set(i, 'actual_cost', '3999.99'));
  set(video[1]!, 'customer_id', 'cust_fine');
  set(video[1]!, 'actual_cost', '2000.0000000000001');
  set(video[video.length >> 1]!, 'customer_id', ' cust_0007 ');
  writeFileSync(join(dir, 'spilled.csv'), `${lines.join('\n')}\n`);
  const threads = credits(['audit', 'spilled.csv', '--json', '--top', '7'], { cwd: dir });
  const inOrder = credits(['audit', '-', '--json', '--top', '7'], { cwd: dir, input: readFileSync(join(dir, 'spilled.csv')) });
  const top = (stdout: string) => (JSON.parse(stdout) as AuditJson).operations.find((o) => o.operation === 'video_processing')!.top_customers!;
  expect(top(threads.stdout)).toEqual(top(inOrder.stdout));
  // In order of cost, the whale's about 15,000.
  expect(top(threads.stdout).slice(0, 3).map((c) => c.customer)).toEqual([WHALE, 'cust_big', 'cust_fine']);
  expect(top(threads.stdout)).toHaveLength(7);
  expect(threads.stdout).toMatch(/"customer": "cust_big",\n\s+"calls": 3,\n\s+"cost": 11999\.97,/);
  expect(threads.stdout).toMatch(/"customer": "cust_fine",\n\s+"calls": 1,\n\s+"cost": 2000\.0000000000001,/);
}

describe('a large log read on several threads', () => {
  const { dir, totals } = usageWorkspace(300_000, 11);

  it('sums exactly what it would read in order, and finds bad rows by line', () => {
    expect(statSync(join(dir, 'usage.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    const found = costs(dir, 'usage.csv');
    for (const [operation, t] of Object.entries(totals)) expect(found[operation]!.cost, operation).toBe(dollars(t.costMicros));
    const text = readFileSync(join(dir, 'usage.csv'), 'utf8');
    const lines = text.split('\n');
    lines[250_001] = lines[250_001]!.replace(/,(\d+\.\d+),/, ',oops,');
    writeFileSync(join(dir, 'usage.csv'), lines.join('\n'));
    expect(audit(dir, 'usage.csv').stderr).toBe('error: usage.csv:250002:4: actual_cost: "oops" is not a number\n');
  }, 120_000);

  it('refuses a large log without an operation column as a small one, not as a thread that died', () => {
    const text = readFileSync(join(dir, 'usage.csv'), 'utf8').replace('oops', '0.5');
    writeFileSync(join(dir, 'noop.csv'), text.replace(/^([^\n]*)operation/, '$1op_name'));
    expect(statSync(join(dir, 'noop.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    expect(audit(dir, 'noop.csv')).toMatchObject({
      code: 2,
      stderr: 'error: noop.csv:1: no operation column (expected one of operation, op, name, endpoint, or --column operation=HEADER); columns: timestamp, customer_id, op_name, actual_cost, credits_consumed\n',
    });
  }, 120_000);

  it('lists operations in the order of their first call, whichever thread read which part', () => {
    // Three operations the table does not price, of one call each at one cost, so that only their order tells them
    // apart in the report: first called near the start, the middle and the end, and named against that order.
    // (The test before this one left a bad row in usage.csv.)
    const lines = readFileSync(join(dir, 'usage.csv'), 'utf8').replace('oops', '0.5').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    const call = (operation: string) => header.map((h) => (h === 'operation' ? operation : h === 'actual_cost' ? '0.5' : lines[1]!.split(',')[header.indexOf(h)])).join(',');
    lines.splice(10, 0, call('zz_early'));
    lines.splice(150_000, 0, call('mm_middle'));
    lines.splice(lines.length - 10, 0, call('aa_late'));
    writeFileSync(join(dir, 'order.csv'), `${lines.join('\n')}\n`);
    const threads = credits(['audit', 'order.csv', '--json'], { cwd: dir });
    const inOrder = credits(['audit', '-', '--json'], { cwd: dir, input: readFileSync(join(dir, 'order.csv')) });
    const unpriced = (stdout: string) => (JSON.parse(stdout) as { unpriced: { operation: string }[] }).unpriced.map((u) => u.operation);
    expect(unpriced(inOrder.stdout)).toEqual(['zz_early', 'mm_middle', 'aa_late']);
    expect(threads.stdout.replace(/"usage": "[^"]*"/, '')).toBe(inOrder.stdout.replace(/"usage": "[^"]*"/, ''));
    expect(credits(['audit', 'order.csv'], { cwd: dir }).stdout).toContain('zz_early');
  }, 120_000);

  it('names the top customers the in-order read names, with costs past a Number’s units and of more decimals', () => {
    topCustomersBothWays(dir);
  }, 120_000);

  it('shows a progress bar on a terminal, and none when stderr is not one', async () => {
    // A quote sends the file through the in-order reader, which reports as it goes.
    writeFileSync(join(dir, 'clean.csv'), readFileSync(join(dir, 'usage.csv'), 'utf8').replace('oops', '0.5').replace(',image_upload,', ',"image_upload",'));
    const term = new Terminal(['audit', 'clean.csv', '--floor', '0'], dir);
    expect(await term.exited).toBe(0);
    expect(term.text).toMatch(/\[#+-*\] \d+% [\d.]+ MB/);
    const piped = audit(dir, 'clean.csv', '--floor', '0');
    expect(piped).toMatchObject({ code: 0, stderr: '' });
  }, 60_000);
});

describe('a large log of many customers, whose calls the reader threads keep as read', () => {
  // 10,000 customers of 5 operations: past 32,768 pairs the threads keep calls as read, and look up only the customers of
  // the operations the audit flags, when asked for them.
  const { dir } = usageWorkspace(300_000, 12, 10_000);

  it('names the top customers the in-order read names, with costs past a Number’s units and of more decimals', () => {
    expect(statSync(join(dir, 'usage.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    topCustomersBothWays(dir);
  }, 120_000);

  it('reports the same audit as the in-order read, in every format', () => {
    for (const format of ['json', 'text', 'markdown']) {
      const threads = credits(['audit', 'usage.csv', '--format', format], { cwd: dir });
      const inOrder = credits(['audit', '-', '--format', format], { cwd: dir, input: readFileSync(join(dir, 'usage.csv')) });
      expect(threads.code).toBe(1);
      // The log's name is the only difference: usage.csv, or stdin's.
      const same = (stdout: string) => stdout.replace(/"usage": "[^"]*"/, '').replace(/usage\.csv|<stdin>/g, 'LOG');
      expect(same(threads.stdout)).toBe(same(inOrder.stdout));
    }
  }, 120_000);
});

/**
 * A log of `rows` calls a second apart, of `operations` operations (op_000 …, their costs written to costs.csv in `dir`)
 * and `customers` customers: each call is op_000's with the chance share(i), else another's; the `losing` operations
 * cost three times what they earn, the others a fifth.
 */
function largeLog(dir: string, o: { operations: number; customers: number; idDigits: number; seed: number; rows: number; share: (i: number) => number; losing: number[] }): string {
  const operations = Array.from({ length: o.operations }, (_, i) => ({ operation: `op_${String(i).padStart(3, '0')}`, credits: 1 + ((i * 37) % 500) }));
  writeFileSync(join(dir, 'costs.csv'), `operation,cost\n${operations.map((op) => `${op.operation},${(op.credits * 0.0002).toFixed(4)}`).join('\n')}\n`);
  const losing = new Set(o.losing.map((i) => operations[i]!));
  const random = mulberry32(o.seed);
  const lines = ['timestamp,customer_id,operation,credits_consumed,actual_cost'];
  for (let i = 0; i < o.rows; i++) {
    const op = random() < o.share(i) ? operations[0]! : operations[1 + Math.floor(random() * (operations.length - 1))]!;
    const customer = `cust_${String(1 + Math.floor(random() * o.customers)).padStart(o.idDigits, '0')}`;
    const cost = (op.credits * 0.001 * (losing.has(op) ? 3 : 0.2) * (0.5 + random())).toFixed(6);
    lines.push(`${new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString()},${customer},${op.operation},${op.credits},${cost}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('a large log of many operations and few customers, one operation carrying a third of the calls', () => {
  // 1,500 customers of 120 operations: past 32,768 pairs the threads keep calls as read, but op_000 (a third of the calls
  // past the first tenth of the log, one in a hundred before it) is summed as read once it carries one call in 16. Its
  // calls kept before then are looked up afterwards beside those summed; op_007 (light, also losing money) is kept.
  const dir = suiteDir();
  const rows = 330_000;
  writeFileSync(join(dir, 'usage.csv'), largeLog(dir, { operations: 120, customers: 1_500, idDigits: 4, seed: 29, rows, share: (i) => (i < rows / 10 ? 0.01 : 1 / 3), losing: [0, 7] }));

  it('reports what the in-order read reports, the heavy operation’s customers included', () => {
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    expect(statSync(join(dir, 'usage.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    const threads = credits(['audit', 'usage.csv', '--json'], { cwd: dir });
    const inOrder = credits(['audit', '-', '--json'], { cwd: dir, input: readFileSync(join(dir, 'usage.csv')) });
    expect(threads.code).toBe(1);
    expect(threads.stdout.replace(/"usage": "[^"]*"/, '')).toBe(inOrder.stdout.replace(/"usage": "[^"]*"/, ''));
    const report = JSON.parse(threads.stdout) as AuditJson;
    const flagged = report.operations.filter((o) => o.status !== 'ok');
    expect(flagged.map((o) => o.operation).sort()).toEqual(['op_000', 'op_007']);
    for (const o of flagged) expect(o.top_customers!.length, o.operation).toBe(5);
  }, 120_000);
});

describe('a large log of 20,000 customers, the flagged operation carrying half the calls', () => {
  // Each reader thread meets nearly every customer of op_000, more than it sends whole: it sends only those that can be
  // among the costliest, and is asked again about the few some other thread sent and it did not. One customer id that is
  // not plain ASCII makes the thread that read it send every customer, and the other is then asked for all of its own.
  const dir = suiteDir();
  const text = largeLog(dir, { operations: 12, customers: 20_000, idDigits: 5, seed: 31, rows: 440_000, share: () => 0.5, losing: [0] });
  writeFileSync(join(dir, 'usage.csv'), text);
  writeFileSync(join(dir, 'named.csv'), `${text}2026-10-31T00:00:00.000Z,kunde_ü,op_000,1,0.004000\n`);
  const same = (stdout: string) => stdout.replace(/"usage": "[^"]*"/, '');

  it('reports what the in-order read reports, whichever way the threads send their customers', () => {
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    for (const log of ['usage.csv', 'named.csv']) {
      for (const top of ['1', '5', '40']) {
        const threads = credits(['audit', log, '--json', '--top', top], { cwd: dir });
        const inOrder = credits(['audit', '-', '--json', '--top', top], { cwd: dir, input: readFileSync(join(dir, log)) });
        expect(threads.code, `${log} --top ${top}`).toBe(1);
        expect(same(threads.stdout), `${log} --top ${top}`).toBe(same(inOrder.stdout));
        const flagged = (JSON.parse(threads.stdout) as AuditJson).operations.find((o) => o.operation === 'op_000')!;
        expect(flagged.status).not.toBe('ok');
        expect(flagged.top_customers!.length).toBe(Number(top));
      }
    }
  }, 240_000);
});
