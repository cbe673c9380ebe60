import { Dec, ZERO } from '../core/decimal.js';
import { type NumberFormat, columnEvidence, localeHint, readNumber, signFits } from '../core/numbers.js';
import type { CostSample } from '../core/samples.js';
import { type CsvColumn, type CsvRow, type CsvTable, snakeCase } from './csv.js';
import { CliError, InputError, LocaleError, nameList } from './errors.js';
import type { PriceBook } from '../pricing/book.js';
import { TOKEN_ALIASES, TOKEN_PRICES } from '../core/tokens.js';

export const ROLES = ['operation', 'cost', 'volume', 'multiplier', 'third_party', 'model', 'input_tokens', 'output_tokens', 'cached_input_tokens'] as const;
export type Role = (typeof ROLES)[number];

const ALIASES: Record<Role, readonly string[]> = {
  operation: ['operation', 'op', 'name', 'endpoint'],
  cost: ['cost', 'total_cost', 'cost_usd'],
  volume: ['volume', 'calls', 'requests'],
  multiplier: ['multiplier', 'value_multiplier'],
  third_party: ['third_party'],
  ...TOKEN_ALIASES,
};

export interface CostsOptions extends NumberFormat {
  /** --column ROLE=HEADER mappings. */
  columns: Readonly<Partial<Record<Role, string>>>;
  /** Rates by resource column key. */
  rates: Readonly<Record<string, Dec>>;
  /** The table's currency: a currency sign in a cell must agree with it. */
  currency: string;
  /** Model prices, for a file with token columns. */
  prices?: PriceBook;
}

export interface Costs {
  file: string;
  samples: CostSample[];
  hasVolumeColumn: boolean;
  /** Whether costs came from resource columns × rates. */
  fromRates: boolean;
  /** Whether costs came from tokens × model prices. */
  fromTokens: boolean;
}

/** Each role's column by alias or --column mapping (needs only the header). */
export function rolesOf(table: Pick<CsvTable, 'file' | 'columns'>, columns: CostsOptions['columns']): Record<Role, CsvColumn | undefined> {
  return Object.fromEntries(ROLES.map((role) => [role, findColumn(table, role, columns[role])])) as Record<Role, CsvColumn | undefined>;
}

function findColumn(table: Pick<CsvTable, 'file' | 'columns'>, role: Role, mapped: string | undefined): CsvColumn | undefined {
  if (mapped !== undefined) {
    const wanted = mapped.trim().toLowerCase();
    const column = table.columns.find((c) => c.header.toLowerCase() === wanted || c.key === snakeCase(mapped));
    if (!column) {
      throw new CliError(
        `--column ${role}=${mapped}: ${table.file} has no such column (columns: ${nameList(table.columns.map((c) => c.header))})`,
      );
    }
    return column;
  }
  const found = table.columns.filter((c) => ALIASES[role].includes(c.key));
  if (found.length > 1) {
    throw new InputError(
      table.file,
      `columns ${found.map((c) => `"${c.header}"`).join(' and ')} could both be the ${role} column; choose one with --column ${role}=HEADER`,
      { line: 1, column: found[1]!.column },
      `two columns could both be the ${role} column; choose one with --column ${role}=HEADER`,
    );
  }
  return found[0];
}

function checkHeaders(table: CsvTable): void {
  const seen = new Map<string, CsvColumn>();
  for (const c of table.columns) {
    if (c.key === '') {
      if (table.rows.some((r) => (r.cells[c.column - 1] ?? '').trim() !== '')) {
        throw new InputError(table.file, `column ${c.column} has no header`, { line: 1, column: c.column }, true);
      }
      continue;
    }
    const twin = seen.get(c.key);
    if (twin) {
      throw new InputError(
        table.file,
        `duplicate column "${c.header}" (same as column ${twin.column}, "${twin.header}")`,
        { line: 1, column: c.column },
        `duplicate column (same as column ${twin.column})`,
      );
    }
    seen.set(c.key, c);
  }
}

