import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, credits, tempDir } from '../helpers.js';
import { usageWorkspace } from '../support/usage.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'diff.schema.json'), 'utf8')));

interface DiffJson {
  passed: boolean;
  operations: { operation: string; change: string; credits_before: number | null; credits_after: number | null; steps: number[] | null; margin_before: number | null; margin_after: number | null }[];
  customers: { revenue_before: number; revenue_after: number; over_threshold: number; bills: { customer: string; plan: string | null; calls: number; bill_before: number; bill_after: number; over_threshold: boolean }[]; grandfather: { customer: string; share: number }[] } | null;
}

/** Parses a document and checks it against the shipped JSON Schema. */
function documentOf(stdout: string): DiffJson {
  const doc = JSON.parse(stdout);
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
}

const raise = (dir: string, file = 'credits.yaml') => {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, 'utf8').replace('video_processing: { credits: 2500,', 'video_processing: { pinned: true, credits: 5000,'));
};

/**
 * Bills computed from the log itself, independently of credits: calls per
 * customer and operation, times each table's credits, at $0.001 a credit, in
 * thousandths of a dollar (integers).
 */
function expectedBills(log: string, creditsBefore: Record<string, number>, creditsAfter: Record<string, number>) {
  const [head, ...rows] = log.trim().split('\n');
  const columns = head!.split(',');
  const [c, o] = [columns.indexOf('customer_id'), columns.indexOf('operation')];
  const bills = new Map<string, { before: number; after: number; calls: number }>();
  for (const row of rows) {
    const cells = row.split(',');
    const bill = bills.get(cells[c]!) ?? { before: 0, after: 0, calls: 0 };
    bill.before += creditsBefore[cells[o]!]!;
    bill.after += creditsAfter[cells[o]!]!;
    bill.calls++;
    bills.set(cells[c]!, bill);
  }
  return bills;
}

const WORKED = { image_upload: 1, basic_resize: 5, ai_analysis: 100, background_removal: 250, video_processing: 2500 };

