import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, credits, tempDir } from '../helpers.js';

/**
 * `credits check` runs on pull requests, so the table it reads may be a
 * hostile contributor's. Nothing the table says may make credits read a file
 * outside the project, or print the contents of a file the user did not name.
 */

const SECRET = 'secret_token_abc123';
const FORMATS = ['text', 'json', 'github', 'markdown'] as const;

/** A project (optionally a git work tree) with the worked example designed into `tableDir`. */
function project(options: { git?: boolean; tableDir?: string } = {}) {
  const root = tempDir();
  if (options.git) execFileSync('git', ['init', '-q'], { cwd: root });
  const tableDir = join(root, options.tableDir ?? '.');
  mkdirSync(tableDir, { recursive: true });
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(root, 'costs.csv'));
  const table = join(tableDir, 'credits.yaml');
  expect(credits(['design', join(root, 'costs.csv'), '-o', table], { cwd: root }).code).toBe(0);
  return { root, table };
}

function pointSourceAt(table: string, file: string) {
  const text = readFileSync(table, 'utf8');
  const next = text.replace(/source: \{ file: [^,]+,/, `source: { file: ${JSON.stringify(file)},`);
  expect(next).not.toBe(text);
  writeFileSync(table, next);
}

function checkEveryFormat(cwd: string, table: string) {
  return FORMATS.map((format) => credits(['check', '--table', table, '--format', format], { cwd }));
}

describe('a hostile table', () => {
  it('cannot make check read an absolute source.file', () => {
    const { root, table } = project();
    const outside = join(tempDir(), 'secret.csv');
    writeFileSync(outside, `${SECRET},x\n1,2\n`);
    pointSourceAt(table, outside);
    for (const run of checkEveryFormat(root, table)) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`the table's source.file points outside the project: ${outside} is an absolute path`);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
    }
  });

  it('cannot escape the project with ../', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'secret.txt'), `${SECRET},x\n1,2\n`);
    const dir = join(parent, 'project');
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    pointSourceAt(join(dir, 'credits.yaml'), '../secret.txt');
    for (const run of checkEveryFormat(dir, 'credits.yaml')) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/credits\.yaml: the table's source\.file points outside the project: \.\.\/secret\.txt resolves outside /);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
    }
  });

  it('cannot follow a symlink inside the project to a file outside it', () => {
    const { root, table } = project({ git: true });
    const outside = join(tempDir(), 'secret.csv');
    writeFileSync(outside, `${SECRET},x\n1,2\n`);
    symlinkSync(outside, join(root, 'linked.csv'));
    pointSourceAt(table, 'linked.csv');
    const run = credits(['check'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("the table's source.file points outside the project: linked.csv resolves outside");
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('may name a file elsewhere in its git work tree, as a table in a subdirectory does', () => {
    const { root, table } = project({ git: true, tableDir: 'pricing' });
    expect(readFileSync(table, 'utf8')).toContain('source: { file: ../costs.csv,');
    const run = credits(['check', '--table', 'pricing/credits.yaml'], { cwd: root });
    expect(run).toMatchObject({ code: 0, stdout: '✓ pricing/credits.yaml matches costs.csv: no findings\n' });
  });

  it('outside a git work tree, may not leave the directory of the table', () => {
    const { root, table } = project({ tableDir: 'pricing' });
    const run = credits(['check', '--table', table], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('../costs.csv resolves outside');
  });

  it('the user may still name any file with --costs', () => {
    const { root, table } = project({ tableDir: 'pricing' });
    const run = credits(['check', '--table', table, '--costs', join(root, 'costs.csv')], { cwd: root });
    expect(run.code).toBe(0);
  });

  it('never quotes a file it names: a first line like an .env entry stays out of every format', () => {
    const { root, table } = project({ git: true });
    writeFileSync(join(root, '.env'), `NPM_TOKEN=${SECRET},x\n1,2\n`);
    pointSourceAt(table, '.env');
    for (const run of checkEveryFormat(root, table)) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'error: .env:1: no operation column (expected one of operation, op, name, endpoint, or --column operation=HEADER) (the file is named by the table, so its contents are not quoted; run credits check --costs .env to see them)\n',
      );
      expect(run.stdout).toBe('');
    }
    // Named by the user, the same file is quoted, since that helps.
    const named = credits(['check', '--costs', '.env'], { cwd: root });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(SECRET);
  });

  it('never quotes a cell of a file it names', () => {
    const { root, table } = project({ git: true });
    writeFileSync(join(root, 'costs.csv'), `operation,cost\nimage_upload,${SECRET}\n`);
    const run = credits(['check', '--table', table], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: costs.csv:2:2: not a number (the file is named by the table, so its contents are not quoted; run credits check --costs costs.csv to see them)\n',
    );
  });

  it('cannot ping a team or link an issue through an operation name in markdown and github output', () => {
    const { root } = project({ git: true });
    writeFileSync(join(root, 'costs.csv'), `${readFileSync(join(root, 'costs.csv'), 'utf8')}@acme/owners fix #1,10,20,30,0.0004,\n`);
    const markdown = credits(['check', '--format', 'markdown'], { cwd: root });
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('| @&#8203;acme/owners fix #&#8203;1 |');
    expect(markdown.stdout).not.toMatch(/@acme|#1/);
    const github = credits(['check', '--format', 'github'], { cwd: root });
    expect(github.code).toBe(1);
    expect(github.stdout).toContain('title=credits unpriced-operation (@\u200bacme/owners fix #\u200b1)::@\u200bacme/owners fix #\u200b1 is in the costs');
    expect(github.stdout).not.toMatch(/@acme|#1/);
  });

  it('starts another program in one place only: git, by argument list, never a shell', () => {
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(20);
    const starting = sources.filter((f) => /from ['"](node:)?child_process['"]/.test(readFileSync(join(ROOT, 'src', f), 'utf8')));
    expect(starting).toEqual([join('io', 'git.ts')]);
    const git = readFileSync(join(ROOT, 'src', 'io', 'git.ts'), 'utf8');
    expect(git).toMatch(/import \{ execFile \} from 'node:child_process';/);
    expect(git).not.toMatch(/\bexec\(|execSync|spawn|shell:/);
  });
});
