import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_TARGETS } from '../../src/core/choices.js';
import { COMMANDS } from '../../src/options.js';
import { FIXTURES, ROOT, credits, suiteDir } from '../helpers.js';
import { usageWorkspace } from '../support/usage.js';

/**
 * Whole outputs, compared byte for byte with the files under test/golden/: a
 * change of output is a reviewed diff. `npm run golden:update` rewrites the
 * files from the current build; review what changed before committing it.
 */
const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  const run = credits(args, { cwd, env: { COLUMNS: '100', ...env } });
  const text = `$ credits ${args.join(' ')}\nexit: ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
  const file = join(GOLDEN, `${name}.txt`);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect(existsSync(file), `${file} is missing: run npm run golden:update`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('golden: --help', () => {
  const dir = suiteDir();
  it('of credits', () => golden('help', ['--help'], dir));
  for (const command of COMMANDS) it(`of credits ${command.name}`, () => golden(`help-${command.name}`, [command.name, '--help'], dir));
});

describe('golden: the worked example', () => {
  const { dir } = usageWorkspace(20_000, 1);
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'drifted.csv'));
  writeFileSync(join(dir, 'drifted.csv'), readFileSync(join(dir, 'drifted.csv'), 'utf8').replace('ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.04'));
  writeFileSync(join(dir, 'planned.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  writeFileSync(join(dir, 'raised.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8').replace('video_processing: { credits: 2500,', 'video_processing: { credits: 5000,'));

  it('design', () => golden('design', ['design', 'costs.csv', '--dry-run'], dir));
  it('design --json', () => golden('design-json', ['design', 'costs.csv', '--dry-run', '--json'], dir));
  it('design with modifiers and plans', () => golden('design-modifiers', ['design', 'costs.csv', '-o', 'planned.yaml', '--dry-run'], dir));
  it('price', () => golden('price', ['price', '--cost-per-credit', '0.0003'], dir));
  it('price --json', () => golden('price-json', ['price', '--cost-per-credit', '0.0003', '--json'], dir));
  it('price of a table at current costs', () => golden('price-costs', ['price', '--costs', 'drifted.csv'], dir));
  it('price of a table, --json', () => golden('price-costs-json', ['price', '--costs', 'drifted.csv', '--json'], dir));
  it('check, clean', () => golden('check-clean', ['check'], dir));
  for (const format of ['text', 'json', 'markdown', 'github']) {
    it(`check --format ${format}`, () => golden(`check-${format}`, ['check', '--costs', 'drifted.csv', '--format', format], dir));
    it(`audit --format ${format}`, () => golden(`audit-${format}`, ['audit', 'usage.csv', '--top', '2', '--format', format], dir));
    it(`diff --format ${format}`, () => golden(`diff-${format}`, ['diff', 'credits.yaml', 'raised.yaml', '--usage', 'usage.csv', '--top', '3', '--format', format], dir));
  }
  it('diff --notice', () => golden('diff-notice', ['diff', 'credits.yaml', 'raised.yaml', '--notice', '-', '--effective', '2026-12-01', '--reason', 'video_processing=Videos now render in 4K.'], dir));
  it('plans', () => golden('plans', ['plans', '--table', 'planned.yaml'], dir));
  it('plans --json', () => golden('plans-json', ['plans', '--table', 'planned.yaml', '--json'], dir));
  it('docs', () => golden('docs-markdown', ['docs', '--table', 'planned.yaml'], dir));
  it('docs --format html', () => golden('docs-html', ['docs', '--table', 'planned.yaml', '--format', 'html'], dir));
  it('usage: one customer', () => golden('usage-dashboard', ['usage', 'usage.csv', '--table', 'planned.yaml', '--customer', 'cust_0042', '--plan', 'Starter', '--now', '2026-10-20T12:00:00Z'], dir));
  it('usage: every customer and plan fit, markdown', () => {
    copyFileSync(join(FIXTURES, 'customer-plans.csv'), join(dir, 'customer-plans.csv'));
    golden('usage-markdown', ['usage', 'usage.csv', '--table', 'planned.yaml', '--customer-plans', 'customer-plans.csv', '--now', '2026-10-20T12:00:00Z', '--format', 'markdown'], dir);
  });
  for (const target of EXPORT_TARGETS) it(`export --to ${target}`, () => golden(`export-${target}`, ['export', '--to', target, '--table', 'planned.yaml'], dir));
});
