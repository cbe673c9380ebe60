import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { HISTORY, tableText, writeHistory } from '../../bench/elasticity-log.mjs';
import { credits, suiteDir } from '../helpers.js';

/**
 * credits optimize on a generated history whose elasticities are known
 * (search −0.4, render −1.8, export 0; ping never changes price), under
 * three versions of the table.
 */
const dir = suiteDir();
const DATES = ['2026-01-01', '2026-02-10', '2026-03-22'];
const HISTORY_FLAGS = DATES.flatMap((d, i) => ['--history', `${d}=v${i + 1}.yaml`]);

beforeAll(() => {
  const fd = openSync(join(dir, 'usage.csv'), 'w');
  writeHistory({ seed: 4, customers: 120, write: (text) => writeSync(fd, text) });
  closeSync(fd);
  HISTORY.versions.forEach((_, v) => writeFileSync(join(dir, `v${v + 1}.yaml`), tableText(v)));
  writeFileSync(join(dir, 'credits.yaml'), tableText(2));
});

const run = (...args: string[]) => credits(['optimize', '--usage', 'usage.csv', ...args], { cwd: dir });
const json = (...args: string[]) => {
  const result = credits(['--json', 'optimize', '--usage', 'usage.csv', ...args], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
type Row = { operation: string; elasticity: number | null; low: number | null; high: number | null; source: string; reason: string | null; current_credits: number; proposed_credits: number; pinned: boolean };
const byOp = (doc: { operations: Row[] }) => Object.fromEntries(doc.operations.map((o) => [o.operation, o]));

describe('credits optimize', () => {
  it('measures each elasticity near the truth from DATE=FILE history, and says what it cannot measure', () => {
    const ops = byOp(json(...HISTORY_FLAGS));
    expect(Math.abs(ops['search']!.elasticity! - -0.4)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(ops['render']!.elasticity! - -1.8)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(ops['export']!.elasticity! - 0)).toBeLessThanOrEqual(0.15);
    for (const op of ['search', 'render', 'export']) {
      expect(ops[op]!.low!, op).toBeLessThanOrEqual(ops[op]!.elasticity!);
      expect(ops[op]!.high!, op).toBeGreaterThanOrEqual(ops[op]!.elasticity!);
    }
    expect(ops['ping']).toMatchObject({ elasticity: null, source: 'not_identifiable', reason: 'its price never changed in the history', proposed_credits: 1 });
  });

  it('reads the same history from git: the commits of the table file', () => {
    const repo = join(dir, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    const git = (args: string[], env: Record<string, string> = {}) =>
      execFileSync('git', ['-C', repo, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', ...env } });
    HISTORY.versions.forEach((_, v) => {
      writeFileSync(join(repo, 'credits.yaml'), tableText(v));
      git(['add', 'credits.yaml']);
      const date = `${DATES[v]}T00:00:00Z`;
      git(['commit', '-q', '-m', `v${v + 1}`], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    });
    const fromGit = credits(['--json', 'optimize', '--usage', join(dir, 'usage.csv'), '--history', 'git'], { cwd: repo });
    expect(fromGit.code, fromGit.stderr).toBe(0);
    const fromFiles = json(...HISTORY_FLAGS);
    const strip = (doc: { operations: Row[] }) => doc.operations.map(({ operation, elasticity, low, high, proposed_credits }) => ({ operation, elasticity, low, high, proposed_credits }));
    expect(strip(JSON.parse(fromGit.stdout))).toEqual(strip(fromFiles));
    expect(JSON.parse(fromGit.stdout).versions).toHaveLength(3);
  });

  it('with no history, every operation is not identifiable and nothing changes (exit 0)', () => {
    const result = run();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No change proposed');
    expect(result.stdout).toContain('Not identifiable, so kept as they are: search (its price never changed in the history)');
    expect(result.stdout).toContain('History: no --history: the current table is taken to have been in force throughout.');
    const doc = json();
    expect(doc.operations.every((o: Row) => o.source === 'not_identifiable' && o.proposed_credits === o.current_credits)).toBe(true);
  });

  it('takes an assumed elasticity for an operation the history cannot measure', () => {
    const ops = byOp(json(...HISTORY_FLAGS, '--assume', 'ping=-0.5'));
    expect(ops['ping']).toMatchObject({ elasticity: -0.5, source: 'assumed', low: null, high: null });
  });

  it('prints the proposal, its money with intervals, the schedule and the assumptions', () => {
    const result = run(...HISTORY_FLAGS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/search\s+│ -0\.\d+ \[-0\.\d+, -0\.\d+\]/);
    expect(result.stdout).toContain('Assumptions');
    expect(result.stdout).toContain('difference in differences');
    expect(result.stdout).toMatch(/revenue [+−]\$[\d,.]+, profit [+−]\$[\d,.]+ a month, expected\./);
  });

  it('writes a proposal table with -o, which credits diff reads, and never writes over --table', () => {
    const result = run(...HISTORY_FLAGS, '-o', 'proposal.yaml');
    expect(result.code, result.stderr).toBe(0);
    const proposal = parse(readFileSync(join(dir, 'proposal.yaml'), 'utf8'));
    const doc = byOp(json(...HISTORY_FLAGS));
    for (const [op, row] of Object.entries(doc)) {
      expect(proposal.operations[op].credits, op).toBe(row.proposed_credits);
      expect(proposal.operations[op].pinned === true, op).toBe(row.proposed_credits !== row.current_credits);
    }
    const diff = credits(['diff', 'credits.yaml', 'proposal.yaml', '--usage', 'usage.csv', '--json'], { cwd: dir });
    expect(diff.code).toBeLessThan(2);
    expect(JSON.parse(diff.stdout).operations.length).toBeGreaterThan(0);
    const before = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    const over = run(...HISTORY_FLAGS, '-o', 'credits.yaml');
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('-o credits.yaml is the committed table');
    expect(readFileSync(join(dir, 'credits.yaml'), 'utf8')).toBe(before);
  });

  it('keeps to --max-levels distinct values', () => {
    const doc = json(...HISTORY_FLAGS, '--max-levels', '3', '--assume', 'ping=0');
    expect(new Set(doc.operations.map((o: Row) => o.proposed_credits)).size).toBeLessThanOrEqual(3);
    // ping (1 or 2 credits) shares no value with the others, which need two more between them: two levels cannot do.
    const two = credits(['optimize', '--usage', 'usage.csv', ...HISTORY_FLAGS, '--max-levels', '2', '--assume', 'ping=0'], { cwd: dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--max-levels 2: no set of 2 values gives every operation a value it may take');
  });
});

describe('credits optimize: bad input is exit 2', () => {
  const cases: [string, string[], string][] = [
    ['no usage log', ['optimize'], 'credits optimize needs --usage LOG'],
    ['a history date that is not one', ['optimize', '--usage', 'usage.csv', '--history', 'soon=v1.yaml'], '--history soon=v1.yaml: "soon" is not an ISO 8601 date'],
    ['a history without =', ['optimize', '--usage', 'usage.csv', '--history', 'v1.yaml'], '--history takes git or DATE=FILE, got "v1.yaml"'],
    ['a history table that is not there', ['optimize', '--usage', 'usage.csv', '--history', '2026-01-01=nope.yaml'], 'nope.yaml'],
    ['git with pairs', ['optimize', '--usage', 'usage.csv', '--history', 'git', '--history', '2026-01-01=v1.yaml'], '--history git reads the history from git'],
    ['two versions at one moment', ['optimize', '--usage', 'usage.csv', '--history', '2026-01-01=v1.yaml', '--history', '2026-01-01=v2.yaml'], 'take effect at the same moment'],
    ['an assumption about an unknown operation', ['optimize', '--usage', 'usage.csv', '--assume', 'teleport=-1'], '--assume teleport=-1: credits.yaml has no operation teleport'],
    ['a usage log that is not there', ['optimize', '--usage', 'nope.csv'], 'nope.csv'],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const result = credits(args, { cwd: dir });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }
  it('refuses a --history git outside a repository', () => {
    const result = credits(['optimize', '--usage', 'usage.csv', '--history', 'git', '--table', 'v1.yaml'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: dir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--history git: git could not list the commits of v1.yaml');
    expect(existsSync(join(dir, 'proposal-never.yaml'))).toBe(false);
  });
});
