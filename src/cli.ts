import { EXIT } from './exit-codes.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { flagNumber } from './core/numbers.js';
import { DELIMITERS } from './io/csv.js';
import { createUi, type Ui } from './ui.js';

/** Set from package.json when the bundle is built. */
declare const CREDITS_VERSION: string;

/**
 * Every command and flag is declared here; implementations are imported only
 * when their command runs, so `credits --help` loads almost nothing.
 */

function number(name: string) {
  return (value: string): string => {
    const text = flagNumber(value);
    if (text === undefined) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return text;
  };
}

/** A ratio in [0, 1): 0.7 or 70%. */
function ratio(name: string) {
  return (value: string): string => {
    const text = flagNumber(value, { percent: true });
    if (text === undefined) throw new InvalidArgumentError(`${name} must be a ratio such as 0.7 or 70%, got "${value}"`);
    const n = Number(text);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${name} must be at least 0 and below 1 (0% to 99.9…%), got ${value}`);
    return text;
  };
}

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got "${value}"`);
    return Number(value);
  };
}

/**
 * Repeatable KEY=VALUE flags, kept in order. A numeric value is stored as
 * plain decimal text (120% → 1.2, 2.5/1M → 0.0000025), split from its key at
 * the last "=", since a key (an operation, a header) may hold one.
 */
function pair(name: string, value: 'text' | 'number' | 'factor' | 'rate') {
  return (text: string, previous: string[] = []): string[] => {
    const at = value === 'text' ? text.indexOf('=') : text.lastIndexOf('=');
    if (at <= 0 || at === text.length - 1) throw new InvalidArgumentError(`${name} takes KEY=VALUE, got "${text}"`);
    if (value === 'text') return [...previous, text];
    const amount = flagNumber(text.slice(at + 1), { percent: value === 'factor', per: value === 'rate' });
    if (amount === undefined) {
      throw new InvalidArgumentError(`${name} ${text.slice(0, at)}: "${text.slice(at + 1)}" is not a number${value === 'factor' ? ' (1.2 or 120%)' : value === 'rate' ? ' (0.0000025, or per thousand or million units: 2.5/1M)' : ''}`);
    }
    return [...previous, `${text.slice(0, at)}=${amount}`];
  };
}

function delimiter(value: string): string {
  const found = DELIMITERS[value === '\\t' ? '\t' : value.toLowerCase()];
  if (found === undefined) throw new InvalidArgumentError(`--delimiter takes , or ";" or tab, got "${value}"`);
  return found;
}

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
}

/** Flags of the method, shared by `design` and `wizard`. */
function addDesignFlags(command: Command): Command {
  return command
    .option('--base <operation>', 'operation worth 1 credit (default: the cheapest)')
    .option('--unit-cost <amount>', 'cost of one credit instead of a base operation', number('--unit-cost'))
    .option('--rate <column=amount>', 'rate of a resource column (header as written, or its snake_case key), when there is no cost column; 2.5/1M is per million (repeatable)', pair('--rate', 'rate'))
    .option('--multiplier <operation=factor>', 'value multiplier of an operation (1.2 or 120%); wins over the CSV (repeatable)', pair('--multiplier', 'factor'))
    .addOption(new Option('--stat <stat>', 'how samples of one operation are aggregated (default: mean)').choices(['mean', 'p50', 'p90', 'p95', 'p99', 'max']))
    .option('--ladder <ladder>', 'friendly, 1-2-5, 1-5, integer, or a comma list such as 1,3,10,30 (default: friendly)')
    .addOption(new Option('--rounding <mode>', 'rounding onto the ladder (default: nearest)').choices(['nearest', 'up', 'down']))
    .option('--max-levels <n>', 'use at most N distinct credit values', positiveInteger('--max-levels'))
    .option('--margin <ratio>', 'target gross margin in [0, 1) (default: 0.7)', ratio('--margin'))
    .option('--floor <ratio>', 'margin under which an operation is flagged (default: 0.5)', ratio('--floor'))
    .addOption(new Option('--basis <basis>', 'price from the worst operation or the volume-weighted blend').choices(['worst', 'blended']))
    .option('--currency <code>', 'ISO 4217 currency code (default: USD)')
    .option('--column <role=header>', 'map a header to operation, cost, volume, multiplier or third_party (repeatable)', pair('--column', 'text'))
    .option('--delimiter <char>', 'field delimiter of the costs file: , or ";" or tab (default: detected from the header)', delimiter)
    .option('--decimal-comma', 'the costs file writes 0,004 for 0.004 and 1.234,5 for 1234.5')
    .option('--decimal-point', 'the costs file writes 1,250 for 1250 (a lone thousands group is otherwise refused)')
    .option('--pin <operation=credits>', "set an operation's credits and pin them, so later designs keep them (repeatable)", pair('--pin', 'number'));
}

