import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Prompts, equivalentCommand, planWizard, wizardCommand } from '../../src/commands/wizard.js';
import { PLAIN_STYLE, type Ui } from '../../src/ui.js';
import { FIXTURES, tempDir } from '../helpers.js';

/** Prompts that answer from a script and record what was asked and offered. */
function scripted(answers: unknown[]) {
  const asked: { kind: string; message: string; default?: unknown; choices?: { name: string; checked?: boolean; description?: string }[] }[] = [];
  const next = async (kind: string, q: { message: string; default?: unknown; validate?: (v: string) => unknown; choices?: never[] }) => {
    asked.push({ kind, message: q.message, default: q.default, ...(q.choices && { choices: q.choices }) });
    if (answers.length === 0) throw new Error(`no scripted answer for "${q.message}"`);
    let answer = answers.shift();
    if (answer === undefined) answer = kind === 'checkbox' ? (q.choices as { value: string; checked?: boolean }[]).filter((c) => c.checked).map((c) => c.value) : q.default;
    if (q.validate) {
      const verdict = await q.validate(String(answer));
      if (verdict !== true) throw new Error(`rejected "${String(answer)}": ${String(verdict)}`);
    }
    return answer;
  };
  const prompts = {
    input: (q: never) => next('input', q),
    select: (q: never) => next('select', q),
    checkbox: (q: never) => next('checkbox', q),
    confirm: (q: never) => next('confirm', q),
  } as unknown as Prompts;
  return { prompts, asked };
}

const lines: string[] = [];
const ui: Ui = { json: false, style: PLAIN_STYLE, errStyle: PLAIN_STYLE, out: (t) => lines.push(t), err: (t) => lines.push(t), warn: (t) => lines.push(`warning: ${t}`) };
let cwd: string;
const home = process.cwd();

beforeEach(() => {
  cwd = tempDir();
  process.chdir(cwd);
  lines.length = 0;
});
afterEach(() => process.chdir(home));

