/**
 * The byte-level side of reading usage logs: the scanner that splits plain
 * lines on commas without making strings, and the aggregator every row goes
 * through (from the scanner or from csv-parse), so both paths mean the same.
 * Used by the in-order reader (usage.ts) and the worker threads.
 */
import { parse as parseSync } from 'csv-parse/sync';
import type { Dec } from '../core/decimal.js';
import { ExactSum, SAFE_UNITS } from '../core/exact-sum.js';
import { type DecimalMark, localeHint, readNumber } from '../core/numbers.js';
import { parseInstant } from '../core/time.js';
import { snakeCase } from './csv.js';
import { CliError, InputError, LocaleError, nameList } from './errors.js';

export const USAGE_ROLES = ['operation', 'cost', 'credits', 'timestamp', 'customer'] as const;
export type UsageRole = (typeof USAGE_ROLES)[number];

const USAGE_ALIASES: Record<UsageRole, readonly string[]> = {
  operation: ['operation', 'op', 'name', 'endpoint'],
  cost: ['actual_cost', 'cost'],
  credits: ['credits_consumed', 'credits'],
  timestamp: ['timestamp', 'time', 'ts', 'created_at'],
  customer: ['customer_id', 'customer'],
};

/** Money is summed in units of 10^-12, credits in units of 10^-6. */
export const COST_SCALE = 12;
export const CREDIT_SCALE = 6;

export interface CustomerUsage {
  customer: string;
  calls: number;
  cost: ExactSum;
}

/** One operation's sums as a reader reports them. */
export interface OperationTotals {
  operation: string;
  calls: number;
  cost: ExactSum;
  credits: ExactSum;
  customers: { values(): Iterable<CustomerUsage> };
}

/** As the scanner keeps them: customers keyed by their bytes. */
interface OperationUsage extends OperationTotals {
  customers: ByteKeyMap<CustomerUsage>;
}

export interface UsageTotals {
  file: string;
  rows: number;
  /** Rows outside the time window. */
  skipped: number;
  hasCredits: boolean;
  hasCustomers: boolean;
  operations: Map<string, OperationTotals>;
}

export interface UsageOptions {
  columns: Partial<Record<UsageRole, string>>;
  /** Epoch milliseconds: since inclusive, until exclusive. */
  since?: number;
  until?: number;
  /** The field delimiter; detected from the header when not given. */
  delimiter?: string;
  /** The log's declared decimal mark. */
  decimalMark?: DecimalMark;
  /** Called now and then with bytes read and the total, when known. */
  progress?: (read: number, total: number | undefined) => void;
}

/** A map keyed by byte ranges, so the hot loop makes no string for a key it has seen. */
export class ByteKeyMap<V> {
  private readonly buckets = new Map<number, { key: Buffer; value: V }[]>();

  get(buf: Buffer, start: number, end: number): V | undefined {
    const bucket = this.buckets.get(hashBytes(buf, start, end));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) if (sameBytes(bucket[i]!.key, buf, start, end)) return bucket[i]!.value;
    return undefined;
  }

  set(buf: Buffer, start: number, end: number, value: V): void {
    const hash = hashBytes(buf, start, end);
    const entry = { key: Buffer.from(buf.subarray(start, end)), value };
    const bucket = this.buckets.get(hash);
    if (bucket) bucket.push(entry);
    else this.buckets.set(hash, [entry]);
  }

  *values(): IterableIterator<V> {
    for (const bucket of this.buckets.values()) for (const entry of bucket) yield entry.value;
  }
}

function hashBytes(buf: Buffer, start: number, end: number): number {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
  return h;
}

function sameBytes(key: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== buf[start + i]) return false;
  return true;
}

const LF = 0x0a;
const DOT = 0x2e;
const ZERO_CODE = 0x30;
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Why a number field was refused; undefined when it was taken. */
type NumberProblem = 'not a number' | 'negative';

/**
 * Aggregates usage rows into per-operation totals. Every row, from the fast
 * path or from csv-parse, goes through addRecord, so both paths mean the same.
 */
