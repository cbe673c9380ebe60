import type { DesignFlagOptions } from '../options.js';
import { DEFAULTS } from '../defaults.js';
import { stat } from 'node:fs/promises';
import { relative, resolve, dirname, sep } from 'node:path';
import { Dec, ONE } from '../core/decimal.js';
import { type Design, type DesignParams, design, unknownOperation } from '../core/design.js';
import { DesignError } from '../core/errors.js';
import type { DecimalMark } from '../core/numbers.js';
import { type OperationCost, type Stat, groupSamples } from '../core/samples.js';
import { type CreditTable, type TableDesign, tableFromDesign } from '../core/table.js';
import { ROLES, type Role, readCosts } from '../io/costs.js';
import { type FastOptions, fastCosts } from '../io/costs-fast.js';
import { detectDelimiter, parseCsv, snakeCase } from '../io/csv.js';
import { CliError, InputError } from '../io/errors.js';
import { GENERAL_CSV_LIMIT, STDIN, STREAMED_COSTS_LIMIT, type Source, tooLarge } from '../io/source.js';
import { sha256 } from '../io/table.js';
import { decimalMarkOf } from './decimal-mark.js';
import type { PriceBook } from '../pricing/book.js';

/** The flags of the method as commander hands them over (strings, validated for form), as declared in options.ts. */
export type DesignFlags = Omit<DesignFlagOptions, 'out' | 'dryRun' | 'failOn' | 'prices'>;

/** Parameters a design derives from the costs when nobody chose them; recorded as such, so a redesign derives them again. */
const AUTO_PARAMETERS = ['base_operation', 'basis'] as const;
export type AutoParameter = (typeof AUTO_PARAMETERS)[number];

/** Every choice of a design, resolved: flags, else the previous table's record, else defaults. */
export interface Settings extends Pick<DesignParams, 'base' | 'unitCost' | 'ladder' | 'rounding' | 'maxLevels' | 'margin' | 'floor' | 'basis' | 'currency'> {
  /** True when the base came from a previous table rather than a flag. */
  baseRecorded: boolean;
  rates: Record<string, Dec>;
  flagMultipliers: Record<string, Dec>;
  recordedMultipliers: Record<string, Dec>;
  /** Credits set with --pin, kept as given and pinned. */
  pins: Record<string, Dec>;
  stat: Stat;
  columns: Partial<Record<Role, string>>;
  /** The costs file's delimiter, when given or recorded; else it is detected. */
  delimiter?: string;
  decimalMark?: DecimalMark;
  /** Model prices, for costs given as tokens (set by the command: loading a catalog is asynchronous). */
  prices?: PriceBook;
}

/** KEY=VALUE flags; a numeric value never holds "=", so those split at the last one (an operation name may hold one). */
function pairs(values: readonly string[] | undefined, numeric = false): [string, string][] {
  return (values ?? []).map((v) => {
    const at = numeric ? v.lastIndexOf('=') : v.indexOf('=');
    return [v.slice(0, at).trim(), v.slice(at + 1).trim()];
  });
}

/** Numeric KEY=VALUE flags by key; the same key twice with different values is a contradiction, not a choice. */
function decimals(flag: string, values: readonly string[] | undefined, key: (k: string) => string = (k) => k): Record<string, Dec> {
  const result: Record<string, Dec> = {};
  for (const [k, v] of pairs(values, true)) {
    const name = key(k);
    const value = new Dec(v);
    const seen = result[name];
    if (seen !== undefined && !seen.eq(value)) throw new CliError(`${flag} ${k} is given twice, as ${seen.toFixed()} and ${value.toFixed()}; give it once`);
    result[name] = value;
  }
  return result;
}

/** A --currency value as an ISO 4217 code (case-insensitive). */
export function currencyCode(text: string): string {
  const code = text.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new CliError(`--currency takes a three-letter ISO 4217 code such as USD or EUR, got "${text}"`);
  return code;
}