interface Reader {
  number(row: CsvRow, column: CsvColumn, rule: 'positive' | 'non-negative'): Dec | undefined;
}

const cell = (row: CsvRow, column: CsvColumn) => (row.cells[column.column - 1] ?? '').trim();

function reader(table: CsvTable, options: NumberFormat & { currency: string }): Reader {
  const file = table.file;
  const formats = new Map<CsvColumn, NumberFormat>();
  /** The declared convention, else what the column itself shows. */
  const formatOf = (column: CsvColumn): NumberFormat => {
    let format = formats.get(column);
    if (!format) {
      const shown = options.decimalMark ?? columnEvidence(table.rows.map((row) => cell(row, column)));
      formats.set(column, (format = shown ? { decimalMark: shown } : {}));
    }
    return format;
  };
  return {
    number(row, column, rule) {
      const text = cell(row, column);
      if (text === '') return undefined;
      const at = { line: row.line, column: column.column };
      const format = formatOf(column);
      const read = readNumber(text, format);
      if (read === 'locale') throw new LocaleError(file, `${column.header}: "${text}" ${localeHint(format)}`, at, localeHint(format), text);
      if (read === 'invalid') throw new InputError(file, `${column.header}: "${text}" is not a number`, at, 'not a number');
      const { value, sign } = read;
      if (sign !== undefined && !signFits(sign, options.currency)) {
        throw new InputError(
          file,
          `${column.header}: "${text}" is written in ${sign}, but the table's currency is ${options.currency}; convert it, or set --currency`,
          at,
          `a currency sign that is not the table's currency (${options.currency})`,
        );
      }
      if (value.isNeg()) throw new InputError(file, `${column.header}: ${text} is negative`, at, 'a negative number');
      if (rule === 'positive' && value.isZero()) {
        throw new InputError(file, `${column.header}: must be greater than 0, got ${text}`, at, 'must be greater than 0');
      }
      return value;
    },
  };
}

interface Layout {
  roles: Record<Role, CsvColumn | undefined>;
  operation: CsvColumn;
  /** Columns with a header that no role took. */
  unassigned: CsvColumn[];
}

function layoutOf(table: CsvTable, columns: CostsOptions['columns']): Layout {
  checkHeaders(table);
  if (table.rows.length === 0) {
    throw new InputError(table.file, 'has a header row but no operations', { line: 2 }, true);
  }
  const roles = rolesOf(table, columns);
  const operation = roles.operation;
  if (!operation) {
    throw new InputError(
      table.file,
      `no operation column (expected one of ${ALIASES.operation.join(', ')}, or --column operation=HEADER); columns: ${nameList(table.columns.map((c) => c.header))}`,
      { line: 1 },
      `no operation column (expected one of ${ALIASES.operation.join(', ')}, or --column operation=HEADER)`,
    );
  }
  const assigned = new Set(Object.values(roles));
  return { roles, operation, unassigned: table.columns.filter((c) => !assigned.has(c) && c.key !== '') };
}

/** Whether every value of a column looks like a number: such columns are resources, others are notes. */
function isNumeric(table: CsvTable, column: CsvColumn): boolean {
  return table.rows.every((row) => {
    const text = cell(row, column);
    return text === '' || /^[\s$€£¥+\-\d.,eE]+$/.test(text);
  });
}

/** The resource columns that need a rate: none when there is a cost column. */
export function ratesNeeded(table: CsvTable, columns: CostsOptions['columns']): string[] {
  const { roles, unassigned } = layoutOf(table, columns);
  return roles.cost ? [] : unassigned.filter((c) => isNumeric(table, c)).map((c) => c.key);
}

/**
 * Interprets a parsed costs CSV: finds the operation, cost, volume,
 * multiplier and third-party columns by alias or --column, and computes each
 * row's cost — the cost column as is, or Σ resource × rate + third_party.
 */
