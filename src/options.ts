import { InvalidArgumentError } from 'commander';
import { BASES, DIALECTS, DOCS_FORMATS, EXPORT_TARGETS, OBJECTIVES, REPORT_FORMATS, USAGE_FORMATS, ROUNDINGS, SEVERITIES, STATS } from './core/choices.js';
import { flagNumber } from './core/flag-number.js';
import { DEFAULTS } from './defaults.js';

/**
 * Every command's arguments and flags, declared once as data. The commander
 * program, the option types each command receives, `--help` and the check of
 * the README's flag tables all come from these lists: adding a flag is one
 * entry here. Values are checked for form as they are parsed; what they
 * mean is the command's to check.
 */

/** What a flag's value is, and so how it is parsed and typed. */
export type OptionKind =
  /** Text, as given. */
  | 'text'
  /** A number, as plain decimal text (1e-3 → 0.001). */
  | 'number'
  /** A ratio in [0, 1): 0.7 or 70%. */
  | 'ratio'
  /** A whole number ≥ 1. */
  | 'count'
  /** No value: present or not. */
  | 'switch'
  /** , ; or tab. */
  | 'delimiter'
  /** Repeatable KEY=VALUE, the value as given. */
  | 'pairs'
  /** Repeatable text, each as given. */
  | 'list'
  /** Repeatable KEY=NUMBER. */
  | 'number-pairs'
  /** Repeatable KEY=FACTOR, a number or a percentage (120%). */
  | 'factor-pairs'
  /** Repeatable KEY=RATE, a number or a price per thousand or million units (2.5/1M). */
  | 'rate-pairs';

export interface OptionSpec {
  /** The long name, without dashes: "max-levels" is --max-levels and the key maxLevels. */
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder in the help ("ratio", "file"); absent for a switch. */
  readonly value?: string;
  readonly kind: OptionKind;
  readonly choices?: readonly string[];
  readonly default?: string | number;
  readonly help: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly help: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
}

/** "max-levels" → "maxLevels", as commander names option keys. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

type ValueOf<S extends OptionSpec> = S['kind'] extends 'switch'
  ? boolean
  : S['kind'] extends 'pairs' | 'list' | 'number-pairs' | 'factor-pairs' | 'rate-pairs'
    ? string[]
    : S['kind'] extends 'count'
      ? number
      : S extends { readonly choices: readonly (infer C)[] }
        ? C
        : string;

/** The options object a command receives: keys in camelCase, optional unless the flag has a default. */
export type OptionsOf<L extends readonly OptionSpec[]> = {
  [S in L[number] as S extends { readonly default: unknown } ? Camel<S['name']> : never]: ValueOf<S>;
} & {
  [S in L[number] as S extends { readonly default: unknown } ? never : Camel<S['name']>]?: ValueOf<S>;
};

export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

// Parsers: each throws InvalidArgumentError, which commander reports as a usage error (exit 2).

function number(flag: string, value: string): string {
  const text = flagNumber(value);
  if (text === undefined) throw new InvalidArgumentError(`${flag} must be a number, got "${value}"`);
  return text;
}

function ratio(flag: string, value: string): string {
  const text = flagNumber(value, { percent: true });
  if (text === undefined) throw new InvalidArgumentError(`${flag} must be a ratio such as 0.7 or 70%, got "${value}"`);
  const n = Number(text);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${flag} must be at least 0 and below 1 (0% to 99.9…%), got ${value}`);
  return text;
}

function count(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1, got "${value}"`);
  return Number(value);
}

const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', tab: '\t', '\t': '\t', '\\t': '\t' };

function delimiter(flag: string, value: string): string {
  const found = DELIMITERS[value.toLowerCase()];
  if (found === undefined) throw new InvalidArgumentError(`${flag} takes , or ";" or tab, got "${value}"`);
  return found;
}

