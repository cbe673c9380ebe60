import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { COMMANDS, type CommandSpec, type OptionSpec, camelCase, parserOf } from './options.js';
import type * as Flags from './options.js';
import { createUi, type Ui } from './ui.js';

/** Set from package.json when the bundle is built. */
declare const CREDITS_VERSION: string;

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
}

type CommandName = (typeof COMMANDS)[number]['name'];
type Positional = (string | undefined)[];

/**
 * Each command's implementation, imported only when it runs, so `credits
 * --help` loads almost nothing. The options arrive typed by their declaration
 * in options.ts; positional arguments in declaration order.
 */
const IMPLEMENTATIONS: Record<CommandName, (args: Positional, options: never, ui: Ui) => Promise<number>> = {
  design: async ([costs], options: Flags.DesignFlagOptions, ui) => (await import('./commands/design.js')).designCommand({ ...options, costs: costs! }, ui),
  price: async (_, options: Flags.PriceFlagOptions, ui) => (await import('./commands/price.js')).priceCommand(options, ui),
  wizard: async ([costs], options: Flags.WizardFlagOptions, ui) => (await import('./commands/wizard.js')).wizardCommand({ ...options, ...(costs !== undefined && { costs }) }, ui),
  check: async (_, options: Flags.CheckFlagOptions, ui) => (await import('./commands/check.js')).checkCommand(options, ui),
  audit: async ([usage], options: Flags.AuditFlagOptions, ui) => {
    if (usage !== undefined) await (await import('./pipeline/early-read.js')).startAuditRead(usage, options, ui);
    return stoppingReaders(async () => (await import('./commands/audit.js')).auditCommand({ ...options, ...(usage !== undefined && { usage }) }, ui));
  },
  diff: async ([old, next], options: Flags.DiffFlagOptions, ui) => (await import('./commands/diff.js')).diffCommand({ ...options, old: old!, ...(next !== undefined && { new: next }) }, ui),
  usage: async ([usage], options: Flags.UsageFlagOptions, ui) => {
    if (usage !== undefined) (await import('./io/usage-warm.js')).warmUsageWorkers(usage, options.delimiter);
    return stoppingReaders(async () => (await import('./commands/usage.js')).usageCommand({ ...options, ...(usage !== undefined && { usage }) }, ui));
  },
  optimize: async (_, options: Flags.OptimizeFlagOptions, ui) => (await import('./commands/optimize.js')).optimizeCommand(options, ui),
  plans: async (_, options: Flags.PlansFlagOptions, ui) => (await import('./commands/plans.js')).plansCommand(options, ui),
  docs: async (_, options: Flags.DocsFlagOptions, ui) => (await import('./commands/docs.js')).docsCommand(options, ui),
  export: async (_, options: Flags.ExportFlagOptions, ui) => (await import('./commands/export.js')).exportCommand(options, ui),
  report: async (_, options: Flags.ReportFlagOptions, ui) => (await import('./commands/report.js')).reportCommand(options, ui),
};

/** Runs a command that reads a log on threads; when it fails, the threads still reading are ended rather than waited for. */
async function stoppingReaders(command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    (await import('./io/threads.js')).stopWorkers();
    throw error;
  }
}

/** A commander option from its declaration. */
function commanderOption(spec: OptionSpec): Option {
  const flags = `${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${spec.value ? ` <${spec.value}>` : ''}`;
  const option = new Option(flags, spec.help);
  if (spec.choices) option.choices(spec.choices);
  if (spec.default !== undefined) option.default(spec.default);
  const parse = parserOf(spec);
  if (parse) option.argParser(parse);
  if (camelCase(spec.name) !== option.attributeName()) throw new Error(`option --${spec.name} would be read as ${option.attributeName()}`);
  return option;
}

function addCommand(program: Command, spec: CommandSpec, run: (load: (ui: Ui) => Promise<number>, command: Command) => Promise<void>): void {
  const command = program.command(spec.name).description(spec.help);
  for (const argument of spec.arguments) command.argument(argument.required ? `<${argument.name}>` : `[${argument.name}]`, argument.help);
  for (const option of spec.options) command.addOption(commanderOption(option));
  command.action(async (...args: unknown[]) => {
    const self = args.at(-1) as Command;
    const positional = args.slice(0, spec.arguments.length) as Positional;
    const options = self.opts();
    await run((ui) => IMPLEMENTATIONS[spec.name as CommandName](positional, options as never, ui), self);
  });
}

function buildProgram(run: (load: (ui: Ui) => Promise<number>, command: Command) => Promise<void>): Command {
  const program = new Command('credits')
    .description('Design, price and guard the credit table of an API that bills in credits.')
    .version(CREDITS_VERSION, '-V, --version', 'print the version')
    .option('--json', 'print a JSON document on stdout; messages go to stderr')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const spec of COMMANDS) addCommand(program, spec, run);
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