export class Aggregator {
  rows = 0;
  skipped = 0;
  readonly operations = new ByteKeyMap<OperationUsage>();
  readonly byName = new Map<string, OperationUsage>();
  /** Lines taken so far, the header included: the line number of the last row. */
  line = 1;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(
    readonly file: string,
    readonly width: number,
    readonly index: Record<UsageRole, number>,
    readonly options: UsageOptions,
  ) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
  }

  /**
   * The fast path: takes the complete lines in buf[from, to), where `to` is
   * just after a LF, splitting on commas and hashing fields on the way.
   * Returns `to`, or the start of the first line that holds a quote, which
   * is left for the full CSV parser.
   */
  scan(buf: Buffer, from: number, to: number): number {
    const { width, starts, ends } = this;
    let lineStart = from;
    let field = 0;
    let fieldStart = from;
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      // Byte values are literals here: a hot loop reads them faster than module constants.
      // One comparison settles most bytes: every byte that matters (\n \r " ,) is 44 or less.
      // Safe for UTF-8: every byte of a multi-byte character is 0x80 or more, so no part of one
      // can be taken for a delimiter, a quote or a line end; names are decoded whole later.
      if (c > 44) continue;
      if (c === 44) {
        if (field < width) {
          starts[field] = fieldStart;
          ends[field] = i;
        }
        field++;
        fieldStart = i + 1;
      } else if (c === 10) {
        this.line++;
        const end = i > fieldStart && buf[i - 1] === 13 ? i - 1 : i;
        if (field > 0 || end > fieldStart) {
          if (field < width) {
            starts[field] = fieldStart;
            ends[field] = end;
          }
          this.addRecord(buf, field + 1, this.line);
        }
        field = 0;
        lineStart = fieldStart = i + 1;
      } else if (c === 34) {
        return lineStart;
      }
    }
    return to;
  }

  /** One parsed record from csv-parse. */
  addFields(fields: string[], line: number): void {
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    const parts = fields.map((f) => Buffer.from(f, 'utf8'));
    const buf = Buffer.concat(parts);
    let offset = 0;
    parts.forEach((p, i) => {
      if (i < this.width) {
        this.starts[i] = offset;
        this.ends[i] = offset + p.length;
      }
      offset += p.length;
    });
    this.addRecord(buf, fields.length, line);
  }

  private addRecord(buf: Buffer, count: number, line: number): void {
    const { starts, ends } = this;
    if (count !== this.width) {
      throw new InputError(this.file, `row has ${count} fields but the header has ${this.width}`, { line, column: Math.min(count, this.width) + 1 });
    }
    const { index, options } = this;
    if (index.timestamp >= 0 && (options.since !== undefined || options.until !== undefined)) {
      const text = buf.toString('utf8', starts[index.timestamp]!, ends[index.timestamp]!).trim();
      const at = parseInstant(text);
      if (Number.isNaN(at)) throw new InputError(this.file, `timestamp: "${text}" is not an ISO 8601 date-time (one without an offset is UTC)`, { line, column: index.timestamp + 1 });
      if ((options.since !== undefined && at < options.since) || (options.until !== undefined && at >= options.until)) {
        this.skipped++;
        return;
      }
    }
    const opStart = starts[index.operation]!;
    const opEnd = ends[index.operation]!;
    let op = this.operations.get(buf, opStart, opEnd);
    if (!op) {
      const name = buf.toString('utf8', opStart, opEnd).trim();
      if (name === '') throw new InputError(this.file, 'operation: the operation name is empty', { line, column: index.operation + 1 });
      // Names that differ only by surrounding spaces are one operation.
      op = this.byName.get(name) ?? { operation: name, calls: 0, cost: new ExactSum(), credits: new ExactSum(), customers: new ByteKeyMap() };
      this.byName.set(name, op);
      this.operations.set(buf, opStart, opEnd, op);
    }
    const cost = this.number(op.cost, buf, starts[index.cost]!, ends[index.cost]!, COST_SCALE, line, index.cost, 'actual_cost');
    if (index.credits >= 0) this.number(op.credits, buf, starts[index.credits]!, ends[index.credits]!, CREDIT_SCALE, line, index.credits, 'credits_consumed');
    op.calls++;
    this.rows++;
    if (index.customer >= 0) {
      const from = starts[index.customer]!;
      const to = ends[index.customer]!;
      let customer = op.customers.get(buf, from, to);
      if (!customer) op.customers.set(buf, from, to, (customer = { customer: buf.toString('utf8', from, to).trim(), calls: 0, cost: new ExactSum() }));
      customer.calls++;
      if (typeof cost === 'number') customer.cost.addUnits(cost);
      else customer.cost.addDecimal(cost);
    }
  }

  /**
   * Adds a number field to `sum`. Plain decimals ("0.000213") are read
   * straight from the bytes into integer units; anything else (currency
   * signs, exponents, thousands separators, more digits than the scale)
   * goes through the exact decimal reader. Returns what was added: integer
   * units, or the decimal.
   */
  private number(sum: ExactSum, buf: Buffer, start: number, end: number, scale: number, line: number, column: number, role: string): number | Dec {
    let mantissa = 0;
    let digits = 0;
    let fraction = -1;
    // With a decimal comma, a dot groups thousands: such a number takes the exact reader.
    const mark = this.options.decimalMark === 'comma' ? -1 : DOT;
    let i = start;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c >= ZERO_CODE && c <= ZERO_CODE + 9) {
        mantissa = mantissa * 10 + (c - ZERO_CODE);
        digits++;
        if (fraction >= 0) fraction++;
      } else if (c === mark && fraction < 0) {
        fraction = 0;
      } else break;
    }
    const decimals = fraction < 0 ? 0 : fraction;
    if (i === end && digits > 0 && digits <= 15 && decimals <= scale) {
      const units = mantissa * POWERS[scale - decimals]!;
      if (units < SAFE_UNITS) {
        sum.addUnits(units);
        return units;
      }
    }
    const text = buf.toString('utf8', start, end).trim();
    const at = { line, column: column + 1 };
    const read = readNumber(text, this.options);
    if (read === 'locale') throw new LocaleError(this.file, `${role}: "${text}" ${localeHint(this.options)}`, at, localeHint(this.options), text);
    const problem: NumberProblem | undefined = read === 'invalid' ? 'not a number' : read.value.isNeg() ? 'negative' : undefined;
    if (problem || typeof read === 'string') throw new InputError(this.file, `${role}: "${text}" is ${problem}`, at);
    sum.addDecimal(read.value);
    return read.value;
  }
}