/**
 * KEY=VALUE, kept in order. A numeric value is stored as plain decimal text
 * (120% → 1.2, 2.5/1M → 0.0000025), split from its key at the last "=",
 * since a key (an operation, a header) may hold one.
 */
function pair(flag: string, kind: OptionKind, text: string): string {
  const numeric = kind !== 'pairs';
  const at = numeric ? text.lastIndexOf('=') : text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new InvalidArgumentError(`${flag} takes KEY=VALUE, got "${text}"`);
  if (!numeric) return text;
  const amount = flagNumber(text.slice(at + 1), { percent: kind === 'factor-pairs', per: kind === 'rate-pairs' });
  if (amount === undefined) {
    const hint = kind === 'factor-pairs' ? ' (1.2 or 120%)' : kind === 'rate-pairs' ? ' (0.0000025, or per thousand or million units: 2.5/1M)' : '';
    throw new InvalidArgumentError(`${flag} ${text.slice(0, at)}: "${text.slice(at + 1)}" is not a number${hint}`);
  }
  return `${text.slice(0, at)}=${amount}`;
}

/** The parser of a flag's value, undefined for text, switches and choices (commander checks choices). */
export function parserOf(spec: OptionSpec): ((value: string, previous?: unknown) => unknown) | undefined {
  const flag = `--${spec.name}`;
  switch (spec.kind) {
    case 'number':
      return (v) => number(flag, v);
    case 'ratio':
      return (v) => ratio(flag, v);
    case 'count':
      return (v) => count(flag, v);
    case 'delimiter':
      return (v) => delimiter(flag, v);
    case 'pairs':
    case 'number-pairs':
    case 'factor-pairs':
    case 'rate-pairs':
      return (v, previous) => [...((previous as string[] | undefined) ?? []), pair(flag, spec.kind, v)];
    case 'list':
      return (v, previous) => [...((previous as string[] | undefined) ?? []), v];
    case 'text':
    case 'switch':
      return undefined;
  }
}

// Flags several commands share.

const table = { name: 'table', value: 'file', kind: 'text', default: DEFAULTS.table, help: 'credit table' } as const;
const delimiterOf = (what: string) => ({ name: 'delimiter', value: 'char', kind: 'delimiter', help: `field delimiter of ${what}: , or ";" or tab (default: detected from the header)` }) as const;
const decimalComma = (what: string) => ({ name: 'decimal-comma', kind: 'switch', help: `${what} writes 0,004 for 0.004 and 1.234,5 for 1234.5` }) as const;
const decimalPoint = (what: string) => ({ name: 'decimal-point', kind: 'switch', help: `${what} writes 1,250 for 1250 (a lone thousands group is otherwise refused)` }) as const;
const logColumns = { name: 'column', value: 'role=name', kind: 'pairs', help: 'map operation, cost, credits, timestamp or customer to a column (repeatable)' } as const;
const since = { name: 'since', value: 'when', kind: 'text', help: 'only calls since 7d, 24h, or an ISO 8601 date (UTC without an offset)' } as const;
const until = { name: 'until', value: 'when', kind: 'text', help: 'only calls before 7d, 24h, or an ISO 8601 date (UTC without an offset)' } as const;
const now = { name: 'now', value: 'iso', kind: 'text', help: 'the moment relative windows count back from (default: now)' } as const;
const floor = { name: 'floor', value: 'ratio', kind: 'ratio', help: "margin under which an operation is flagged (default: the table's)" } as const;
const maxStep = { name: 'max-step', value: 'ratio', kind: 'number', default: DEFAULTS.maxStep, help: 'largest monthly credit increase in a correction or step schedule' } as const;
const relation = { name: 'relation', value: 'name', kind: 'text', default: DEFAULTS.relation, help: 'table or view of the logs, for --db (and --emit-sql)' } as const;
const reportFormat = { name: 'format', value: 'format', kind: 'text', choices: REPORT_FORMATS, help: 'text, json, markdown or github annotations (default: text; json with --json)' } as const;