describe('credits diff on a generated log', () => {
  const { dir } = usageWorkspace(20_000, 11);
  copyFileSync(join(dir, 'credits.yaml'), join(dir, 'old.yaml'));
  raise(dir);

  it('bills every customer under both tables exactly, largest rise first', () => {
    const run = credits(['diff', 'old.yaml', 'credits.yaml', '--usage', 'usage.csv', '--json'], { cwd: dir });
    expect(run.code).toBe(1);
    const doc = documentOf(run.stdout);
    const expected = expectedBills(readFileSync(join(dir, 'usage.csv'), 'utf8'), WORKED, { ...WORKED, video_processing: 5000 });
    expect(doc.customers!.bills).toHaveLength(expected.size);
    for (const bill of doc.customers!.bills) {
      const want = expected.get(bill.customer)!;
      expect([bill.calls, bill.bill_before, bill.bill_after], bill.customer).toEqual([want.calls, want.before / 1000, want.after / 1000]);
      expect(bill.over_threshold).toBe(want.after > want.before * 1.2);
    }
    // Compared in thousandths of a dollar, as integers: the test does no float arithmetic on money.
    const increases = doc.customers!.bills.map((b) => Math.round(b.bill_after * 1000) - Math.round(b.bill_before * 1000));
    expect(increases).toEqual([...increases].sort((a, b) => b - a));
    const total = (key: 'before' | 'after') => [...expected.values()].reduce((n, b) => n + b[key], 0) / 1000;
    expect(doc.customers!.revenue_before).toBe(total('before'));
    expect(doc.customers!.revenue_after).toBe(total('after'));
    expect(doc.customers!.over_threshold).toBe([...expected.values()].filter((b) => b.after > b.before * 1.2).length);
    expect(doc.customers!.grandfather[0]!.customer).toBe('cust_whale');
    expect(doc.operations.find((o) => o.operation === 'video_processing')).toMatchObject({ change: 'changed', credits_before: 2500, credits_after: 5000, steps: [3000, 3600, 4320, 5000], margin_before: 0.8, margin_after: 0.9 });
  });

  it('prints the change, the steps, the customers and the grandfather candidates', () => {
    const run = credits(['diff', 'old.yaml', 'credits.yaml', '--usage', 'usage.csv', '--top', '3'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('│ video_processing │ 2,500 → 5,000 │  +100% │ 80% → 90% │');
    expect(run.stdout).toContain('video_processing: 2,500 → 3,000 → 3,600 → 4,320 → 5,000');
    expect(run.stdout).toMatch(/Grandfather candidates \(rise more than 20%\):\n {2}cust_whale \+100%, [\d.]+% of revenue/);
    expect(run.stdout).toMatch(/✗ \d+ customers’ bills rise more than 20%\n$/);
  });

  it('passes under a threshold the rises stay within', () => {
    expect(credits(['diff', 'old.yaml', 'credits.yaml', '--usage', 'usage.csv', '--threshold', '1'], { cwd: dir }).code).toBe(0);
  });
});

describe('plans', () => {
  it('bills a mapped customer on their plan, crossing from inside it into overage', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), `${readFileSync(join(dir, 'credits.yaml'), 'utf8')}plans:\n  - { name: Starter, price: 29, included_credits: 50000 }\n`);
    copyFileSync(join(dir, 'credits.yaml'), join(dir, 'old.yaml'));
    raise(dir);
    // 16 videos: 40,000 credits before (inside 50,000), 80,000 after (30,000 over at $0.001).
    writeFileSync(join(dir, 'usage.csv'), `customer_id,operation,actual_cost\n${'acme,video_processing,0.5\n'.repeat(16)}solo,image_upload,0.0002\n`);
    writeFileSync(join(dir, 'plans.csv'), 'customer_id,plan\nacme,Starter\n');
    const doc = documentOf(credits(['diff', 'old.yaml', 'credits.yaml', '--usage', 'usage.csv', '--customer-plans', 'plans.csv', '--json'], { cwd: dir }).stdout);
    expect(doc.customers!.bills).toEqual([
      expect.objectContaining({ customer: 'acme', plan: 'Starter', bill_before: 29, bill_after: 59, over_threshold: true }),
      expect.objectContaining({ customer: 'solo', plan: null, bill_before: 0.001, bill_after: 0.001, over_threshold: false }),
    ]);
    writeFileSync(join(dir, 'bad.csv'), 'customer_id,plan\nacme,Enterprise\n');
    expect(credits(['diff', 'old.yaml', 'credits.yaml', '--usage', 'usage.csv', '--customer-plans', 'bad.csv'], { cwd: dir })).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: bad.csv:2:2: plan "Enterprise" is in neither table (plans: Starter)\n',
    });
  });
});

describe('tables from git', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, stdio: 'pipe' });
  beforeEach(() => {
    repo = tempDir();
    git('init', '-q', '-b', 'main');
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(repo, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: repo }).code).toBe(0);
    git('add', '.');
    git('commit', '-qm', 'table');
  });

  it('reads REV:path and --base-ref through git, and annotates the new table’s lines', () => {
    raise(repo);
    const explicit = credits(['diff', 'main:credits.yaml', 'credits.yaml', '--format', 'json'], { cwd: repo });
    expect(explicit.code).toBe(1);
    expect(documentOf(explicit.stdout).operations.find((o) => o.operation === 'video_processing')).toMatchObject({ credits_before: 2500, credits_after: 5000 });
    const short = credits(['diff', 'credits.yaml', '--base-ref', 'HEAD', '--format', 'github'], { cwd: repo });
    const line = readFileSync(join(repo, 'credits.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('  video_processing:')) + 1;
    expect(short.stdout).toBe(
      `::warning file=credits.yaml,line=${line},title=credits diff (video_processing)::video_processing: 2,500 → 5,000 credits (+100%25); margin 80%25 → 90%25\n✗ credits or the price rise more than 20%\n`,
    );
    expect(short.code).toBe(1);
  });

  it('a table against itself is no change, exit 0', () => {
    const run = credits(['diff', 'HEAD:credits.yaml', 'credits.yaml'], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No operation’s credits changed.');
    expect(run.stdout).toMatch(/✓ no change\n$/);
  });

  it('names a revision git cannot read', () => {
    expect(credits(['diff', 'nope:credits.yaml', 'credits.yaml'], { cwd: repo })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: nope:credits\.yaml: git could not read it \(.*nope.*\)\n$/) });
  });

  it('cannot be turned into a git option', () => {
    const target = join(repo, 'pwned');
    for (const args of [['diff', `--output=${target}:credits.yaml`, 'credits.yaml'], ['diff', '--', `--output=${target}:credits.yaml`, 'credits.yaml'], ['diff', 'credits.yaml', '--base-ref', `--output=${target}`]]) {
      const run = credits(args, { cwd: repo });
      expect(run.code, args.join(' ')).toBe(2);
      expect(existsSync(target), args.join(' ')).toBe(false);
    }
    expect(credits(['diff', '--', `--output=${target}:credits.yaml`, 'credits.yaml'], { cwd: repo }).stderr).toBe(
      `error: --output=${target}:credits.yaml: a revision or path may not start with "-"\n`,
    );
  });
});

