import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

function withTable(args: string[] = []) {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv', ...args], { cwd: dir }).code).toBe(0);
  return dir;
}

describe('credits price', () => {
  it('prices a bare cost per credit: 0.0003 at 70% is $1 per 1,000 credits', () => {
    const run = credits(['price', '--cost-per-credit', '0.0003', '--margin', '0.7']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Price: $1 per 1,000 credits ($0.001 per credit)\n  the cost per credit is $0.0003; at a 70% target margin that is $0.001, rounded up to $0.001\n',
    );
    const json = JSON.parse(credits(['price', '--cost-per-credit', '0.0003', '--margin', '0.7', '--json']).stdout);
    expect(json.price).toMatchObject({ per_credit: 0.001, display: '$1 per 1,000 credits', target_margin: 0.7, cost_per_credit: 0.0003 });
  });

  it("re-prices a table's credits at another margin and prints every margin", () => {
    const dir = withTable();
    const run = credits(['price', '--margin', '0.9'], { cwd: dir });
    expect(run.code).toBe(0);
    // K = 0.0002 → 0.0002 / 0.1 = 0.002
    expect(run.stdout).toContain('Price: $2 per 1,000 credits ($0.002 per credit)');
    expect(run.stdout).toMatch(/│ image_upload\s+│\s+1 │\s+\$0\.0002 │\s+\$0\.00020 │\s+90% │/);
    expect(run.stdout).toMatch(/│ ai_analysis\s+│\s+100 │\s+\$0\.0150 │\s+\$0\.00015 │\s+92\.5% │/);
    const json = JSON.parse(credits(['price', '--margin', '0.9', '--json'], { cwd: dir }).stdout);
    expect(json.price.per_credit).toBe(0.002);
    expect(json.operations.video_processing).toEqual({ credits: 2500, cost: 0.5, margin: 0.9, below_floor: false });
  });

  it('flags operations under the floor', () => {
    const dir = withTable();
    const json = JSON.parse(credits(['price', '--floor', '0.81', '--json'], { cwd: dir }).stdout);
    expect(json.operations.image_upload.below_floor).toBe(true);
    expect(json.operations.ai_analysis.below_floor).toBe(false);
  });

  it("updates the table's price in place with --write, keeping comments", () => {
    const dir = withTable();
    const path = join(dir, 'credits.yaml');
    const run = credits(['price', '--margin', '0.9', '--write'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('Updated the price in credits.yaml\n');
    const table = parse(readFileSync(path, 'utf8'));
    expect(table.price).toEqual({ per_credit: 0.002, pack: { credits: 1000, price: 2 }, display: '$2 per 1,000 credits', target_margin: 0.9, basis: 'worst' });
    expect(table.operations.basic_resize.margin).toBe(0.92);
    expect(table.operations.basic_resize.credits).toBe(5);
  });

  it('refuses what it cannot do', () => {
    const dir = tempDir();
    const missing = credits(['price'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'error: credits.yaml: no such table\n' });
    const both = credits(['price', '--cost-per-credit', '0.0003', '--write'], { cwd: dir });
    expect(both).toMatchObject({ code: 2, stderr: 'error: --write updates a table; it cannot go with --cost-per-credit\n' });
    const currency = credits(['price', '--cost-per-credit', '0.0003', '--currency', 'euros'], { cwd: dir });
    expect(currency).toMatchObject({ code: 2, stderr: 'error: --currency takes a three-letter ISO 4217 code such as USD or EUR, got "euros"\n' });
    expect(credits(['price', '--cost-per-credit', '0.0003', '--currency', 'eur'], { cwd: dir }).stdout).toContain('Price: €1 per 1,000 credits');
    const zero = credits(['price', '--cost-per-credit', '0'], { cwd: dir });
    expect(zero).toMatchObject({ code: 2, stderr: 'error: --cost-per-credit must be greater than 0, got 0\n' });
    const blended = credits(['price', '--basis', 'blended'], { cwd: withTable() });
    expect(blended.code).toBe(2);
    expect(blended.stderr).toBe('error: basis blended needs volumes, and image_upload has none (add a volume column or use --basis worst)\n');
  });
});

describe('global behaviour', () => {
  it('prints the version and help', () => {
    const version = credits(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(FIXTURES, '..', 'package.json'), 'utf8')).version);
    const help = credits(['design', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--base', '--unit-cost', '--rate', '--multiplier', '--stat', '--ladder', '--rounding', '--max-levels', '--margin', '--floor', '--basis', '--currency', '--column', '--out', '--dry-run']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('colours only when asked, and never with NO_COLOR', () => {
    const forced = credits(['price', '--cost-per-credit', '0.0003'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const plain = credits(['price', '--cost-per-credit', '0.0003'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const flag = credits(['price', '--cost-per-credit', '0.0003', '--no-color'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(flag.stdout).not.toMatch(/\u001b\[/);
  });
});