function headerIndex(file: string, header: string[], columns: UsageOptions['columns']): Record<UsageRole, number> {
  const keys = header.map(snakeCase);
  const index = {} as Record<UsageRole, number>;
  for (const role of USAGE_ROLES) {
    const mapped = columns[role];
    if (mapped !== undefined) {
      const at = header.findIndex((h, i) => h.trim().toLowerCase() === mapped.trim().toLowerCase() || keys[i] === snakeCase(mapped));
      if (at < 0) throw new CliError(`--column ${role}=${mapped}: ${file} has no such column (columns: ${nameList(header)})`);
      index[role] = at;
      continue;
    }
    const found = keys.flatMap((k, i) => (USAGE_ALIASES[role].includes(k) ? [i] : []));
    if (found.length > 1) {
      throw new InputError(file, `columns ${found.map((i) => `"${header[i]}"`).join(' and ')} could both be the ${role} column; choose one with --column ${role}=HEADER`, { line: 1, column: found[1]! + 1 });
    }
    index[role] = found[0] ?? -1;
  }
  for (const role of ['operation', 'cost'] as const) {
    if (index[role] < 0) {
      throw new InputError(file, `no ${role} column (expected one of ${USAGE_ALIASES[role].join(', ')}, or --column ${role}=HEADER); columns: ${nameList(header)}`, { line: 1 });
    }
  }
  return index;
}

/** No usage row is anywhere near this long; a longer line is garbage, refused before it fills memory. */
export const MAX_LINE = 1024 * 1024;

function lineTooLong(aggregator: Aggregator): InputError {
  return new InputError(aggregator.file, `a line is longer than ${MAX_LINE / 1024 / 1024} MiB; is this a usage log?`, { line: aggregator.line + 1 });
}

/**
 * Runs the fast path over a stream of chunks, starting with `first`. Resolves
 * with the bytes from the first line it could not take (one with a quote) on,
 * the caller going on with the same chunks, or with undefined at the end.
 */
export async function scanChunks(
  chunks: AsyncIterator<Buffer>,
  aggregator: Aggregator,
  first: Buffer | undefined,
  onChunk?: (chunk: Buffer) => void,
): Promise<Buffer | undefined> {
  let carry = first;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = next.value;
    onChunk?.(chunk);
    let start = 0;
    if (carry && carry.length > 0) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        if (carry.length > MAX_LINE) throw lineTooLong(aggregator);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
      start = nl + 1;
      const stop = aggregator.scan(joined, 0, joined.length);
      if (stop < joined.length) return Buffer.concat([joined.subarray(stop), chunk.subarray(start)]);
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      const stop = aggregator.scan(chunk, start, last + 1);
      if (stop <= last) return chunk.subarray(stop);
      start = last + 1;
    }
    carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : undefined;
    if (carry && carry.length > MAX_LINE) throw lineTooLong(aggregator);
  }
  if (carry && carry.length > 0) {
    // The last line has no LF: give it one.
    const line = Buffer.concat([carry, Buffer.from([LF])]);
    if (aggregator.scan(line, 0, line.length) < line.length) return carry;
  }
  return undefined;
}

/** The header's fields from its first line. */
export function headerFields(file: string, bytes: Buffer, delimiter = ','): string[] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const header = (parseSync(text, { delimiter, relax_quotes: true, relax_column_count: true })[0] ?? []) as string[];
  if (header.length === 0 || header.every((h) => h.trim() === '')) throw new InputError(file, 'the file is empty; expected a header row and one row per call', { line: 1 });
  return header;
}

export function totalsOf(aggregator: Aggregator): UsageTotals {
  return {
    file: aggregator.file,
    rows: aggregator.rows,
    skipped: aggregator.skipped,
    hasCredits: aggregator.index.credits >= 0,
    hasCustomers: aggregator.index.customer >= 0,
    operations: aggregator.byName,
  };
}

export function newAggregator(file: string, header: string[], options: UsageOptions): Aggregator {
  return new Aggregator(file, header.length, headerIndex(file, header, options.columns), options);
}