export function readCosts(table: CsvTable, options: CostsOptions): Costs {
  const { roles, operation, unassigned } = layoutOf(table, options.columns);
  const read = reader(table, options);
  const tokens = tokenLayout(table, roles, options.prices);
  const resources = roles.cost ? [] : resourceColumns(table, unassigned, options.rates, roles.third_party !== undefined || tokens !== undefined);

  const samples = table.rows.map((row): CostSample => {
    const name = cell(row, operation);
    if (name === '') throw new InputError(table.file, `${operation.header}: the operation name is empty`, { line: row.line, column: operation.column }, 'the operation name is empty');
    const sample: CostSample = { operation: name, cost: rowCost(row, roles, resources, options.rates, read, table.file, tokens), at: { line: row.line } };
    if (roles.volume) {
      const volume = read.number(row, roles.volume, 'non-negative');
      if (volume === undefined) {
        throw new InputError(table.file, `${roles.volume.header}: the volume is empty; give every row its volume (0 for none)`, { line: row.line, column: roles.volume.column }, 'the volume is empty; give every row its volume (0 for none)');
      }
      sample.volume = volume;
    }
    if (roles.multiplier) {
      const multiplier = read.number(row, roles.multiplier, 'positive');
      if (multiplier) {
        sample.multiplier = multiplier;
        sample.multiplierColumn = roles.multiplier.column;
      }
    }
    return sample;
  });
  return {
    file: table.file,
    samples,
    hasVolumeColumn: roles.volume !== undefined,
    fromRates: !roles.cost && resources.length > 0,
    fromTokens: tokens !== undefined,
  };
}

interface TokenLayout {
  model: CsvColumn;
  columns: { column: CsvColumn; price: 'input' | 'output' | 'cached_input' }[];
  prices: PriceBook;
}

/** The token columns of a file and the prices to multiply them by; undefined for a file without them. */
function tokenLayout(table: CsvTable, roles: Record<Role, CsvColumn | undefined>, prices: PriceBook | undefined): TokenLayout | undefined {
  const columns = TOKEN_PRICES.flatMap(([role, price]) => (roles[role] ? [{ column: roles[role], price }] : []));
  if (!roles.model && columns.length === 0) return undefined;
  const first = (roles.model ?? columns[0]!.column).column;
  if (roles.cost) {
    throw new InputError(
      table.file,
      'has both a cost column and token columns (model, input_tokens, output_tokens): which is the cost? Drop one, or map the cost with --column cost=HEADER and rename the others',
      { line: 1, column: first },
      true,
    );
  }
  if (!roles.model) throw new InputError(table.file, 'has token columns but no model column (expected model or model_id, or --column model=HEADER)', { line: 1, column: first }, true);
  if (columns.length === 0) throw new InputError(table.file, 'has a model column but no token columns (input_tokens, output_tokens, cached_input_tokens)', { line: 1, column: first }, true);
  if (!prices) {
    throw new InputError(table.file, 'has token columns (model, input_tokens, output_tokens); give --prices genai-prices, --prices models.dev or --prices FILE with your own prices', { line: 1, column: first }, true);
  }
  return { model: roles.model, columns, prices };
}