/** The flags of the method, as `design` takes them (SPEC §1, §2). */
const DESIGN_OPTIONS = [
  { name: 'base', value: 'operation', kind: 'text', help: 'operation worth 1 credit (default: the cheapest)' },
  { name: 'unit-cost', value: 'amount', kind: 'number', help: 'cost of one credit instead of a base operation' },
  { name: 'rate', value: 'column=amount', kind: 'rate-pairs', help: 'rate of a resource column (header as written, or its snake_case key), when there is no cost column; 2.5/1M is per million (repeatable)' },
  { name: 'multiplier', value: 'operation=factor', kind: 'factor-pairs', help: 'value multiplier of an operation (1.2 or 120%); wins over the CSV (repeatable)' },
  { name: 'pin', value: 'operation=credits', kind: 'number-pairs', help: "set an operation's credits and pin them, so later designs keep them (repeatable)" },
  { name: 'stat', value: 'stat', kind: 'text', choices: STATS, help: `how samples of one operation are aggregated (default: ${DEFAULTS.stat})` },
  { name: 'ladder', value: 'ladder', kind: 'text', help: `friendly, 1-2-5, 1-5, integer, or a comma list such as 1,3,10,30 (default: ${DEFAULTS.ladder})` },
  { name: 'rounding', value: 'mode', kind: 'text', choices: ROUNDINGS, help: `rounding onto the ladder (default: ${DEFAULTS.rounding})` },
  { name: 'max-levels', value: 'n', kind: 'count', help: 'use at most N distinct credit values' },
  { name: 'margin', value: 'ratio', kind: 'ratio', help: `target gross margin in [0, 1), or a percentage (default: ${DEFAULTS.margin})` },
  { name: 'floor', value: 'ratio', kind: 'ratio', help: `margin under which an operation is flagged (default: ${DEFAULTS.floor})` },
  { name: 'basis', value: 'basis', kind: 'text', choices: BASES, help: 'price from the worst operation or the volume-weighted blend (default: blended with volumes, else worst)' },
  { name: 'currency', value: 'code', kind: 'text', help: `ISO 4217 currency code (default: ${DEFAULTS.currency})` },
  { name: 'column', value: 'role=header', kind: 'pairs', help: 'map a header to operation, cost, volume, multiplier or third_party (repeatable)' },
  delimiterOf('the costs file'),
  decimalComma('the costs file'),
  decimalPoint('the costs file'),
  { name: 'prices', value: 'catalog', kind: 'text', help: 'model prices for token columns: genai-prices, models.dev, or a JSON/YAML file of your prices per million tokens' },
  { name: 'out', short: 'o', value: 'file', kind: 'text', default: DEFAULTS.table, help: 'table to write, or - for stdout' },
  { name: 'dry-run', kind: 'switch', help: 'show the design without writing anything' },
  { name: 'fail-on', value: 'severity', kind: 'text', choices: [...SEVERITIES, 'none'], default: 'none', help: 'exit 1 when the table has findings (as credits check reports them) at or above this severity' },
] as const satisfies readonly OptionSpec[];

const PRICE_OPTIONS = [
  table,
  { name: 'margin', value: 'ratio', kind: 'ratio', help: "target gross margin in [0, 1) (default: the table's)" },
  { name: 'basis', value: 'basis', kind: 'text', choices: BASES, help: "worst or blended (default: the table's)" },
  { name: 'cost-per-credit', value: 'amount', kind: 'number', help: 'price this cost per credit instead of a table' },
  { name: 'costs', value: 'file', kind: 'text', help: "price the table's credits at these costs (as check does) instead of the costs it records" },
  floor,
  { name: 'currency', value: 'code', kind: 'text', help: `currency of --cost-per-credit (default: ${DEFAULTS.currency})` },
  { name: 'write', kind: 'switch', help: "update the table's price in place" },
] as const satisfies readonly OptionSpec[];

