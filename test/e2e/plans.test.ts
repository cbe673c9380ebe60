import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

let dir: string;
const table = () => join(dir, 'credits.yaml');

/** The worked example's table with the hand-written modifiers and plans of the fixture. */
beforeEach(() => {
  dir = tempDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(table(), readFileSync(table(), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
});

const run = (...args: string[]) => credits(args, { cwd: dir });

/** The table's costs, cost per credit and margins, in the forms any renderer could print them. */
function expectNoCostsOrMargins(page: string) {
  for (const secret of ['0.0002', '0.0008', '0.015', '0.04', '$0.50', '0.5 ', '80%', '84%', '85%', '0.84', '0.85', 'margin', 'profit']) {
    expect(page.toLowerCase(), secret).not.toContain(secret);
  }
}

describe('credits plans', () => {
  it('derives included credits by each method and prices every plan', () => {
    const report = JSON.parse(run('plans', '--json').stdout);
    expect(report.overage).toEqual({ per_credit: 0.001, display: '$1 per 1,000 credits' });
    expect(report.plans.map((p: { name: string; included_credits: number }) => [p.name, p.included_credits])).toEqual([
      ['Free', 1000],
      ['Starter', 50000],
      ['Pro', 250000],
      ['Team', 50000],
      ['Indie', 50000],
    ]);
    expect(report.plans[1]).toMatchObject({ effective_per_credit: 0.00058, discount: 0.42, worst_case_cost: 10, worst_case_margin: 0.6552, worst_case_operation: 'image_upload' });
    expect(report.plans[0]).toMatchObject({ worst_case_cost: 0.2, worst_case_margin: null });
    const text = run('plans');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Starter: 50,000 (29 / 0.001 × (1 + 0.75) = 50750, nearest friendly step)');
    expect(text.stdout).toContain('Free is free: fully used it costs $0.20 a month per customer.');
  });

  it('records derived included credits with --write, keeping the rest as written', () => {
    expect(run('plans', '--write').stderr).toBe('Recorded included_credits of 4 plans in credits.yaml\n');
    const text = readFileSync(table(), 'utf8');
    expect(text).toContain('  - { name: Starter, price: 29, method: cost-multiple, buffer: 0.75, included_credits: 50000 }');
    expect(parse(text).plans[4]).toMatchObject({ name: 'Indie', included_credits: 50000 });
    expect(text).toContain('# Hand-written sections to append');
    expect(run('plans', '--write').stderr).toBe("credits.yaml already records every plan's included credits\n");
    expect(run('check').code).toBe(1);
  });

  it('names the plan a method cannot derive', () => {
    writeFileSync(table(), readFileSync(table(), 'utf8').replace('ops_per_day: 100, ', ''));
    const line = readFileSync(table(), 'utf8').split('\n').findIndex((l) => l.includes('name: Team')) + 1;
    expect(run('plans')).toMatchObject({ code: 2, stderr: `error: credits.yaml:${line}: plans[3]: plan Team: method use-case needs ops_per_day\n` });
  });
});

describe('modifiers', () => {
  it('check reports the zero-credit discount at the modifier’s line', () => {
    const found = JSON.parse(run('check', '--json').stdout).findings;
    const line = readFileSync(table(), 'utf8').split('\n').findIndex((l) => l.includes('- name: commitment')) + 1;
    expect(found).toEqual([
      expect.objectContaining({
        code: 'zero-credit-discount',
        operation: 'image_upload',
        line,
        committed: 1,
        expected: 0,
        message: 'with off_peak 0.7 × commitment 0.6, image_upload costs floor(1 × 0.42) = 0 credits: a free call; run `credits design costs.csv --pin image_upload=5`, or limit the discounts',
      }),
    ]);
  });

  it('check reports a stack of discounts that pushes a margin under the floor', () => {
    // video_processing: floor(2500 × 0.42) = 1050 credits for $0.50 of cost: margin 52.4%.
    const found = JSON.parse(run('check', '--json', '--floor', '0.6').stdout).findings;
    expect(found.find((f: { code: string; operation: string }) => f.code === 'modifier-below-floor' && f.operation === 'video_processing')).toMatchObject({ committed: 0.5238, expected: 0.6 });
  });

  it('the design summary shows the worst case of every operation', () => {
    const summary = run('design', 'costs.csv', '--dry-run').stdout;
    expect(summary).toMatch(/│ image_upload +│ .+ │ +0 │ +free │/);
    expect(summary).toMatch(/│ video_processing +│ .+ │ +1,050 │ +52\.4% │/);
    expect(summary).toContain('Worst case: the deepest discounts that can apply together, off_peak 0.7 × commitment 0.6 = 0.42');
  });

  it('the schema refuses a modifier of an unknown shape', () => {
    writeFileSync(table(), readFileSync(table(), 'utf8').replace('kind: load, above: 0.9', 'kind: load, over: 0.9'));
    expect(run('check').code).toBe(2);
    expect(run('check').stderr).toMatch(/^error: credits\.yaml:\d+:\d+: modifiers\[1\]: /);
  });
});

describe('credits docs', () => {
  it('writes the customer page with a worked example and no cost or margin', () => {
    const markdown = run('docs').stdout;
    expect(markdown).toContain('# Understanding credits');
    expect(markdown).toContain('| ai\\_analysis | 100 |');
    expect(markdown).toContain('| Starter | $29 | 50,000 |');
    expect(markdown).toContain('Credits beyond your plan cost **$1 per 1,000 credits**.');
    expect(markdown).toContain('100 × ai\\_analysis = 10,000 credits, $10 over plan.');
    expect(markdown).toContain('- off\\_peak: 30% off from 02:00 to 06:59 UTC');
    expectNoCostsOrMargins(markdown);
  });

  it('writes HTML to a file and escapes names from the table', () => {
    writeFileSync(table(), readFileSync(table(), 'utf8').replace('  basic_resize: {', '  "<script>alert(1)</script>": { credits: 5, cost: 0.0008 }\n  basic_resize: {'));
    expect(run('docs', '--format', 'html', '-o', 'pricing.html')).toMatchObject({ code: 0, stderr: 'Wrote pricing.html\n' });
    const page = readFileSync(join(dir, 'pricing.html'), 'utf8');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<p>100 × ai_analysis = 10,000 credits, $10 over plan.</p>');
    expectNoCostsOrMargins(page.replace(/<style>[\s\S]*<\/style>/, ''));
  });
});

describe('credits report', () => {
  it('writes one self-contained HTML file with inline SVG charts', () => {
    expect(run('report', '-o', 'report.html')).toMatchObject({ code: 0, stderr: 'Wrote report.html\n' });
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page.match(/<svg /g)).toHaveLength(4);
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)|<link /);
    expect(page).toContain('Worst case: off_peak 0.7 × commitment 0.6 = 0.42');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});