/** Σ tokens × the model's price per token, for one row. */
function tokenCost(row: CsvRow, tokens: TokenLayout, read: Reader, file: string): Dec {
  const name = cell(row, tokens.model);
  const at = { line: row.line, column: tokens.model.column };
  if (name === '') throw new InputError(file, `${tokens.model.header}: the model is empty`, at, 'the model is empty');
  const priced = tokens.prices.price(name);
  // The message names the model as written; in a table-named file that is content, so the plain form leaves it out.
  if ('problem' in priced) throw new InputError(file, `${tokens.model.header}: ${priced.problem}`, at, 'a model without a price in the catalog');
  let cost = ZERO;
  let input = ZERO;
  for (const { column, price } of tokens.columns) {
    const count = read.number(row, column, 'non-negative') ?? ZERO;
    if (price !== 'output') input = input.plus(count);
    if (count.isZero()) continue;
    const perToken = priced.prices[price];
    if (perToken === undefined) {
      throw new InputError(file, `${column.header}: ${name} (${priced.model}) has no ${price.replace('_', ' ')} price in ${tokens.prices.catalog}; give --prices FILE with it`, { line: row.line, column: column.column }, `a model without a ${price.replace('_', ' ')} price`);
    }
    cost = cost.plus(count.times(perToken));
  }
  if (priced.tierFrom !== undefined && input.gte(priced.tierFrom)) {
    throw new InputError(
      file,
      `${name} (${priced.model}) is priced otherwise from ${priced.tierFrom} input tokens, and this call has ${input.toFixed()}; long prompts are not priced yet: give --prices FILE with the rate you pay`,
      at,
      'a prompt past the catalog\'s price tier',
    );
  }
  return cost;
}

function rowCost(
  row: CsvRow,
  roles: Record<Role, CsvColumn | undefined>,
  resources: readonly CsvColumn[],
  rates: Readonly<Record<string, Dec>>,
  read: Reader,
  file: string,
  tokens?: TokenLayout,
): Dec {
  if (roles.cost) {
    const cost = read.number(row, roles.cost, 'positive');
    if (cost === undefined) throw new InputError(file, `${roles.cost.header}: the cost is empty`, { line: row.line, column: roles.cost.column }, 'the cost is empty');
    return cost;
  }
  let cost = tokens ? tokenCost(row, tokens, read, file) : ZERO;
  for (const column of resources) cost = cost.plus((read.number(row, column, 'non-negative') ?? ZERO).times(rates[column.key]!));
  if (roles.third_party) cost = cost.plus(read.number(row, roles.third_party, 'non-negative') ?? ZERO);
  if (cost.isZero()) {
    const first = tokens?.columns[0]?.column ?? resources[0] ?? roles.third_party!;
    throw new InputError(
      file,
      'the computed cost of this row is 0 (every resource × rate is 0); every operation must cost something',
      { line: row.line, column: first.column },
      true,
    );
  }
  return cost;
}

/**
 * Without a cost column, every other column is a resource that needs a rate,
 * except text columns (notes, descriptions) that hold no numbers.
 */
function resourceColumns(
  table: CsvTable,
  candidates: readonly CsvColumn[],
  rates: Readonly<Record<string, Dec>>,
  hasThirdParty: boolean,
): CsvColumn[] {
  for (const key of Object.keys(rates)) {
    if (!candidates.some((c) => c.key === key)) {
      throw new CliError(
        `--rate ${key}: ${table.file} has no resource column "${key}" (resource columns: ${nameList(candidates.map((c) => c.key)) || 'none'})`,
      );
    }
  }
  const resources = candidates.filter((c) => rates[c.key] !== undefined || isNumeric(table, c));
  const missing = resources.filter((c) => rates[c.key] === undefined);
  if (missing.length > 0) {
    const costLike = missing.find((c) => /cost|price|spend|usd|eur/.test(c.key));
    throw new InputError(
      table.file,
      `no cost column, and no rate for resource column${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.key).join(', ')}; give ${missing.map((c) => `--rate ${c.key}=AMOUNT`).join(' ')} or add a cost column${costLike ? `; if "${costLike.header}" is the cost of each call, give --column cost="${costLike.header}"` : ''}`,
      { line: 1, column: missing[0]!.column },
      `no cost column, and no rate for ${missing.length} resource column${missing.length > 1 ? 's' : ''}; give --rate COLUMN=AMOUNT or add a cost column`,
    );
  }
  if (resources.length === 0 && !hasThirdParty) {
    throw new InputError(
      table.file,
      `no cost column (expected one of ${ALIASES.cost.join(', ')}) and no resource columns to compute it from`,
      { line: 1 },
      true,
    );
  }
  return resources;
}