const WIZARD_OPTIONS = [
  { name: 'out', short: 'o', value: 'file', kind: 'text', help: `table to write (asked for, default ${DEFAULTS.table})` },
  delimiterOf('the costs file'),
  { name: 'decimal-comma', kind: 'switch', help: 'the costs file writes 0,004 for 0.004 (asked when a number needs it)' },
  { name: 'decimal-point', kind: 'switch', help: 'the costs file writes 1,250 for 1250 (asked when a number needs it)' },
] as const satisfies readonly OptionSpec[];

const CHECK_OPTIONS = [
  table,
  { name: 'costs', value: 'file', kind: 'text', help: 'costs CSV (default: the one the table records)' },
  { name: 'floor', value: 'ratio', kind: 'ratio', help: "margin under which an operation is a finding (default: the table's)" },
  { name: 'delimiter', value: 'char', kind: 'delimiter', help: "field delimiter of --costs: , or \";\" or tab (default: the table's, else detected)" },
  { name: 'decimal-comma', kind: 'switch', help: '--costs writes 0,004 for 0.004 (default: as the table records)' },
  { name: 'decimal-point', kind: 'switch', help: '--costs writes 1,250 for 1250 (default: as the table records)' },
  { name: 'fail-on', value: 'severity', kind: 'text', choices: SEVERITIES, default: 'error', help: 'exit 1 on findings at or above this severity' },
  { name: 'format', value: 'format', kind: 'text', choices: REPORT_FORMATS, help: 'text, json, markdown or github annotations (default: text; json with --json)' },
  { name: 'export', value: 'file', kind: 'text', help: 'an exported file to compare with the table (export-drift), with --to' },
  { name: 'to', value: 'target', kind: 'text', choices: EXPORT_TARGETS, help: 'the target --export was written for (default: read from its header)' },
] as const satisfies readonly OptionSpec[];

const AUDIT_OPTIONS = [
  table,
  floor,
  since,
  until,
  now,
  { name: 'top', value: 'n', kind: 'count', default: DEFAULTS.auditTop, help: 'customers to name for each flagged operation' },
  maxStep,
  { name: 'emit-sql', value: 'dialect', kind: 'text', choices: DIALECTS, help: 'print the audit as SQL over --relation instead of reading a file' },
  relation,
  logColumns,
  { name: 'db', value: 'url', kind: 'text', help: 'run the audit on PostgreSQL (postgres://…)' },
  delimiterOf('the log'),
  decimalComma('the log'),
  decimalPoint('the log'),
  reportFormat,
] as const satisfies readonly OptionSpec[];

const DIFF_OPTIONS = [
  { name: 'base-ref', value: 'rev', kind: 'text', help: 'compare the table with itself at this revision: NEW --base-ref main is main:NEW NEW' },
  { name: 'usage', value: 'file', kind: 'text', help: 'usage log whose calls are billed under both tables, per customer (- for stdin)' },
  { name: 'db', value: 'url', kind: 'text', help: 'count the calls on PostgreSQL (postgres://…) instead of a log file' },
  relation,
  { name: 'customer-plans', value: 'file', kind: 'text', help: 'CSV of customer_id,plan: bill those customers on their plan (others pay as they go)' },
  since,
  until,
  now,
  logColumns,
  delimiterOf('the log'),
  decimalComma('the log'),
  decimalPoint('the log'),
  { name: 'threshold', value: 'ratio', kind: 'number', default: DEFAULTS.threshold, help: 'a rise over this ratio fails (exit 1) and is phased in steps' },
  maxStep,
  { name: 'top', value: 'n', kind: 'count', default: DEFAULTS.diffTop, help: 'customers to show' },
  reportFormat,
  { name: 'notice', value: 'file', kind: 'text', help: 'write a customer-facing notice of the change (markdown; - for stdout)' },
  { name: 'effective', value: 'date', kind: 'text', help: 'when the change takes effect, for the notice' },
  { name: 'reason', value: 'operation=text', kind: 'pairs', help: 'why an operation changes, one sentence for the notice (repeatable)' },
] as const satisfies readonly OptionSpec[];

