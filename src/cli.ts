import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createUi, type Ui } from './ui.js';

/** Set from package.json when the bundle is built. */
declare const CREDITS_VERSION: string;

/**
 * Every command and flag is declared here; implementations are imported only
 * when their command runs, so `credits --help` loads almost nothing.
 */

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function number(name: string) {
  return (value: string): string => {
    if (!NUMBER.test(value.trim())) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return value.trim();
  };
}

function ratio(name: string) {
  return (value: string): string => {
    const text = number(name)(value);
    const n = Number(text);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${name} must be at least 0 and below 1, got ${value}`);
    return text;
  };
}

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got "${value}"`);
    return Number(value);
  };
}

/** Repeatable KEY=VALUE flags, kept in order. */
function pair(name: string, numeric: boolean) {
  return (value: string, previous: string[] = []): string[] => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError(`${name} takes KEY=VALUE, got "${value}"`);
    if (numeric) number(name)(value.slice(at + 1));
    return [...previous, value];
  };
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
    .option('--rate <column=amount>', 'rate of a resource column, when there is no cost column (repeatable)', pair('--rate', true))
    .option('--multiplier <operation=factor>', 'value multiplier of an operation; wins over the CSV (repeatable)', pair('--multiplier', true))
    .addOption(new Option('--stat <stat>', 'how samples of one operation are aggregated (default: mean)').choices(['mean', 'p50', 'p90', 'p95', 'p99', 'max']))
    .option('--ladder <ladder>', 'friendly, 1-2-5, 1-5, integer, or a comma list such as 1,3,10,30 (default: friendly)')
    .addOption(new Option('--rounding <mode>', 'rounding onto the ladder (default: nearest)').choices(['nearest', 'up', 'down']))
    .option('--max-levels <n>', 'use at most N distinct credit values', positiveInteger('--max-levels'))
    .option('--margin <ratio>', 'target gross margin in [0, 1) (default: 0.7)', ratio('--margin'))
    .option('--floor <ratio>', 'margin under which an operation is flagged (default: 0.5)', ratio('--floor'))
    .addOption(new Option('--basis <basis>', 'price from the worst operation or the volume-weighted blend').choices(['worst', 'blended']))
    .option('--currency <code>', 'ISO 4217 currency code (default: USD)')
    .option('--column <role=header>', 'map a header to operation, cost, volume, multiplier or third_party (repeatable)', pair('--column', false));
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
    .action(async (costs: string | undefined, options, command: Command) =>
      run(async (ui) => (await import('./commands/wizard.js')).wizardCommand({ ...options, ...(costs !== undefined && { costs }) }, ui), command),
    );

  program
    .command('check')
    .description('fail when the committed table drifts from the costs, leaves an operation unpriced, or a margin falls under the floor')
    .option('--table <file>', 'credit table', 'credits.yaml')
    .option('--costs <file>', 'costs CSV (default: the one the table records)')
    .option('--floor <ratio>', "margin under which an operation is a finding (default: the table's)", ratio('--floor'))
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
    .option('--column <role=name>', 'map operation, cost, credits, timestamp or customer to a column (repeatable)', pair('--column', false))
    .option('--db <url>', 'run the audit on PostgreSQL (postgres://…)')
    .action(async (usage: string | undefined, options, command: Command) =>
      run(async (ui) => (await import('./commands/audit.js')).auditCommand({ ...options, ...(usage !== undefined && { usage }) }, ui), command),
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
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}