describe('the customer notice and the pull-request comment', () => {
  it('writes a notice with the change, the reason, the steps and an example, and no cost or margin', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    copyFileSync(join(dir, 'credits.yaml'), join(dir, 'old.yaml'));
    raise(dir);
    const run = credits(['diff', 'old.yaml', 'credits.yaml', '--notice', 'notice.md', '--effective', '2026-12-01', '--reason', 'video_processing=Videos now render in 4K.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Wrote notice.md\n');
    const notice = readFileSync(join(dir, 'notice.md'), 'utf8');
    expect(notice).toContain('From 2026-12-01, these operations use a different number of credits:');
    expect(notice).toContain('| video\\_processing | 2,500 | 5,000 |');
    expect(notice).toContain('- **video\\_processing**: Videos now render in 4K.');
    expect(notice).toContain('- video\\_processing: 2,500 → 3,000 (2026-12) → 3,600 (2027-01) → 4,320 (2027-02) → 5,000 (2027-03)');
    expect(notice).toContain('100 × video\\_processing = 250,000 credits ($250) today, and 500,000 credits ($500) once the change is complete.');
    for (const secret of ['0.0002', '0.0008', '0.015', '0.04', '0.5 ', '80%', '90%', 'margin', 'cost']) expect(notice.toLowerCase(), secret).not.toContain(secret);
  });

  it('renders markdown for a pull request and appends it to GITHUB_STEP_SUMMARY', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    copyFileSync(join(dir, 'credits.yaml'), join(dir, 'old.yaml'));
    raise(dir);
    const summary = join(dir, 'summary.md');
    const run = credits(['diff', 'old.yaml', 'credits.yaml', '--format', 'markdown'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(run.stdout).toContain('### credits diff: ✗ credits or the price rise more than 20%');
    expect(run.stdout).toContain('| video\\_processing | 2,500 → 5,000 | +100% | 80% → 90% |');
    expect(readFileSync(summary, 'utf8')).toBe(`${run.stdout}\n`);
  });

  it('refuses what it cannot do', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    const refuse = (args: string[], stderr: string) => expect(credits(['diff', ...args], { cwd: dir })).toMatchObject({ code: 2, stdout: '', stderr: `error: ${stderr}\n` });
    refuse(['credits.yaml'], 'missing the new table: give OLD NEW (files or REV:path), or NEW --base-ref REV');
    refuse(['credits.yaml', 'credits.yaml', '--customer-plans', 'x.csv'], '--customer-plans, --since and --until describe the usage; give --usage FILE or --db URL');
    refuse(['credits.yaml', 'missing.yaml'], 'missing.yaml: no such table');
    refuse(['credits.yaml', 'credits.yaml', '--usage', 'nope.csv'], 'nope.csv: no such usage file');
    refuse(['credits.yaml', 'credits.yaml', '--reason', 'ghost=why'], '--reason ghost: not an operation of either table');
    refuse(['credits.yaml', 'credits.yaml', '--effective', 'soon'], '--effective takes an ISO 8601 date such as 2026-12-01, got "soon"');
    refuse(['credits.yaml', 'credits.yaml', '--threshold', '0'], '--threshold must be greater than 0, got 0');
  });
});