describe('the wizard flow', () => {
  it('offers a default at every prompt, and the defaults make the default design', async () => {
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(cwd, 'image-api.csv'));
    const { prompts, asked } = scripted(Array(11).fill(undefined));
    const plan = await planWizard({}, prompts, ui);
    expect(plan).toEqual({ costs: 'image-api.csv', out: 'credits.yaml', flags: {} });
    expect(asked.map((a) => a.message)).toEqual([
      'Where are the costs of your operations?',
      'Costs CSV file',
      'Which operation is worth 1 credit?',
      'Which operations get a value multiplier (worth more to customers than they cost)?',
      'Multiplier for ai_analysis',
      'Multiplier for background_removal',
      'Ladder of credit values',
      'Rounding onto the ladder',
      'Target margin',
      'Margin floor (operations under it are flagged)',
      'Write the table to',
    ]);
    for (const a of asked.filter((q) => q.kind !== 'checkbox')) expect(a.default, a.message).toBeDefined();
    expect(asked[3]!.choices!.filter((c) => c.checked).map((c) => c.name)).toEqual(['ai_analysis', 'background_removal']);
    expect(asked[6]!.choices!.find((c) => c.name === '1-5')!.description).toBe('credits 1 · 5 · 100 · 500 · 5,000; margins 80%–92%; $1 per 1,000 credits');
    expect(equivalentCommand(plan)).toBe('credits design image-api.csv');
  });

  it('asks for rates when the costs have no cost column', async () => {
    writeFileSync(join(cwd, 'usage.csv'), 'operation,cpu_ms,notes\nsmall,10,fast\nbig,250,slow\n');
    const { prompts, asked } = scripted(['file', 'usage.csv', '0.00001', undefined, undefined, undefined, undefined, '0.8', undefined, undefined]);
    const plan = await planWizard({}, prompts, ui);
    expect(asked[2]!.message).toBe('Rate of one unit of cpu_ms (2.5/1M for per million)');
    expect(plan.flags).toEqual({ rate: ['cpu_ms=0.00001'], margin: '0.8' });
    expect(equivalentCommand(plan)).toBe('credits design usage.csv --rate cpu_ms=0.00001 --margin 0.8');
  });

  it('takes operations typed in, saves them as CSV and designs from them', async () => {
    const { prompts } = scripted(['hand', 'search', '0.0001', 'export, full', '0.02', '', 'typed.csv', undefined, [], undefined, undefined, undefined, undefined, 'typed.yaml']);
    await wizardCommand({}, ui, prompts);
    expect(readFileSync(join(cwd, 'typed.csv'), 'utf8')).toBe('operation,cost\nsearch,0.0001\n"export, full",0.02\n');
    const table = readFileSync(join(cwd, 'typed.yaml'), 'utf8');
    expect(parse(table).operations['export, full']).toEqual({ credits: 250, cost: 0.02, raw_credits: 200, multiplier: 1, margin: 0.84 });
    expect(lines.at(-1)).toBe("\nThe same table, from a script:\n  credits design typed.csv -o typed.yaml");
  });

  it('refuses margins outside [0, 1) and non-positive multipliers at the prompt', async () => {
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(cwd, 'costs.csv'));
    const margin = scripted([undefined, [], undefined, undefined, '1.2']);
    await expect(planWizard({ costs: 'costs.csv' }, margin.prompts, ui)).rejects.toThrow('rejected "1.2": Enter a ratio from 0 up to, not including, 1 (0.7 or 70%)');
    const factor = scripted([undefined, ['ai_analysis'], '0']);
    await expect(planWizard({ costs: 'costs.csv' }, factor.prompts, ui)).rejects.toThrow('rejected "0": Enter a factor greater than 0');
  });

  it('records an unchecked multiplier as a flag of 1, since it differs from the file', async () => {
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(cwd, 'costs.csv'));
    const { prompts } = scripted([undefined, ['ai_analysis'], undefined, undefined, undefined, undefined, undefined, undefined]);
    const plan = await planWizard({ costs: 'costs.csv' }, prompts, ui);
    expect(plan.flags.multiplier).toEqual(['background_removal=1']);
  });

  it('never offers 0 as a rate: Enter and 0 are refused, and a price per million is taken', async () => {
    writeFileSync(join(cwd, 'usage.csv'), 'operation,cpu_ms\nsmall,10\nbig,250\n');
    const empty = scripted(['file', 'usage.csv', '']);
    await expect(planWizard({}, empty.prompts, ui)).rejects.toThrow('rejected "": Enter a rate greater than 0, such as 0.0000004 or 0.4/1M');
    expect(empty.asked[2]!.default).toBeUndefined();
    await expect(planWizard({}, scripted(['file', 'usage.csv', '0']).prompts, ui)).rejects.toThrow('rejected "0"');
    const { prompts } = scripted(['file', 'usage.csv', '0.4/1M', undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    expect((await planWizard({}, prompts, ui)).flags.rate).toEqual(['cpu_ms=0.0000004']);
  });

  it('asks for another path when the answer to "Design over it?" is no', async () => {
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(cwd, 'costs.csv'));
    writeFileSync(join(cwd, 'credits.yaml'), 'kept: true\n');
    const { prompts, asked } = scripted([...Array(8).fill(undefined), 'credits.yaml', false, 'other.yaml']);
    const plan = await planWizard({ costs: 'costs.csv' }, prompts, ui);
    expect(plan.out).toBe('other.yaml');
    expect(asked.at(-1)).toMatchObject({ message: 'Write the table to', default: 'credits.new.yaml' });
  });

  it('asks which decimal mark a European export uses, and prints the flag', async () => {
    writeFileSync(join(cwd, 'costs.csv'), 'operation;cost\nupload;0,004\nvideo;1,25\n');
    const { prompts, asked } = scripted([undefined, undefined, [], undefined, undefined, undefined, undefined, undefined]);
    const plan = await planWizard({ costs: 'costs.csv' }, prompts, ui);
    expect(asked[0]).toMatchObject({ kind: 'select', message: 'costs.csv writes a number as "0,004", which reads differently by locale. What is its decimal mark?', default: 'comma' });
    expect(plan.flags.decimalComma).toBe(true);
    expect(equivalentCommand(plan)).toBe('credits design costs.csv --decimal-comma');
  });

  it('quotes what a shell would split', () => {
    expect(equivalentCommand({ costs: 'my costs.csv', out: "it's.yaml", flags: { ladder: '1,3,10' } })).toBe(
      "credits design 'my costs.csv' --ladder 1,3,10 -o 'it'\\''s.yaml'",
    );
  });
});