const USAGE_OPTIONS = [
  table,
  { name: 'customer', value: 'id', kind: 'text', help: "one customer's dashboard: used / included, breakdown and projection" },
  { name: 'plan', value: 'name', kind: 'text', help: 'every customer is on this plan of the table' },
  { name: 'customer-plans', value: 'file', kind: 'text', help: 'CSV of customer_id,plan: the plan of each customer (others pay as they go)' },
  { name: 'month', value: 'yyyy-mm', kind: 'text', help: "the UTC month (default: the month of --now)" },
  { name: 'now', value: 'iso', kind: 'text', help: 'the moment projected from (default: the latest call in the log, never the clock)' },
  { name: 'emit-sql', value: 'dialect', kind: 'text', choices: DIALECTS, help: 'print the usage as SQL over --relation instead of reading a file (needs --now)' },
  relation,
  { name: 'db', value: 'url', kind: 'text', help: 'read the usage on PostgreSQL (postgres://…)' },
  logColumns,
  delimiterOf('the log'),
  decimalComma('the log'),
  decimalPoint('the log'),
  { name: 'format', value: 'format', kind: 'text', choices: USAGE_FORMATS, help: 'text, json, markdown or html (default: text; json with --json)' },
  { name: 'out', short: 'o', value: 'file', kind: 'text', help: 'file to write atomically (default: stdout)' },
] as const satisfies readonly OptionSpec[];

const OPTIMIZE_OPTIONS = [
  table,
  { name: 'usage', value: 'file', kind: 'text', help: 'usage log (timestamp, customer_id, operation), or - for stdin' },
  { name: 'history', value: 'spec', kind: 'list', help: "which table was in force when: git (the table file's commits) or DATE=FILE (repeatable)" },
  { name: 'objective', value: 'objective', kind: 'text', choices: OBJECTIVES, default: 'profit', help: 'what to maximise' },
  { name: 'max-levels', value: 'n', kind: 'count', help: 'use at most N distinct credit values' },
  maxStep,
  { name: 'max-change', value: 'ratio', kind: 'number', default: '1', help: "candidates lie within current / (1 + r) and current × (1 + r) credits" },
  { name: 'assume', value: 'operation=elasticity', kind: 'number-pairs', help: "state an operation's elasticity (-0.5) where the history cannot measure it (repeatable)" },
  logColumns,
  delimiterOf('the log'),
  decimalComma('the log'),
  decimalPoint('the log'),
  { name: 'out', short: 'o', value: 'file', kind: 'text', help: 'write the proposal as a table (never over --table), for credits diff' },
] as const satisfies readonly OptionSpec[];

const PLANS_OPTIONS = [table, { name: 'write', kind: 'switch', help: 'record derived included_credits in the table' }] as const satisfies readonly OptionSpec[];

const DOCS_OPTIONS = [
  table,
  { name: 'format', value: 'format', kind: 'text', choices: DOCS_FORMATS, default: 'markdown', help: 'markdown or html' },
  { name: 'out', short: 'o', value: 'file', kind: 'text', help: 'file to write (default: stdout)' },
] as const satisfies readonly OptionSpec[];

const EXPORT_OPTIONS = [
  { name: 'to', value: 'target', kind: 'text', choices: EXPORT_TARGETS, help: 'autumn, openmeter, stripe, lago, json or typescript (required)' },
  table,
  { name: 'out', short: 'o', value: 'file', kind: 'text', help: 'file to write atomically, or - for stdout (default: stdout)' },
] as const satisfies readonly OptionSpec[];

const REPORT_OPTIONS = [table, { name: 'out', short: 'o', value: 'file', kind: 'text', default: DEFAULTS.report, help: 'file to write' }] as const satisfies readonly OptionSpec[];

