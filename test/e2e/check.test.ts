import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

let repo: string;

function git(...args: string[]) {
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo, stdio: 'pipe' });
}

/** A repository with the worked example designed and committed, as a team would have it. */
beforeEach(() => {
  repo = tempDir();
  git('init', '-q');
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(repo, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: repo }).code).toBe(0);
  git('add', '.');
  git('commit', '-qm', 'credit table');
});

const check = (...args: string[]) => credits(['check', ...args], { cwd: repo });
const edit = (file: string, from: string | RegExp, to: string) => {
  const path = join(repo, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
};
const findings = (args: string[] = []) => JSON.parse(check('--format', 'json', ...args).stdout).findings as { code: string; operation: string | null; line: number | null; severity: string; committed: unknown; expected: unknown }[];
/** The line of the table on which an operation's key stands, found by reading the file. */
const lineOf = (op: string) => readFileSync(join(repo, 'credits.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith(`  ${op}:`)) + 1;

describe('credits check', () => {
  it('is clean right after design', () => {
    const run = check();
    expect(run).toMatchObject({ code: 0, stdout: '✓ credits.yaml matches costs.csv: no findings\n', stderr: '' });
    git('status', '--porcelain');
  });

  it('reports credit-drift when ai_analysis costs 0.04', () => {
    edit('costs.csv', 'ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.04');
    const run = check();
    expect(run.code).toBe(1);
    expect(findings()).toEqual([
      expect.objectContaining({ code: 'credit-drift', operation: 'ai_analysis', severity: 'error', line: lineOf('ai_analysis'), committed: 100, expected: 250 }),
    ]);
    expect(run.stdout).toContain('✗ 1 error, 0 warnings (failing on errors)');
  });

  it('reports negative-margin when video_processing costs 3.00', () => {
    edit('costs.csv', 'video_processing,60000,4096,5000,0.5000', 'video_processing,60000,4096,5000,3.00');
    expect(check().code).toBe(1);
    const found = findings();
    expect(found.map((f) => f.code)).toEqual(['credit-drift', 'negative-margin']);
    expect(found[1]).toMatchObject({ operation: 'video_processing', committed: -0.2, expected: 0.5, line: lineOf('video_processing') });
  });

  it('reports unpriced-operation for a new operation in the costs', () => {
    writeFileSync(join(repo, 'costs.csv'), `${readFileSync(join(repo, 'costs.csv'), 'utf8')}watermark,10,20,30,0.0004,\n`);
    expect(check().code).toBe(1);
    expect(findings()).toEqual([expect.objectContaining({ code: 'unpriced-operation', operation: 'watermark', expected: 2 })]);
  });

  it('reports stale-operation as a warning, failing only with --fail-on warning', () => {
    edit('costs.csv', /basic_resize.*\n/, '');
    expect(findings()).toEqual([expect.objectContaining({ code: 'stale-operation', operation: 'basic_resize', severity: 'warning', line: lineOf('basic_resize') })]);
    expect(check().code).toBe(0);
    const strict = check('--fail-on', 'warning');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('✗ 0 errors, 1 warning (failing on warnings and errors)');
  });

  it('reports hand-edit for a credit changed by hand, and respects pinned: true', () => {
    edit('credits.yaml', 'basic_resize: { credits: 5,', 'basic_resize: { credits: 10,');
    expect(check().code).toBe(1);
    expect(findings()).toEqual([expect.objectContaining({ code: 'hand-edit', operation: 'basic_resize', committed: 10, expected: 5, line: lineOf('basic_resize') })]);
    edit('credits.yaml', 'basic_resize: { credits: 10,', 'basic_resize: { pinned: true, credits: 10,');
    expect(check()).toMatchObject({ code: 0, stdout: '✓ credits.yaml matches costs.csv: no findings\n' });
  });

  it('still checks the margin of a pinned operation', () => {
    edit('credits.yaml', 'video_processing: { credits: 2500,', 'video_processing: { pinned: true, credits: 600,');
    // $0.50 against 600 × $0.001 = $0.60 earned: margin 16.7%, under the floor of 50%;
    // and with 600 credits the costliest credit is 0.5 / 600; / 0.3 = 0.00278, which rounds up to $0.005.
    expect(findings()).toEqual([
      expect.objectContaining({ code: 'margin-below-floor', operation: 'video_processing', committed: 0.1667, expected: 0.5 }),
      expect.objectContaining({ code: 'price-drift', committed: 0.001, expected: 0.005 }),
    ]);
  });

  it('reports margin-below-floor with --floor', () => {
    expect(findings(['--floor', '0.82']).map((f) => [f.code, f.operation])).toEqual([
      ['margin-below-floor', 'image_upload'],
      ['margin-below-floor', 'video_processing'],
    ]);
  });

  it('reports price-drift when the costs call for another price', () => {
    // image_upload at 0.0004 for 1 credit: K = 0.0004 → 0.0004 / 0.3 → $0.002.
    edit('costs.csv', 'image_upload,50,100,500,0.0002', 'image_upload,50,100,500,0.0004');
    const found = findings();
    expect(found.find((f) => f.code === 'price-drift')).toMatchObject({ severity: 'error', committed: 0.001, expected: 0.002, operation: null, line: 6 });
  });

  it('prints JSON of a stable shape', () => {
    edit('costs.csv', 'ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.04');
    const run = check('--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      schema_version: 2,
      table: 'credits.yaml',
      costs: 'costs.csv',
      fail_on: 'error',
      passed: false,
      summary: { errors: 1, warnings: 0 },
      findings: [
        {
          code: 'credit-drift',
          severity: 'error',
          operation: 'ai_analysis',
          file: 'credits.yaml',
          line: 16,
          key_path: 'operations.ai_analysis',
          message: "ai_analysis's cost moved from 0.015 to 0.04, which makes it 250 credits instead of 100; run `credits design costs.csv` to regenerate, or pin it with `pinned: true`",
          committed: 100,
          expected: 250,
        },
      ],
    });
  });

  it('emits GitHub annotations at the operation’s line, escaped', () => {
    edit('costs.csv', 'video_processing,60000,4096,5000,0.5000', 'video_processing,60000,4096,5000,3.00');
    const run = check('--format', 'github');
    expect(run.code).toBe(1);
    const line = lineOf('video_processing');
    expect(run.stdout.split('\n')).toContain(
      `::error file=credits.yaml,line=${line},title=credits negative-margin (video_processing)::video_processing loses money: it costs 3 and earns 2.5 (margin −20%25); run \`credits design costs.csv\``,
    );
    const withText = credits(['check'], { cwd: repo, env: { GITHUB_ACTIONS: 'true' } });
    expect(withText.stdout).toContain('┌');
    expect(withText.stdout).toContain(`::error file=credits.yaml,line=${line},title=credits credit-drift (video_processing)::`);
  });

  it('writes markdown and appends it to GITHUB_STEP_SUMMARY', () => {
    edit('credits.yaml', 'basic_resize: { credits: 5,', 'basic_resize: { credits: 10,');
    const summary = join(repo, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = credits(['check', '--format', 'markdown'], { cwd: repo, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('### credits check: ✗ 1 error, 0 warnings (failing on errors)');
    expect(run.stdout).toContain('| ❌ | `hand-edit` | basic\\_resize | credits.yaml:15 | 10 → 5 |');
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${run.stdout}\n`);
  });

  it('reads the costs named by --costs and a table named by --table', () => {
    copyFileSync(join(repo, 'credits.yaml'), join(repo, 'other.yaml'));
    writeFileSync(join(repo, 'new-costs.csv'), readFileSync(join(repo, 'costs.csv'), 'utf8').replace('0.0150', '0.04'));
    const run = credits(['check', '--table', 'other.yaml', '--costs', 'new-costs.csv', '--format', 'json'], { cwd: repo });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings[0].message).toContain('run `credits design new-costs.csv -o other.yaml` to regenerate');
  });
});

describe('credits check cannot check', () => {
  it('exits 2 for a damaged table', () => {
    writeFileSync(join(repo, 'credits.yaml'), 'version: 1\noperations: {\n');
    const run = check();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: credits\.yaml:3:1: not valid YAML: /);
  });

  it('exits 2 for a missing table', () => {
    rmSync(join(repo, 'credits.yaml'));
    expect(check()).toMatchObject({ code: 2, stdout: '', stderr: 'error: credits.yaml: no such table\n' });
  });

  it('exits 2 for a missing costs file', () => {
    rmSync(join(repo, 'costs.csv'));
    expect(check()).toMatchObject({ code: 2, stderr: 'error: costs.csv: no such costs file\n' });
  });

  it('exits 2 for a table with a wrong version', () => {
    edit('credits.yaml', 'version: 1', 'version: 2');
    expect(check()).toMatchObject({ code: 2, stderr: 'error: credits.yaml:2:10: version: must be equal to constant\n' });
  });

  it('exits 2 for bad flags', () => {
    expect(check('--fail-on', 'info')).toMatchObject({ code: 2 });
    expect(check('--format', 'xml').stderr).toContain("argument 'xml' is invalid. Allowed choices are text, json, markdown, github.");
  });

  it('exits 2 for a table designed from stdin without --costs', () => {
    credits(['design', '-', '-o', 'stdin.yaml'], { cwd: repo, input: readFileSync(join(repo, 'costs.csv')) });
    expect(check('--table', 'stdin.yaml')).toMatchObject({ code: 2, stderr: 'error: stdin.yaml was designed from standard input; give --costs FILE\n' });
    expect(check('--table', 'stdin.yaml', '--costs', 'costs.csv').code).toBe(0);
  });
});