export function resolveSettings(flags: DesignFlags, previous?: CreditTable): Settings {
  const recorded = previous?.design;
  const currency = currencyCode(flags.currency ?? previous?.currency ?? DEFAULTS.currency);
  const columns: Partial<Record<Role, string>> = { ...(recorded?.columns as Partial<Record<Role, string>> | undefined) };
  for (const [role, header] of pairs(flags.column)) {
    if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--column ${role}=${header}: the role must be one of ${ROLES.join(', ')}`);
    columns[role as Role] = header;
  }
  const explicitUnit = flags.base !== undefined || flags.unitCost !== undefined;
  if (flags.base !== undefined && flags.unitCost !== undefined) throw new CliError('--base and --unit-cost both set the unit; give one');
  // Tables from before `auto` was recorded treat every recorded parameter as chosen.
  const auto = new Set<string>(recorded?.auto ?? []);
  const unitCost = flags.unitCost !== undefined ? new Dec(flags.unitCost) : explicitUnit ? undefined : recorded?.unit_cost;
  const base = flags.base ?? (explicitUnit || unitCost !== undefined || auto.has('base_operation') ? undefined : previous?.unit.base_operation);
  const basis = flags.basis ?? (auto.has('basis') ? undefined : previous?.price.basis);
  const maxLevels = flags.maxLevels ?? recorded?.max_levels;
  const delimiter = flags.delimiter ?? recorded?.delimiter;
  const settings: Settings = {
    baseRecorded: flags.base === undefined && base !== undefined,
    rates: { ...recorded?.rates, ...decimals('--rate', flags.rate, snakeCase) },
    flagMultipliers: decimals('--multiplier', flags.multiplier),
    pins: decimals('--pin', flags.pin),
    recordedMultipliers: { ...recorded?.multipliers },
    stat: flags.stat ?? recorded?.stat ?? DEFAULTS.stat,
    ladder: flags.ladder ?? recorded?.ladder ?? DEFAULTS.ladder,
    rounding: flags.rounding ?? recorded?.rounding ?? DEFAULTS.rounding,
    margin: flags.margin !== undefined ? new Dec(flags.margin) : previous?.price.target_margin ?? new Dec(DEFAULTS.margin),
    floor: flags.floor !== undefined ? new Dec(flags.floor) : recorded?.floor ?? new Dec(DEFAULTS.floor),
    currency,
    columns,
  };
  const decimalMark = decimalMarkOf(flags) ?? recorded?.decimal_mark;
  if (decimalMark !== undefined) settings.decimalMark = decimalMark;
  if (delimiter !== undefined) settings.delimiter = delimiter;
  if (base !== undefined) settings.base = base;
  if (unitCost !== undefined) settings.unitCost = unitCost;
  if (basis !== undefined) settings.basis = basis;
  if (maxLevels !== undefined) settings.maxLevels = maxLevels;
  return settings;
}

export interface Derivation {
  costs: CostsRead;
  operations: OperationCost[];
  design: Design;
  table: CreditTable;
  settings: Settings;
  warnings: string[];
}

/** The path of the costs file as a table at `tablePath` records it: relative, with forward slashes. */
export function sourcePath(costsPath: string, tablePath: string): string {
  if (costsPath === STDIN) return STDIN;
  const from = tablePath === STDIN ? process.cwd() : dirname(resolve(tablePath));
  return relative(from, resolve(costsPath)).split(sep).join('/');
}

function recordOf(settings: Settings, result: Design, delimiter: string): TableDesign {
  const multipliers: Record<string, Dec> = {};
  for (const op of result.operations) if (!op.multiplier.eq(ONE)) multipliers[op.operation] = op.multiplier;
  const record: TableDesign = {
    ladder: settings.ladder,
    rounding: settings.rounding,
    stat: settings.stat,
    floor: settings.floor,
    rates: settings.rates,
    multipliers,
  };
  if (settings.maxLevels !== undefined) record.max_levels = settings.maxLevels;
  if (settings.unitCost !== undefined) record.unit_cost = settings.unitCost;
  if (Object.keys(settings.columns).length > 0) record.columns = settings.columns as Record<string, string>;
  if (delimiter !== ',') record.delimiter = delimiter;
  if (settings.decimalMark !== undefined) record.decimal_mark = settings.decimalMark;
  if (settings.prices && settings.prices.used.size > 0) record.prices = settings.prices.record();
  record.auto = AUTO_PARAMETERS.filter((p) => (p === 'basis' ? settings.basis === undefined : settings.base === undefined && settings.unitCost === undefined));
  return record;
}

/** The core's parameters for a design from these settings, over these operations. */
function designParams(settings: Settings, operations: readonly OperationCost[], previous: CreditTable | undefined, warnings: string[]): DesignParams {
  const pinned: Record<string, Dec> = {};
  for (const [name, op] of Object.entries(previous?.operations ?? {})) {
    if (!op.pinned || settings.pins[name] !== undefined) continue;
    if (operations.some((o) => o.operation === name)) pinned[name] = op.credits;
    else warnings.push(`${name} is pinned but not in the costs; it is left out of the table`);
  }
  for (const [name, credits] of Object.entries(settings.pins)) {
    if (!operations.some((o) => o.operation === name)) throw unknownOperation('--pin', name, operations);
    if (credits.lte(0)) throw new CliError(`--pin ${name}=${credits.toFixed()}: credits must be greater than 0`);
    pinned[name] = credits;
  }
  let base = settings.base;
  if (base !== undefined && settings.baseRecorded && !operations.some((o) => o.operation === base)) {
    warnings.push(`the recorded base operation ${base} is not in the costs any more; the cheapest operation is the base`);
    base = undefined;
  }
  return {
    ...(base !== undefined && { base }),
    ...(settings.unitCost !== undefined && { unitCost: settings.unitCost }),
    multipliers: settings.flagMultipliers,
    ladder: settings.ladder,
    rounding: settings.rounding,
    ...(settings.maxLevels !== undefined && { maxLevels: settings.maxLevels }),
    margin: settings.margin,
    floor: settings.floor,
    ...(settings.basis !== undefined && { basis: settings.basis }),
    currency: settings.currency,
    pinned,
  };
}

/** Problems the core finds are the user's to fix: exit 2, against the costs file (at their place in it, when they have one). */
function reported<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    // Any other DesignError is about a flag or a recorded choice; the entry point reports it as exit 2.
    if (error instanceof DesignError && (error.at || error.ofInput)) throw new InputError(file, error.message, error.at);
    throw error;
  }
}

/** What reading the costs file found, besides the operations. */
export interface CostsRead {
  file: string;
  /** Rows read: one per operation, or several samples each. */
  samples: number;
  hasVolumeColumn: boolean;
  /** Whether costs came from resource columns × rates. */
  fromRates: boolean;
  /** Whether costs came from tokens × model prices. */
  fromTokens: boolean;
  /** The file's sha256, hashed once: a pin search designs the same bytes again dozens of times. */
  sha256: string;
}

/**
 * The operations of a costs file, aggregated. Raw samples with a plain cost
 * column take the fast path, which keeps costs as integers rather than one
 * object per row; anything else, and any row that would be refused, takes
 * the general reader, which reports it with its line.
 */
function readOperations(source: Source, delimiter: string, settings: Settings, progress?: (read: number, total: number) => void): { costs: CostsRead; operations: OperationCost[] } {
  const overridden = new Set(Object.keys(settings.flagMultipliers));
  const format = settings.decimalMark !== undefined ? { decimalMark: settings.decimalMark } : {};
  const fast = fastCosts(source, fastOptions(settings, delimiter), settings.stat, overridden, progress);
  if (fast) return { costs: { file: source.name, samples: fast.samples, hasVolumeColumn: fast.hasVolumeColumn, fromRates: false, fromTokens: false, sha256: sha256(source.bytes) }, operations: fast.operations };
  if (source.bytes.length > GENERAL_CSV_LIMIT) {
    throw new CliError(
      `${source.name}: larger than ${GENERAL_CSV_LIMIT / 1024 / 1024} MiB and not in the form read quickly (a cost column of plain decimals such as 0.000213, no quotes); aggregate it first, or write it in that form`,
    );
  }
  const read = readCosts(parseCsv(source, delimiter), { columns: settings.columns, rates: settings.rates, currency: settings.currency, ...format, ...(settings.prices && { prices: settings.prices }) });
  return {
    costs: { file: read.file, samples: read.samples.length, hasVolumeColumn: read.hasVolumeColumn, fromRates: read.fromRates, fromTokens: read.fromTokens, sha256: sha256(source.bytes) },
    operations: groupSamples(read.samples, settings.stat, read.hasVolumeColumn, overridden),
  };
}

function fastOptions(settings: Settings, delimiter: string): FastOptions {
  return { columns: settings.columns, currency: settings.currency, delimiter, ...(settings.decimalMark !== undefined && { decimalMark: settings.decimalMark }) };
}

/** Files from this size on are read on worker threads when they are raw samples in the fast path's form (and show a progress bar on a terminal). */
export const LARGE_COSTS_FROM = 16 * 1024 * 1024;

/**
 * A large file of raw samples, read on worker threads without holding it
 * whole: a Source of its header line alone (what a derivation still reads
 * of it) and what reading found, for deriveTable's `read`. Undefined for
 * stdin, a smaller file, or one the fast path cannot take: read it whole.
 */
export async function readLargeSamples(
  path: string,
  settings: Settings,
  progress?: (read: number, total: number) => void,
): Promise<{ source: Source; read: Pick<Derivation, 'costs' | 'operations'> } | undefined> {
  if (path === STDIN) return undefined;
  const size = await stat(path).then((s) => (s.isFile() ? s.size : 0), () => 0);
  if (size < LARGE_COSTS_FROM) return undefined;
  if (size > STREAMED_COSTS_LIMIT) throw tooLarge(path, 'costs file', STREAMED_COSTS_LIMIT);
  const { readSamplesInParallel } = await import('../io/costs-parallel.js');
  const overridden = new Set(Object.keys(settings.flagMultipliers));
  const found = await readSamplesInParallel(path, size, (header) => fastOptions(settings, settings.delimiter ?? detectDelimiter(path, header)), settings.stat, overridden, progress);
  if (!found) return undefined;
  const { fast, header, sha256 } = found;
  return {
    source: { name: path, bytes: header },
    read: { costs: { file: path, samples: fast.samples, hasVolumeColumn: fast.hasVolumeColumn, fromRates: false, fromTokens: false, sha256 }, operations: fast.operations },
  };
}

/**
 * Runs the whole method on a costs file: read, aggregate, design, and build
 * the table. Problems the core finds are reported against the costs file.
 */
export function deriveTable(
  source: Source,
  costsPath: string,
  settings: Settings,
  context: { tablePath: string; previous?: CreditTable; read?: Pick<Derivation, 'costs' | 'operations'>; progress?: (read: number, total: number) => void },
): Derivation {
  return reported(source.name, () => {
    const warnings: string[] = [];
    const delimiter = settings.delimiter ?? detectDelimiter(source.name, source.bytes);
    // A derivation of the same costs with other choices (a pin) reuses what reading them found.
    const { costs, operations } = context.read ? { costs: context.read.costs, operations: context.read.operations.map((o) => ({ ...o })) } : readOperations(source, delimiter, settings, context.progress);
    for (const op of operations) {
      const recorded = settings.recordedMultipliers[op.operation];
      if (op.multiplier === undefined && recorded !== undefined) op.multiplier = recorded;
    }
    const result = design(operations, designParams(settings, operations, context.previous, warnings));
    const table = tableFromDesign(
      result,
      {
        currency: settings.currency,
        design: recordOf(settings, result, delimiter),
        source: { file: sourcePath(costsPath, context.tablePath), sha256: costs.sha256 },
      },
      context.previous,
    );
    return { costs, operations, design: result, table, settings, warnings: [...warnings, ...result.warnings] };
  });
}

/** The table designed again from the costs it records: what it would say had nobody edited it. */
export function redesignRecorded(table: CreditTable, settings: Settings): Design {
  const operations: OperationCost[] = Object.entries(table.operations).map(([operation, op]) => {
    const multiplier = op.multiplier ?? table.design.multipliers[operation];
    return {
      operation,
      cost: op.cost,
      samples: 1,
      ...(op.volume !== undefined && { volume: op.volume }),
      ...(multiplier !== undefined && { multiplier }),
    };
  });
  return reported(table.source?.file ?? 'table', () => design(operations, designParams({ ...settings, flagMultipliers: {} }, operations, table, [])));
}
