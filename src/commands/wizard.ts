import type { WizardFlagOptions } from '../options.js';
import { DEFAULTS } from '../defaults.js';
import { existsSync, readdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { parseCsv } from '../io/csv.js';
import { ratesNeeded } from '../io/costs.js';
import { CancelledError, CliError, LocaleError } from '../io/errors.js';
import { readSource, type Source } from '../io/source.js';
import { loadTable } from '../io/table.js';
import { flagNumber } from '../core/flag-number.js';
import { NAMED_LADDERS, ROUNDINGS, type Rounding } from '../core/ladder.js';
import type { Design } from '../core/design.js';
import type { CreditTable } from '../core/table.js';
import { renderPreview, renderPreviewLine } from '../render/design-text.js';
import { shellWord } from '../render/format.js';
import type { Ui } from '../ui.js';
import { designCommand } from './design.js';
import { type Derivation, type DesignFlags, deriveTable, resolveSettings } from '../pipeline/derive.js';

/** The prompts the wizard asks through: @inquirer/prompts in use, scripted answers in tests. */
export interface Prompts {
  input(question: { message: string; default?: string; validate?: (value: string) => true | string | Promise<true | string> }): Promise<string>;
  select<T>(question: { message: string; choices: { name: string; value: T; description?: string }[]; default?: T }): Promise<T>;
  checkbox<T>(question: { message: string; choices: { name: string; value: T; checked?: boolean }[] }): Promise<T[]>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
}

export type WizardOptions = WizardFlagOptions & { costs?: string };

/** What the wizard decided: enough to run `credits design` and to print the same command. */
export interface WizardPlan {
  costs: string;
  out: string;
  flags: DesignFlags;
  /** Costs entered by hand, to be saved as `costs` before designing. */
  enteredCsv?: string;
}

/** A prompt's number as `flagNumber` reads it (70%, 2.5/1M where accepted), or undefined. */
const validNumber = (rule: (n: number) => boolean, what: string, accepts: Parameters<typeof flagNumber>[1] = {}) => (value: string) => {
  const n = flagNumber(value, accepts);
  return n !== undefined && rule(Number(n)) ? true : `Enter ${what}`;
};
const typed = (value: string, accepts: Parameters<typeof flagNumber>[1] = {}) => flagNumber(value, accepts) ?? value.trim();

function firstCsv(): string {
  return readdirSync('.').filter((f) => f.toLowerCase().endsWith('.csv')).sort()[0] ?? 'costs.csv';
}

async function costsStep(initial: string | undefined, prompts: Prompts): Promise<{ path: string; entered?: string }> {
  if (initial !== undefined) return { path: initial };
  const how = await prompts.select({
    message: 'Where are the costs of your operations?',
    choices: [
      { name: 'In a CSV file', value: 'file' as const, description: 'one row per operation (or per sample), with a cost column or resource columns' },
      { name: 'I will type them in', value: 'hand' as const, description: 'name and cost of each operation; saved as a CSV so the design can be re-run' },
    ],
    default: 'file',
  });
  if (how === 'file') {
    const path = await prompts.input({
      message: 'Costs CSV file',
      default: firstCsv(),
      validate: async (value) => {
        try {
          const table = parseCsv(await readSource(value.trim(), 'costs file'));
          ratesNeeded(table, {});
          return true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    return { path: path.trim() };
  }
  const rows: string[] = [];
  for (;;) {
    const name = (
      await prompts.input({
        message: rows.length === 0 ? 'Operation name' : 'Next operation name (Enter to finish)',
        default: rows.length === 0 ? 'operation_1' : '',
        validate: (v) => (rows.length > 0 || v.trim() !== '' ? true : 'Name at least one operation'),
      })
    ).trim();
    if (name === '') break;
    const cost = await prompts.input({ message: `Cost of one ${name} call`, default: '0.001', validate: validNumber((n) => n > 0, 'a cost greater than 0') });
    rows.push(`${csvField(name)},${cost.trim()}`);
  }
  const path = await prompts.input({ message: 'Save these costs as', default: 'costs.csv' });
  if (existsSync(path.trim()) && !(await prompts.confirm({ message: `${path.trim()} exists. Replace it?`, default: false }))) {
    throw new CancelledError();
  }
  return { path: path.trim(), entered: `operation,cost\n${rows.join('\n')}\n` };
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Asks every choice of a design, showing the resulting credits and margins as
 * it goes. Each answer becomes a `credits design` flag, so the wizard designs
 * with the same code and its result can be re-run as a command.
 */
export async function planWizard(options: WizardOptions, prompts: Prompts, ui: Ui): Promise<WizardPlan> {
  const costs = await costsStep(options.costs, prompts);
  const source: Source = costs.entered ? { name: costs.path, bytes: Buffer.from(costs.entered) } : await readSource(costs.path, 'costs file');
  const out0 = options.out ?? DEFAULTS.table;
  // A table that cannot be read offers no defaults (design will say why); a defect in reading it is still a defect.
  const previous: CreditTable | undefined = existsSync(out0)
    ? await loadTable(out0).then(
        (t) => t.table,
        (error: unknown) => {
          if (error instanceof CliError) return undefined;
          throw error;
        },
      )
    : undefined;
  const flags: DesignFlags = {
    ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
    ...(options.decimalComma && { decimalComma: true }),
    ...(options.decimalPoint && { decimalPoint: true }),
  };
  const derive = (f: DesignFlags) => deriveTable(source, costs.path, resolveSettings(f, previous), { tablePath: out0, ...(previous && { previous }) });

  const needed = ratesNeeded(parseCsv(source, flags.delimiter), previous?.design.columns ?? {});
  if (needed.length > 0) {
    ui.out(`${source.name} has no cost column: each operation's cost is Σ resource × rate.`);
    const rates: string[] = [];
    for (const key of needed) {
      const recorded = previous?.design.rates[key];
      // No default of 0: a forgotten rate would price the resource as free.
      const rate = await prompts.input({
        message: `Rate of one unit of ${key} (2.5/1M for per million)`,
        ...(recorded !== undefined && { default: recorded.toFixed() }),
        validate: validNumber((n) => n > 0, 'a rate greater than 0, such as 0.0000004 or 0.4/1M', { per: true }),
      });
      rates.push(`${key}=${typed(rate, { per: true })}`);
    }
    flags.rate = rates;
  }

  const first = await deriveOrAskDecimalComma(source.name, flags, derive, prompts);
  const ops = [...first.operations].sort((a, b) => a.cost.comparedTo(b.cost));
  const cheapest = ops[0]!.operation;
  const base = await prompts.select({
    message: 'Which operation is worth 1 credit?',
    choices: ops.map((o) => ({ name: o.operation, value: o.operation, description: `costs ${o.cost.toSignificantDigits(6).toFixed()}` })),
    default: first.design.unit.base ?? cheapest,
  });
  if (base !== cheapest) flags.base = base;

  const fileMultipliers = new Map(first.operations.map((o) => [o.operation, o.multiplier]));
  const chosen = await prompts.checkbox({
    message: 'Which operations get a value multiplier (worth more to customers than they cost)?',
    choices: first.design.operations.map((o) => ({ name: o.operation, value: o.operation, checked: !o.multiplier.eq(1) })),
  });
  const multipliers: string[] = [];
  for (const o of first.design.operations) {
    const inFile = fileMultipliers.get(o.operation)?.toFixed() ?? '1';
    let factor = '1';
    if (chosen.includes(o.operation)) {
      const answer = await prompts.input({ message: `Multiplier for ${o.operation}`, default: o.multiplier.toFixed(), validate: validNumber((n) => n > 0, 'a factor greater than 0 (1.2 or 120%)', { percent: true }) });
      factor = typed(answer, { percent: true });
    }
    if (factor !== inFile) multipliers.push(`${o.operation}=${factor}`);
  }
  if (multipliers.length > 0) flags.multiplier = multipliers;

  const preview = (f: DesignFlags): Design | string => {
    try {
      return derive(f).design;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const describe = (f: DesignFlags) => {
    const d = preview(f);
    return typeof d === 'string' ? d : renderPreviewLine(d);
  };
  for (;;) {
    const ladder = await prompts.select({
      message: 'Ladder of credit values',
      choices: [...NAMED_LADDERS.map((l) => ({ name: l, value: l as string, description: describe({ ...flags, ladder: l }) })), { name: 'custom list…', value: 'custom' }],
      default: previous?.design.ladder && (NAMED_LADDERS as readonly string[]).includes(previous.design.ladder) ? previous.design.ladder : DEFAULTS.ladder,
    });
    const value = ladder === 'custom' ? (await prompts.input({ message: 'Steps, comma-separated', default: '1,3,10,30,100,300,1000,3000,10000' })).trim() : ladder;
    const d = preview({ ...flags, ladder: value });
    if (typeof d === 'string') {
      ui.err(`That ladder does not work: ${d}`);
      continue;
    }
    if (value !== DEFAULTS.ladder) flags.ladder = value;
    ui.out(renderPreview(d, ui.style));
    break;
  }
  const rounding = await prompts.select<Rounding>({
    message: 'Rounding onto the ladder',
    choices: ROUNDINGS.map((r) => ({ name: r, value: r, description: describe({ ...flags, rounding: r }) })),
    default: DEFAULTS.rounding,
  });
  if (rounding !== DEFAULTS.rounding) flags.rounding = rounding;
  const afterRounding = preview(flags);
  if (typeof afterRounding !== 'string') ui.out(renderPreview(afterRounding, ui.style));

  const ratio = validNumber((n) => n >= 0 && n < 1, 'a ratio from 0 up to, not including, 1 (0.7 or 70%)', { percent: true });
  const margin = typed(await prompts.input({ message: 'Target margin', default: previous?.price.target_margin.toFixed() ?? DEFAULTS.margin, validate: ratio }), { percent: true });
  if (margin !== DEFAULTS.margin) flags.margin = margin;
  const floor = typed(await prompts.input({ message: 'Margin floor (operations under it are flagged)', default: previous?.design.floor.toFixed() ?? DEFAULTS.floor, validate: ratio }), { percent: true });
  if (floor !== DEFAULTS.floor) flags.floor = floor;

  let out = out0;
  for (let suggestion = out0; ; suggestion = 'credits.new.yaml') {
    out = (await prompts.input({ message: 'Write the table to', default: suggestion })).trim();
    if (!existsSync(out)) break;
    if (await prompts.confirm({ message: `${out} exists. Design over it (its comments, pinned operations, modifiers and plans are kept)?`, default: true })) break;
  }
  return { costs: costs.path, out, flags, ...(costs.entered !== undefined && { enteredCsv: costs.entered }) };
}

/**
 * The first design of the wizard. A number that reads differently under
 * another locale is a question for the person, never a guess: asked once
 * whether "," is the file's decimal mark.
 */
async function deriveOrAskDecimalComma(name: string, flags: DesignFlags, derive: (f: DesignFlags) => Derivation, prompts: Prompts): Promise<Derivation> {
  try {
    return derive(flags);
  } catch (error) {
    if (!(error instanceof LocaleError) || flags.decimalComma || flags.decimalPoint) throw error;
    const mark = await prompts.select<'comma' | 'point'>({
      message: `${name} writes a number as "${error.text}", which reads differently by locale. What is its decimal mark?`,
      choices: [
        { name: 'a comma: 0,004 is 0.004 and 1.234,5 is 1234.5', value: 'comma' },
        { name: 'a point: 1,250 is 1250 and 0.004 is 0.004', value: 'point' },
      ],
      default: /^\D*0,/.test(error.text) ? 'comma' : 'point',
    });
    if (mark === 'comma') flags.decimalComma = true;
    else flags.decimalPoint = true;
    return derive(flags);
  }
}

/** The `credits design …` command that makes the same table. */
export function equivalentCommand(plan: WizardPlan): string {
  const args = ['credits', 'design', plan.costs];
  const { flags } = plan;
  if (flags.delimiter !== undefined) args.push('--delimiter', flags.delimiter === '\t' ? 'tab' : flags.delimiter);
  if (flags.decimalComma) args.push('--decimal-comma');
  if (flags.decimalPoint) args.push('--decimal-point');
  for (const r of flags.rate ?? []) args.push('--rate', r);
  if (flags.base) args.push('--base', flags.base);
  for (const m of flags.multiplier ?? []) args.push('--multiplier', m);
  if (flags.ladder) args.push('--ladder', flags.ladder);
  if (flags.rounding) args.push('--rounding', flags.rounding);
  if (flags.margin) args.push('--margin', flags.margin);
  if (flags.floor) args.push('--floor', flags.floor);
  if (plan.out !== DEFAULTS.table) args.push('-o', plan.out);
  return args.map(shellWord).join(' ');
}

async function inquirerPrompts(): Promise<Prompts> {
  const { input, select, checkbox, confirm } = await import('@inquirer/prompts');
  return { input, select, checkbox, confirm } as unknown as Prompts;
}

export async function wizardCommand(options: WizardOptions, ui: Ui, prompts?: Prompts): Promise<number> {
  if (!prompts && !(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new CliError('credits wizard asks questions and needs a terminal; in scripts use `credits design costs.csv [flags]`');
  }
  let plan: WizardPlan;
  try {
    plan = await planWizard(options, prompts ?? (await inquirerPrompts()), ui);
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new CancelledError();
    throw error;
  }
  if (plan.enteredCsv !== undefined) await writeFileAtomic(plan.costs, plan.enteredCsv);
  const code = await designCommand({ ...plan.flags, costs: plan.costs, out: plan.out, failOn: 'none' }, ui);
  ui.out(`\nThe same table, from a script:\n  ${equivalentCommand(plan)}`);
  return code;
}