/** Every command, in the order `--help` lists them. */
export const COMMANDS = [
  { name: 'design', help: 'design a credit table from per-operation costs (CSV) and write it as YAML', arguments: [{ name: 'costs', required: true, help: 'costs CSV, or - for stdin' }], options: DESIGN_OPTIONS },
  { name: 'price', help: "price the credit: re-price a table's credits at a margin, or price a bare cost per credit", arguments: [], options: PRICE_OPTIONS },
  { name: 'wizard', help: 'design a credit table interactively, then print the equivalent design command', arguments: [{ name: 'costs', required: false, help: 'costs CSV (asked for when not given)' }], options: WIZARD_OPTIONS },
  { name: 'check', help: 'fail when the committed table drifts from the costs, leaves an operation unpriced, or a margin falls under the floor', arguments: [], options: CHECK_OPTIONS },
  { name: 'audit', help: 'find arbitrage in usage logs: margin per operation, who drives it, and a gradual correction', arguments: [{ name: 'usage', required: false, help: 'usage CSV, or - for stdin (not with --emit-sql or --db)' }], options: AUDIT_OPTIONS },
  {
    name: 'diff',
    help: "what a new table changes: credits, price, plans and modifiers, and with usage each customer's bill",
    arguments: [
      { name: 'old', required: true, help: 'the old table: a file, or REV:path read through git (the new table with --base-ref)' },
      { name: 'new', required: false, help: 'the new table: a file, or REV:path' },
    ],
    options: DIFF_OPTIONS,
  },
  {
    name: 'usage',
    help: "the customer's dashboard from a usage log: used / included credits, breakdown, projection to month end, and plan fit",
    arguments: [{ name: 'usage', required: false, help: 'usage CSV, or - for stdin (not with --emit-sql or --db)' }],
    options: USAGE_OPTIONS,
  },
  { name: 'optimize', help: 'propose credit values from measured price elasticity: more profit or revenue, margins above the floor', arguments: [], options: OPTIMIZE_OPTIONS },
  { name: 'plans', help: 'price the plans of a table: included credits, discount and worst-case margin', arguments: [], options: PLANS_OPTIONS },
  { name: 'docs', help: 'write the customer-facing page: credits per operation, plans, overage and an example', arguments: [], options: DOCS_OPTIONS },
  { name: 'export', help: "write the table in a billing platform's format (Autumn, OpenMeter, Stripe, Lago) or as a runtime snapshot", arguments: [], options: EXPORT_OPTIONS },
  { name: 'report', help: 'write an internal HTML report with charts: cost vs credits, rounding, margins, plans', arguments: [], options: REPORT_OPTIONS },
] as const satisfies readonly CommandSpec[];

export type DesignFlagOptions = OptionsOf<typeof DESIGN_OPTIONS>;
export type PriceFlagOptions = OptionsOf<typeof PRICE_OPTIONS>;
export type WizardFlagOptions = OptionsOf<typeof WIZARD_OPTIONS>;
export type CheckFlagOptions = OptionsOf<typeof CHECK_OPTIONS>;
export type AuditFlagOptions = OptionsOf<typeof AUDIT_OPTIONS>;
export type DiffFlagOptions = OptionsOf<typeof DIFF_OPTIONS>;
export type UsageFlagOptions = OptionsOf<typeof USAGE_OPTIONS>;
export type OptimizeFlagOptions = OptionsOf<typeof OPTIMIZE_OPTIONS>;
export type PlansFlagOptions = OptionsOf<typeof PLANS_OPTIONS>;
export type DocsFlagOptions = OptionsOf<typeof DOCS_OPTIONS>;
export type ExportFlagOptions = OptionsOf<typeof EXPORT_OPTIONS>;
export type ReportFlagOptions = OptionsOf<typeof REPORT_OPTIONS>;