export function buildProgram(run: (load: (ui: Ui) => Promise<number>, command: Command) => Promise<void>): Command {
  const program = new Command('credits')
    .description('Design, price and guard the credit table of an API that bills in credits.')
    .version(CREDITS_VERSION, '-V, --version', 'print the version')
    .option('--json', 'print a JSON document on stdout; messages go to stderr')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  addDesignFlags(
    program
      .command('design')
      .description('design a credit table from per-operation costs (CSV) and write it as YAML')
      .argument('<costs>', 'costs CSV, or - for stdin'),
  )
    .option('-o, --out <file>', 'table to write, or - for stdout', 'credits.yaml')
    .option('--dry-run', 'show the design without writing anything')
    .addOption(new Option('--fail-on <severity>', "exit 1 when the table has findings (as credits check reports them) at or above this severity").choices(['error', 'warning', 'none']).default('none'))
    .action(async (costs: string, options, command: Command) =>
      run(async (ui) => (await import('./commands/design.js')).designCommand({ ...options, costs }, ui), command),
    );

  program
    .command('price')
    .description("price the credit: re-price a table's credits at a margin, or price a bare cost per credit")
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('--margin <ratio>', "target gross margin in [0, 1) (default: the table's)", ratio('--margin'))
    .addOption(new Option('--basis <basis>', "worst or blended (default: the table's)").choices(['worst', 'blended']))
    .option('--cost-per-credit <amount>', 'price this cost per credit instead of a table', number('--cost-per-credit'))
    .option('--costs <file>', "price the table's credits at these costs (as check does) instead of the costs it records")
    .option('--floor <ratio>', "margin under which an operation is flagged (default: the table's)", ratio('--floor'))
    .option('--currency <code>', 'currency of --cost-per-credit (default: USD)')
    .option('--write', "update the table's price in place")
    .action(async (options, command: Command) =>
      run(async (ui) => (await import('./commands/price.js')).priceCommand(options, ui), command),
    );

  program
    .command('wizard')
    .description('design a credit table interactively, then print the equivalent design command')
    .argument('[costs]', 'costs CSV (asked for when not given)')
    .option('-o, --out <file>', 'table to write (asked for, default credits.yaml)')
    .option('--delimiter <char>', 'field delimiter of the costs file: , or ";" or tab (default: detected from the header)', delimiter)
    .option('--decimal-comma', 'the costs file writes 0,004 for 0.004 (asked when a number needs it)')
    .option('--decimal-point', 'the costs file writes 1,250 for 1250 (asked when a number needs it)')
    .action(async (costs: string | undefined, options, command: Command) =>
      run(async (ui) => (await import('./commands/wizard.js')).wizardCommand({ ...options, ...(costs !== undefined && { costs }) }, ui), command),
    );

  program
    .command('check')
    .description('fail when the committed table drifts from the costs, leaves an operation unpriced, or a margin falls under the floor')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('--costs <file>', 'costs CSV (default: the one the table records)')
    .option('--floor <ratio>', "margin under which an operation is a finding (default: the table's)", ratio('--floor'))
    .option('--delimiter <char>', "field delimiter of --costs: , or \";\" or tab (default: the table's, else detected)", delimiter)
    .option('--decimal-comma', "--costs writes 0,004 for 0.004 (default: as the table records)")
    .option('--decimal-point', "--costs writes 1,250 for 1250 (default: as the table records)")
    .addOption(new Option('--fail-on <severity>', 'exit 1 on findings at or above this severity').choices(['error', 'warning']).default('error'))
    .addOption(new Option('--format <format>', 'text, json, github annotations or markdown (default: text)').choices(['text', 'json', 'github', 'markdown']))
    .action(async (options, command: Command) =>
      run(async (ui) => (await import('./commands/check.js')).checkCommand(options, ui), command),
    );

  program
    .command('audit')
    .description('find arbitrage in usage logs: margin per operation, who drives it, and a gradual correction')
    .argument('[usage]', 'usage CSV, or - for stdin (not with --emit-sql or --db)')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('--floor <ratio>', "margin under which an operation is flagged (default: the table's)", ratio('--floor'))
    .option('--since <when>', 'only calls since 7d, 24h, or an ISO 8601 date')
    .option('--until <when>', 'only calls before 7d, 24h, or an ISO 8601 date')
    .option('--now <iso>', 'the moment relative windows count back from (default: now)')
    .option('--top <n>', 'customers to name for each flagged operation', positiveInteger('--top'), 5)
    .option('--max-step <ratio>', 'largest monthly credit increase in a correction', number('--max-step'), '0.2')
    .addOption(new Option('--emit-sql <dialect>', 'print the audit as SQL over --relation instead of reading a file').choices(['postgres', 'bigquery', 'snowflake', 'duckdb', 'sqlite']))
    .option('--relation <name>', 'table or view of the logs, for --emit-sql and --db', 'operation_logs')
    .option('--column <role=name>', 'map operation, cost, credits, timestamp or customer to a column (repeatable)', pair('--column', 'text'))
    .option('--db <url>', 'run the audit on PostgreSQL (postgres://…)')
    .addOption(new Option('--format <format>', 'text, json, markdown or github annotations (default: text)').choices(['text', 'json', 'markdown', 'github']))
    .option('--delimiter <char>', 'field delimiter of the log: , or ";" or tab (default: detected from the header)', delimiter)
    .option('--decimal-comma', 'the log writes 0,004 for 0.004 and 1.234,5 for 1234.5')
    .option('--decimal-point', 'the log writes 1,250 for 1250 (a lone thousands group is otherwise refused)')
    .action(async (usage: string | undefined, options, command: Command) =>
      run(async (ui) => (await import('./commands/audit.js')).auditCommand({ ...options, ...(usage !== undefined && { usage }) }, ui), command),
    );

  program
    .command('diff')
    .description("what a new table changes: credits, price, plans and modifiers, and with usage each customer's bill")
    .argument('<old>', 'the old table: a file, or REV:path read through git (the new table with --base-ref)')
    .argument('[new]', 'the new table: a file, or REV:path')
    .option('--base-ref <rev>', 'compare the table with itself at this revision: NEW --base-ref main is main:NEW NEW')
    .option('--usage <file>', "usage log whose calls are billed under both tables, per customer (- for stdin)")
    .option('--db <url>', 'count the calls on PostgreSQL (postgres://…) instead of a log file')
    .option('--relation <name>', 'table or view of the logs, for --db', 'operation_logs')
    .option('--customer-plans <file>', 'CSV of customer_id,plan: bill those customers on their plan (others pay as they go)')
    .option('--since <when>', 'only calls since 7d, 24h, or an ISO 8601 date')
    .option('--until <when>', 'only calls before 7d, 24h, or an ISO 8601 date')
    .option('--now <iso>', 'the moment relative windows count back from (default: now)')
    .option('--column <role=name>', 'map operation, cost, credits, timestamp or customer to a column of the log (repeatable)', pair('--column', 'text'))
    .option('--delimiter <char>', 'field delimiter of the log: , or ";" or tab (default: detected from the header)', delimiter)
    .option('--decimal-comma', 'the log writes 0,004 for 0.004')
    .option('--decimal-point', 'the log writes 1,250 for 1250')
    .option('--threshold <ratio>', 'a rise over this ratio fails (exit 1) and is phased in steps', number('--threshold'), '0.2')
    .option('--max-step <ratio>', 'largest monthly rise in a step schedule', number('--max-step'), '0.2')
    .option('--top <n>', 'customers to show', positiveInteger('--top'), 10)
    .addOption(new Option('--format <format>', 'text, json, markdown or github annotations (default: text)').choices(['text', 'json', 'markdown', 'github']))
    .option('--notice <file>', 'write a customer-facing notice of the change (markdown; - for stdout)')
    .option('--effective <date>', 'when the change takes effect, for the notice')
    .option('--reason <operation=text>', 'why an operation changes, one sentence for the notice (repeatable)', pair('--reason', 'text'))
    .action(async (old: string, next: string | undefined, options, command: Command) =>
      run(async (ui) => (await import('./commands/diff.js')).diffCommand({ ...options, old, ...(next !== undefined && { new: next }) }, ui), command),
    );

  program
    .command('plans')
    .description('price the plans of a table: included credits, discount and worst-case margin')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('--write', 'record derived included_credits in the table')
    .action(async (options, command: Command) => run(async (ui) => (await import('./commands/plans.js')).plansCommand(options, ui), command));

  program
    .command('docs')
    .description('write the customer-facing page: credits per operation, plans, overage and an example')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .addOption(new Option('--format <format>', 'markdown or html').choices(['markdown', 'html']).default('markdown'))
    .option('-o, --out <file>', 'file to write (default: stdout)')
    .action(async (options, command: Command) => run(async (ui) => (await import('./commands/docs.js')).docsCommand(options, ui), command));

  program
    .command('report')
    .description('write an internal HTML report with charts: cost vs credits, rounding, margins, plans')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('-o, --out <file>', 'file to write', 'report.html')
    .action(async (options, command: Command) => run(async (ui) => (await import('./commands/report.js')).reportCommand(options, ui), command));

  return program;
}

/** Parses argv and runs the chosen command; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(async (load, command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const ui = await createUi(globals);
    exitCode = await load(ui);
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.INPUT;
    throw error;
  }
  return exitCode;
}
