import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';
import { CTRL_C, DOWN, ENTER, SPACE, Terminal } from '../support/pty.js';

function workspace(): string {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  return dir;
}

/** The table without its source hash line's path-dependent parts: what a design decides. */
const decided = (dir: string, file = 'credits.yaml') => readFileSync(join(dir, file), 'utf8');

describe('credits wizard in a terminal', () => {
  it('designs the same table as `credits design` when Enter is pressed at every prompt', async () => {
    const dir = workspace();
    const term = new Terminal(['wizard'], dir);
    await term.answer('Where are the costs of your operations?', ENTER);
    await term.answer('Costs CSV file', ENTER);
    await term.answer('Which operation is worth 1 credit?', ENTER);
    await term.answer('Which operations get a value multiplier', ENTER);
    await term.answer('Multiplier for ai_analysis', ENTER);
    await term.answer('Multiplier for background_removal', ENTER);
    await term.answer('Ladder of credit values', ENTER);
    await term.answer('Rounding onto the ladder', ENTER);
    await term.answer('Target margin', ENTER);
    await term.answer('Margin floor', ENTER);
    await term.answer('Write the table to', ENTER);
    expect(await term.exited).toBe(0);
    expect(term.text).toContain('credits 1 · 5 · 100 · 250 · 2,500; margins 80%–85%; $1 per 1,000 credits');
    expect(term.text).toContain('The same table, from a script:\r\n  credits design costs.csv');

    const reference = workspace();
    expect(credits(['design', 'costs.csv'], { cwd: reference }).code).toBe(0);
    expect(decided(dir)).toBe(decided(reference));
  }, 60_000);

  it('with custom answers, writes the table that its printed command writes', async () => {
    const dir = workspace();
    const term = new Terminal(['wizard', 'costs.csv', '-o', 'custom.yaml'], dir);
    await term.answer('Which operation is worth 1 credit?', ENTER);
    await term.answer('Which operations get a value multiplier', '');
    await term.type(DOWN, SPACE, ENTER); // also give basic_resize a multiplier
    await term.answer('Multiplier for basic_resize', '3\r');
    await term.answer('Multiplier for ai_analysis', ENTER);
    await term.answer('Multiplier for background_removal', ENTER);
    await term.answer('Ladder of credit values', '');
    await term.type(DOWN, DOWN, ENTER); // 1-5
    await term.answer('Rounding onto the ladder', ENTER);
    await term.answer('Target margin', '0.6\r');
    await term.answer('Margin floor', ENTER);
    await term.answer('Write the table to', ENTER);
    expect(await term.exited).toBe(0);
    const command = /The same table, from a script:\r\n {2}(.+)\r\n/.exec(term.text)![1]!;
    expect(command).toBe('credits design costs.csv --multiplier basic_resize=3 --ladder 1-5 --margin 0.6 -o custom.yaml');

    const replay = workspace();
    const run = credits(command.split(' ').slice(1), { cwd: replay });
    expect(run.code).toBe(0);
    expect(decided(dir, 'custom.yaml')).toBe(decided(replay, 'custom.yaml'));
    expect(decided(dir, 'custom.yaml')).toContain('basic_resize: { credits: 10, cost: 0.0008, raw_credits: 4, multiplier: 3,');
  }, 60_000);

  it('exits 130 on Ctrl+C and writes nothing', async () => {
    const dir = workspace();
    const term = new Terminal(['wizard', 'costs.csv'], dir);
    await term.answer('Which operation is worth 1 credit?', CTRL_C);
    expect(await term.exited).toBe(130);
    expect(term.text).toContain('Cancelled');
    expect(readdirSync(dir)).toEqual(['costs.csv']);
  }, 30_000);

  it('re-asks for a costs file that is not there', async () => {
    const dir = workspace();
    const term = new Terminal(['wizard'], dir);
    await term.answer('Where are the costs of your operations?', ENTER);
    await term.answer('Costs CSV file', 'missing.csv\r');
    await term.answer('missing.csv: no such costs file', '');
    await term.type(...Array.from({ length: 'missing.csv'.length }, () => '\u007f'), ...'costs.csv', ENTER);
    await term.answer('Which operation is worth 1 credit?', CTRL_C);
    expect(await term.exited).toBe(130);
    expect(existsSync(join(dir, 'credits.yaml'))).toBe(false);
  }, 30_000);
});

describe('credits wizard without a terminal', () => {
  it('exits 2 at once and names credits design', () => {
    const run = credits(['wizard', join(FIXTURES, 'image-api.csv')]);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: credits wizard asks questions and needs a terminal; in scripts use `credits design costs.csv [flags]`\n',
    });
  });
});
