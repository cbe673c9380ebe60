/**
 * The byte-level side of reading usage logs: the scanner that splits plain
 * lines on commas without making strings, and the aggregator every row goes
 * through (from the scanner or from csv-parse), so both paths mean the same.
 * Used by the in-order reader (usage.ts) and the worker threads.
 */
import { parse as parseSync } from 'csv-parse/sync';
import type { Dec, Units } from '../core/decimal.js';
import { ExactSum, SAFE_UNITS } from '../core/exact-sum.js';
import { type DecimalMark, localeHint, readNumber } from '../core/numbers.js';
import { DateCache, instantFromBytes, parseInstant } from '../core/time.js';
import { UnitsUse } from '../core/units-use.js';
import type { OperationUse } from '../core/usage.js';
import { Dec as D } from '../core/decimal.js';
import { LedgerBook, type MonthCells } from './usage-ledger.js';
import { type ByteSource, CallRecord, forEachKept } from './call-record.js';
import { PairTable } from './pair-table.js';
import { zeroed } from './zeroed.js';
import { TOKEN_ALIASES, TOKEN_PRICES as TOKEN_COLUMNS } from '../core/tokens.js';

const DAY_MS = 86_400_000;
import { snakeCase } from './csv.js';
import { CliError, InputError, LocaleError, nameList } from './errors.js';
import { ByteKeyMap, FNV_OFFSET, FNV_PRIME, finishHash, hashBytes as hashOf } from './byte-key-map.js';

export { ByteKeyMap };

export const USAGE_ROLES = ['operation', 'cost', 'credits', 'timestamp', 'customer', 'model', 'input_tokens', 'output_tokens', 'cached_input_tokens'] as const;
export type UsageRole = (typeof USAGE_ROLES)[number];

const USAGE_ALIASES: Record<UsageRole, readonly string[]> = {
  operation: ['operation', 'op', 'name', 'endpoint'],
  cost: ['actual_cost', 'cost'],
  credits: ['credits_consumed', 'credits'],
  timestamp: ['timestamp', 'time', 'ts', 'created_at'],
  customer: ['customer_id', 'customer'],
  ...TOKEN_ALIASES,
};

/** Per-token prices of a model as decimal text (plain data, for worker threads). */
export type TokenPriceText = Partial<Record<'input' | 'output' | 'cached_input', string>>;

/** A model's prices as the hot loop uses them: integer units of 10^-COST_SCALE per token where they fit (−1 where not, −2 where the model has no such price). */
interface ModelUnits {
  name: string;
  units: Float64Array;
  prices: (Dec | undefined)[];
}

/** Money is summed in units of 10^-12, credits in units of 10^-6. */
export const COST_SCALE = 12;
export const CREDIT_SCALE = 6;

export interface CustomerUsage {
  customer: string;
  calls: number;
  cost: ExactSum;
}

/** One of an operation's costliest customers, its cost a decimal. */
export interface TopCustomer {
  customer: string;
  calls: number;
  cost: Dec;
}

/** One operation's sums as a reader reports them. */
export interface OperationTotals {
  operation: string;
  calls: number;
  cost: ExactSum;
  credits: ExactSum;
  /**
   * Its customers; `byName` when no two of them share a name (merged by name
   * already); `top`, when given, the `n` costliest (ties by name) worked out
   * without making every customer an object, or undefined where it cannot
   * (a cost past a Number, or of more decimals), for values() to give them.
   */
  customers: { values(): Iterable<CustomerUsage>; byName?: boolean; top?(n: number): TopCustomer[] | undefined };
}

/** As the scanner keeps them: an id for the aggregator's pair table, and the line of the first call. */
interface OperationUsage extends OperationTotals {
  id: number;
  first: number;
  ledger?: LedgerOperation;
}

export interface UsageTotals {
  file: string;
  rows: number;
  /** Rows outside the time window. */
  skipped: number;
  hasCredits: boolean;
  hasCustomers: boolean;
  operations: Map<string, OperationTotals>;
  /**
   * Looks up the customers of the calls the reader threads kept as read
   * (UsageOptions.recordUpTo) for these operations, each thread for its own;
   * once, before any operation is asked for its customers, and only those
   * given here may be asked. With `top`, each of them is asked only for its
   * `top` costliest (customers.top(n), n ≤ top), which the threads may then
   * work out from their own costliest (customer-pruning.ts), and not for
   * values().
   */
  customersFor?(operations: readonly string[], top?: number): Promise<void>;
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
  /**
   * Per-token prices by model name (as the table records them), for a log
   * with model and token columns instead of a cost: each call costs
   * Σ tokens × its model's price.
   */
  tokenPrices?: Record<string, TokenPriceText>;
  /** Calls are all that is needed (credits diff): a log without a cost column is read, its cost taken as 0. */
  costOptional?: boolean;
  /** Called now and then with bytes read and the total, when known. */
  progress?: (read: number, total: number | undefined) => void;
  /** Called once the reading is under way (its threads started), so that other work on this thread can wait for that. */
  started?: () => void;
  /**
   * Sum credits per customer, month and operation instead of cost per
   * operation (credits usage): the log needs operation, timestamp and
   * customer columns, not a cost.
   */
  ledger?: LedgerOptions;
  /**
   * How many customers there must be before calls are queued (flushCalls),
   * QUEUE_FROM unless given: below it everything is in the cache and the
   * queue only costs. The tests give 0, so that their small logs go through
   * the queue.
   */
  queueFrom?: number;
  /**
   * How many calls are kept as read (CallRecord), their customers not looked
   * up: 0 (sum as read) unless given. The audit's reader threads keep up to
   * RECORD_UP_TO each, so that only the calls of flagged operations are ever
   * summed by customer (UsageTotals.customersFor); the in-order reader sums
   * as it reads.
   */
  recordUpTo?: number;
  /**
   * Below how many customers met an operation with one call in HEAVY or
   * more is summed as read although calls are kept (Aggregator.heavy):
   * QUEUE_FROM unless given. The tests give 0 (never), so that their small
   * logs keep every call.
   */
  heavyBelow?: number;
}

/**
 * The calls a reader thread keeps as read: 16 bytes each, 32 MB at most.
 * Past it the calls are summed into the pair table, whose size is bounded by
 * the pairs.
 */
export const RECORD_UP_TO = 2 ** 21;

export interface LedgerOptions {
  /**
   * Credits of one call of each operation at each UTC hour (24 decimal
   * strings), for a log without a credits column. Plain data, so it can be
   * handed to worker threads.
   */
  hourly: Record<string, readonly string[]>;
  /**
   * Buckets by time instead of UTC months: call i falls in the bucket of the
   * last boundary at or before it (epoch ms, ascending); calls before the
   * first are left out.
   */
  boundaries?: readonly number[];
  /** Count each customer's days with a call, per bucket. */
  activeDays?: boolean;
}

/** One customer's month: calls and credits, in all and (worked out when asked) by operation. */
export interface LedgerCustomer {
  customer: string;
  calls: number;
  credits: Dec;
  /** The credits as integer units of 10^-places, when they were summed so exactly. */
  units?: Units;
  operations(): OperationUse[];
}

export interface Ledger {
  file: string;
  rows: number;
  skipped: number;
  hasCredits: boolean;
  /** Epoch milliseconds of the latest call read (in the window), or undefined when none was. */
  latest: number | undefined;
  /** And of the earliest. */
  earliest: number | undefined;
  /** UTC months (year × 12 + month index) with calls (or buckets, with boundaries). */
  months: number[];
  /**
   * Calls per customer, bucket and operation, and days with a call per customer
   * and bucket, as flat arrays over the customers that called (merged by name).
   */
  panel(buckets: number, operations: readonly string[]): { customers: string[]; calls: Float64Array; activeDays: Float64Array };
  /** The customers with calls in a month, and their calls and credits by operation. */
  customersIn(month: number): LedgerCustomer[];
}

/** Per operation, what the ledger needs: its id, and its credits per hour as integer units where they fit. */
interface LedgerOperation {
  id: number;
  byHour: readonly Dec[] | undefined;
  unitsByHour: Float64Array | undefined;
}

const LF = 0x0a;
const DOT = 0x2e;
const ZERO_CODE = 0x30;
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** What the line reader works out of a column on the way (Aggregator.kinds). */
const KEY = 1;
const NUMBER = 2;
const CLASH = 3;
/** The timestamp, when the reader needs it: read where it stands when it has one of the two usual layouts. */
const TIME = 4;

/** Why a number field was refused; undefined when it was taken. */
type NumberProblem = 'not a number' | 'negative';

/** How many calls are queued before their customers and cells are looked up together. */
const QUEUE = 128;

/**
 * Calls are queued once there are this many customers, or eight times as
 * many pairs (or ledger cells): about a megabyte of them, past which a lookup
 * starts to miss the cache. Below it the queue costs about 230 instructions
 * a call (cachegrind, 200,000 rows of 500 customers: 1,832M against 1,785M).
 */
const QUEUE_FROM = 4096;

/** An operation with one call in this many or more is summed as read, not kept (Aggregator.heavy). */
const HEAVY = 16;

/**
 * Whether an id's bytes are its name as they stand: ASCII, neither end a
 * character that trimming removes (tab, line ends, space).
 */
function plainId(buf: Buffer, from: number, to: number): boolean {
  if (to <= from) return false;
  const first = buf[from]!;
  const last = buf[to - 1]!;
  if (first === 32 || (first >= 9 && first <= 13) || last === 32 || (last >= 9 && last <= 13)) return false;
  for (let i = from; i < to; i++) if (buf[i]! >= 128) return false;
  return true;
}

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
  /** Models by their bytes, for logs priced from tokens. */
  private readonly models = new ByteKeyMap<ModelUnits>();
  /** Customer ids by their bytes, and names by id. */
  readonly customerIds = new ByteKeyMap<number>();
  /**
   * Each customer's name, made from its id's bytes when first asked for
   * (customerName): a thread that sends only some of its customers
   * (bestCustomers) names only those, where 44,000 customers met while
   * looking up kept calls made 44,000 strings.
   */
  private readonly names: (string | undefined)[] = [];
  private named = 0;
  /** Whether every customer's name is its id's bytes as they stand (ASCII, no spaces around): then a name finds its customer. */
  plainNames = true;
  /** Calls and cost per operation and customer (not in ledger mode). */
  readonly pairs = new PairTable();
  /** Calls kept as read, their customers not looked up (a reader thread's, up to options.recordUpTo). */
  readonly record: CallRecord;
  /** The file offset of the buffer scan() is given, where kept calls say their customer is. */
  base = 0;
  /** The bytes the log is read from, for customersOf when calls were kept (the tests read a log in one thread so). */
  source: ByteSource | undefined;
  private grouped: { size: number; lists: Int32Array[] } | undefined;
  /** In ledger mode: operation names by id, and the latest and earliest call. */
  readonly operationNames: string[] = [];
  readonly book = new LedgerBook(CREDIT_SCALE);
  /**
   * The latest and earliest call as plain doubles (−∞ and ∞ before any): a
   * field that may hold undefined keeps each new number in a box of its own,
   * one allocation a row.
   */
  private latestAt = Number.NEGATIVE_INFINITY;
  private earliestAt = Number.POSITIVE_INFINITY;
  /** The month cells of the last call's bucket. */
  private lastBucket = Number.NaN;
  private lastCells: MonthCells | undefined;
  /** Calls queued (flushCalls): their customer's hash and bytes in `queuedIn`, operation id, and credits units (ledger) or cost units. */
  private queued = 0;
  private readonly queueFrom: number;
  private readonly heavyBelow: number;
  private queuedIn: Buffer | undefined;
  private readonly qHash = new Int32Array(QUEUE);
  private readonly qStart = new Int32Array(QUEUE);
  private readonly qEnd = new Int32Array(QUEUE);
  private readonly qOp = new Int32Array(QUEUE);
  private readonly qCell = new Int32Array(QUEUE);
  private readonly qUnits = new Float64Array(QUEUE);
  /** The date of the last timestamp read, so a log in time order reads each date once. */
  private readonly dates = new DateCache();
  /** The UTC day and month of the last call, so a log in time order works out its month once a day. */
  private lastDay = Number.NaN;
  private lastMonth = 0;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per column, what the line reader works out on the way: KEY (its hash), NUMBER (its units at `scales`), TIME (its instant), or nothing. */
  private readonly kinds: Uint8Array;
  private readonly scales: Int8Array;
  /** For the line just read by the line reader: each KEY column's hash, each NUMBER column's units (−1: not a plain decimal that fits), and the TIME column's instant (NaN: not read there). */
  private readonly hashes: Int32Array;
  private readonly units: Float64Array;

  constructor(
    readonly file: string,
    readonly width: number,
    readonly index: Record<UsageRole, number>,
    readonly options: UsageOptions,
  ) {
    this.queueFrom = options.queueFrom ?? QUEUE_FROM;
    this.heavyBelow = options.heavyBelow ?? QUEUE_FROM;
    this.record = new CallRecord(options.ledger ? 0 : (options.recordUpTo ?? 0));
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.hashes = new Int32Array(width);
    this.units = new Float64Array(width);
    this.kinds = new Uint8Array(width);
    this.scales = new Int8Array(width);
    const claimed = new Uint8Array(width);
    const want = (column: number, kind: number, scale: number) => {
      if (column < 0 || column >= width) return;
      // A column given two roles that read it differently is read by each role itself.
      if (claimed[column] && (this.kinds[column] !== kind || this.scales[column] !== scale)) this.kinds[column] = CLASH;
      else if (!claimed[column]) {
        this.kinds[column] = kind;
        this.scales[column] = scale;
      }
      claimed[column] = 1;
    };
    for (const role of ['operation', 'customer', 'model'] as const) want(index[role], KEY, 0);
    if (options.ledger || options.since !== undefined || options.until !== undefined) want(index.timestamp, TIME, 0);
    want(index.cost, NUMBER, COST_SCALE);
    want(index.credits, NUMBER, CREDIT_SCALE);
    for (const [role] of TOKEN_COLUMNS) want(index[role], NUMBER, 0);
  }

  /**
   * The fast path: takes the complete lines in buf[from, to), where `to` is
   * just after a LF. Returns `to`, or the start of the first line that holds
   * a quote it cannot read, which is left for the full CSV parser.
   *
   * A line of plain fields, as many as the header has, is read in one pass:
   * each byte is looked at once, hashing the key columns (operation,
   * customer, model) and reading the number columns into integer units on
   * the way, so the record needs no second look at them. Any other line (a
   * quote, a field too many or too few, a blank line) goes to scanLines.
   */
  scan(buf: Buffer, from: number, to: number): number {
    const read = this.scanBytes(buf, from, to);
    if (this.queued > 0) this.flushCalls();
    return read;
  }

  private scanBytes(buf: Buffer, from: number, to: number): number {
    if (to <= from || buf[to - 1] !== 10) return this.scanLines(buf, from, to);
    const { width, starts, ends, kinds, scales, hashes, units, dates } = this;
    // With a decimal comma, a dot groups thousands: such a number takes the exact reader.
    const mark = this.options.decimalMark === 'comma' ? -1 : DOT;
    const last = width - 1;
    let i = from;
    while (i < to) {
      const lineStart = i;
      let f = 0;
      let c = 0;
      // Byte values are literals here: a hot loop reads them faster than module constants. A field ends at a comma,
      // a LF, a CR before a LF, or a quote (which the line reader leaves to scanLines); every such byte is 44 or less.
      // Safe for UTF-8: every byte of a multi-byte character is 0x80 or more.
      for (;;) {
        const start = i;
        c = buf[i]!;
        const kind = kinds[f];
        if (kind === KEY) {
          let h = FNV_OFFSET;
          while (c > 44 || !(c === 44 || c === 10 || c === 34 || (c === 13 && buf[i + 1] === 10))) {
            h = Math.imul(h ^ c, FNV_PRIME);
            c = buf[++i]!;
          }
          hashes[f] = finishHash(h);
        } else if (kind === NUMBER) {
          let mantissa = 0;
          let digits = 0;
          let fraction = -1;
          let plain = true;
          for (;;) {
            if (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              digits++;
              if (fraction >= 0) fraction++;
            } else if (c === mark && fraction < 0) fraction = 0;
            else if (c <= 44 && (c === 44 || c === 10 || c === 34 || (c === 13 && buf[i + 1] === 10))) break;
            else plain = false;
            c = buf[++i]!;
          }
          const scale = scales[f]!;
          const decimals = fraction < 0 ? 0 : fraction;
          let value = -1;
          // The rule of value(): a plain decimal of up to 15 digits and no more decimals than the scale.
          if (plain && digits > 0 && digits <= 15 && decimals <= scale) {
            value = mantissa * POWERS[scale - decimals]!;
            if (value >= SAFE_UNITS) value = -1;
          }
          units[f] = value;
        } else if (kind === TIME) {
          // A timestamp of the usual layouts, YYYY-MM-DDTHH:MM:SS.mmmZ or …:SSZ, is read where it stands, its end not
          // searched for: instantFromBytes checks every byte of it, and none it takes there can be a comma, a quote or a
          // line end (the one comma it would take, before a fraction, is ruled out by asking for a dot).
          const e = buf[i + 19] === 46 ? i + 24 : i + 20;
          let at = Number.NaN;
          if (e < to && buf[e - 1] === 90 && (buf[e] === 44 || buf[e] === 10 || (buf[e] === 13 && buf[e + 1] === 10))) at = instantFromBytes(buf, i, e, dates);
          if (at === at) {
            i = e;
            c = buf[i]!;
          } else while (c > 44 || !(c === 44 || c === 10 || c === 34 || (c === 13 && buf[i + 1] === 10))) c = buf[++i]!;
          units[f] = at;
        } else {
          while (c > 44 || !(c === 44 || c === 10 || c === 34 || (c === 13 && buf[i + 1] === 10))) c = buf[++i]!;
        }
        starts[f] = start;
        ends[f] = i;
        if (c !== 44 || f === last) break;
        i++;
        f++;
      }
      if (f === last && (c === 10 || c === 13) && (f > 0 || i > lineStart)) {
        i += c === 13 ? 2 : 1;
        this.line++;
        this.addRecord(buf, width, this.line, true);
        continue;
      }
      const end = buf.indexOf(10, i) + 1;
      const stop = this.scanLines(buf, lineStart, end);
      if (stop < end) return stop;
      i = end;
    }
    return to;
  }

  /**
   * The general loop of the fast path, for the lines the line reader above
   * does not take: splits on commas byte by byte, reads a field wholly in
   * quotes, and stops at any other quote.
   */
  private scanLines(buf: Buffer, from: number, to: number): number {
    const { width, starts, ends } = this;
    let lineStart = from;
    let field = 0;
    let fieldStart = from;
    // The content of the field just read when it was quoted ("cust_001"), else −1.
    let quoteStart = -1;
    let quoteEnd = -1;
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      // Byte values are literals here: a hot loop reads them faster than module constants.
      // One comparison settles most bytes: every byte that matters (\n \r " ,) is 44 or less.
      // Safe for UTF-8: every byte of a multi-byte character is 0x80 or more, so no part of one
      // can be taken for a delimiter, a quote or a line end; names are decoded whole later.
      if (c > 44) continue;
      if (c === 44) {
        if (field < width) {
          starts[field] = quoteEnd >= 0 ? quoteStart : fieldStart;
          ends[field] = quoteEnd >= 0 ? quoteEnd : i;
        }
        quoteEnd = -1;
        field++;
        fieldStart = i + 1;
      } else if (c === 10) {
        this.line++;
        const end = i > fieldStart && buf[i - 1] === 13 ? i - 1 : i;
        if (field > 0 || end > fieldStart) {
          if (field < width) {
            starts[field] = quoteEnd >= 0 ? quoteStart : fieldStart;
            ends[field] = quoteEnd >= 0 ? quoteEnd : end;
          }
          this.addRecord(buf, field + 1, this.line, false);
        }
        quoteEnd = -1;
        field = 0;
        lineStart = fieldStart = i + 1;
      } else if (c === 34) {
        // A whole field in quotes with no quote or line end inside ("cust_001", as many exports
        // write ids) is read here; anything else (an escaped "", a line break, text after the
        // closing quote) goes to csv-parse from this line on.
        if (i !== fieldStart) return lineStart;
        let j = i + 1;
        while (j < to && buf[j] !== 34 && buf[j] !== 10) j++;
        const after = buf[j + 1];
        if (buf[j] !== 34 || !(after === 44 || after === 10 || (after === 13 && buf[j + 2] === 10))) return lineStart;
        quoteStart = i + 1;
        quoteEnd = j;
        i = after === 13 ? j + 1 : j;
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
    this.addRecord(buf, fields.length, line, false);
  }

  /** `fast`: the line reader worked out the key hashes and number units of this record. */
  private addRecord(buf: Buffer, count: number, line: number, fast: boolean): void {
    if (count !== this.width) {
      throw new InputError(this.file, `row has ${count} fields but the header has ${this.width}`, { line, column: Math.min(count, this.width) + 1 });
    }
    const { index, options } = this;
    if (options.ledger) {
      this.addLedgerRecord(buf, line, options.ledger, fast);
      return;
    }
    if (index.timestamp >= 0 && (options.since !== undefined || options.until !== undefined)) {
      const at = this.instant(buf, line, fast);
      if ((options.since !== undefined && at < options.since) || (options.until !== undefined && at >= options.until)) {
        this.skipped++;
        return;
      }
    }
    const op = this.operationAt(buf, line, fast);
    // The usual call: its cost and credits plain decimals the line reader read into units, summed as numbers here. A
    // number that meets a decimal in one variable (number()'s answer) is boxed: 16 bytes of garbage a row.
    const { units, kinds, scales } = this;
    const costUnits = fast && index.cost >= 0 && kinds[index.cost] === NUMBER && scales[index.cost] === COST_SCALE ? units[index.cost]! : -1;
    const creditUnits = index.credits < 0 ? 0 : fast && kinds[index.credits] === NUMBER && scales[index.credits] === CREDIT_SCALE ? units[index.credits]! : -1;
    if (costUnits >= 0 && creditUnits >= 0) {
      op.cost.addUnits(costUnits);
      if (index.credits >= 0) op.credits.addUnits(creditUnits);
      op.calls++;
      this.rows++;
      if (index.customer >= 0) this.addCustomerCall(buf, op, units, index.cost);
      return;
    }
    const cost = index.cost >= 0 ? this.number(op.cost, buf, index.cost, COST_SCALE, line, 'actual_cost', fast) : this.options.tokenPrices ? this.tokenCost(op.cost, buf, line, fast) : 0;
    if (index.credits >= 0) this.number(op.credits, buf, index.credits, CREDIT_SCALE, line, 'credits_consumed', fast);
    op.calls++;
    this.rows++;
    if (index.customer < 0) return;
    if (typeof cost === 'number' && fast) {
      this.costNow[0] = cost;
      this.addCustomerCall(buf, op, this.costNow, 0);
      return;
    }
    if (this.queued > 0) this.flushCalls();
    const customer = this.customerAt(buf, fast);
    const { pairs } = this;
    pairs.addCall(pairs.index(op.id, customer), cost);
  }

  /** Where a cost of the general path is handed to addCustomerCall, which takes it from an array so that it is not boxed. */
  private readonly costNow = new Float64Array(1);

  /**
   * A call of the line reader's kind (fast) costing `from[at]` units, by
   * customer: kept as read, queued, or summed into its pair. The units come in
   * an array, not as a number, which a call would box.
   */
  private addCustomerCall(buf: Buffer, op: OperationUsage, from: Float64Array, at: number): void {
    const { index, record } = this;
    // Once the pairs there can be outgrow the cache, a call of the line reader's kind is kept as read, its customer not looked up (CallRecord).
    if (record.size < record.limit && this.kinds[index.customer] === KEY && this.keeping() && !this.heavy(op)) {
      record.add(op.id, this.base + this.starts[index.customer]!, from, at);
      return;
    }
    // A call of the usual kind is queued, its customer and pair looked up with the calls queued beside it (flushCalls).
    if (this.kinds[index.customer] === KEY && (this.customerIds.size >= this.queueFrom || this.pairs.size >= 8 * this.queueFrom)) {
      this.enqueue(buf, this.starts[index.customer]!, this.ends[index.customer]!, this.hashes[index.customer]!, op.id, from[at]!);
      return;
    }
    if (this.queued > 0) this.flushCalls();
    const customer = this.customerAt(buf, true);
    const { pairs } = this;
    pairs.addUnits(pairs.index(op.id, customer), from[at]!);
  }

  /**
   * Whether calls are kept rather than summed as read: once the pairs there
   * can be (customers × operations) pass 8 × queueFrom, where the pair table
   * stops fitting in the cache. Below it summing costs a few cached writes,
   * less than keeping a call and, when its operation is flagged, reading it
   * again.
   */
  private keeping(): boolean {
    // Customers and operations only grow: once true, it stays so without looking again.
    return (this.keepingFrom ||= this.customerIds.size * this.operations.size >= 8 * this.queueFrom);
  }

  private keepingFrom = false;

  /**
   * Whether an operation's calls are summed as read even while calls are
   * kept: one that carries a large share of the calls (one in HEAVY or more)
   * while the customers met are few enough for its pairs to stay in the
   * cache. Kept, its calls would be read again from the file if it were
   * flagged: 100,000 calls of a log of 500 operations took 70–95 ms a thread
   * so, after the reading, where summing them as read costs a few cached
   * writes each. Its customers come from the pair table when asked for; any
   * of its calls kept before it was heavy are folded in beside them.
   */
  private heavy(op: OperationUsage): boolean {
    return op.calls * HEAVY >= this.rows && this.customerIds.size < this.heavyBelow;
  }

  /**
   * Sums the kept calls of the operations `wanted` has (by id; all when not
   * given) into the pair table, each one's customer read from `source` (the
   * bytes the log was read from), and forgets the rest: a reader thread is
   * asked for the flagged operations only.
   */
  fold(wanted = new Uint8Array(this.byName.size).fill(1)): void {
    const { record, source } = this;
    if (!source) throw new Error('calls kept as read need the bytes they were read from');
    // Through the queue, as calls are as read: the lookups of 128 calls at a time wait for memory together.
    const flush = () => {
      if (this.queued > 0) this.flushCalls();
    };
    const read = forEachKept(source, record.chunksOf(wanted), wanted, (op, buf, start, end, units) => this.enqueue(buf, start, end, hashOf(buf, start, end), op, units), flush);
    flush();
    if (!read) throw logChanged(this.file);
    record.close();
  }

  /** The id of the record's customer, added when new. */
  private customerAt(buf: Buffer, fast: boolean): number {
    // A customer's id is its entry number in customerIds: found without reading the entry.
    const id = this.entryOf(this.customerIds, buf, this.index.customer, fast);
    return id >= 0 ? id : this.addCustomer(buf, this.starts[this.index.customer]!, this.ends[this.index.customer]!);
  }

  /** A customer met for the first time: its id (the next) under its bytes, and its name when already made. */
  private addCustomer(buf: Buffer, from: number, to: number, name?: string): number {
    if (this.plainNames && !plainId(buf, from, to)) this.plainNames = false;
    const added = this.names.length;
    this.names.push(name);
    this.customerIds.set(buf, from, to, added);
    return added;
  }

  /** A customer's name: its id's bytes as text, less the spaces around it. */
  customerName(id: number): string {
    return (this.names[id] ??= this.customerIds.keyText(id).trim());
  }

  /** Every customer's name, by id. */
  get customerNames(): string[] {
    for (; this.named < this.names.length; this.named++) this.customerName(this.named);
    return this.names as string[];
  }

  /** An operation's customers (by the id of its OperationUsage), with their calls and cost, in the order they first called it. */
  customersOf(id: number): CustomerUsage[] {
    if (this.record.size > 0) this.fold();
    const { pairs } = this;
    return Array.from(this.pairsByOperation()[id] ?? [], (pair) => {
      const cost = new ExactSum();
      cost.small = pairs.units(pair);
      cost.big = pairs.big.get(pair) ?? 0n;
      cost.extra = pairs.extra.get(pair) ?? cost.extra;
      return { customer: this.customerName(pairs.customer(pair)), calls: pairs.calls(pair), cost };
    });
  }

  /** Each operation's pairs, by the id of its OperationUsage. */
  pairsByOperation(): Int32Array[] {
    const { pairs } = this;
    if (this.grouped?.size !== pairs.size) this.grouped = { size: pairs.size, lists: pairs.byOperation(this.byName.size) };
    return this.grouped.lists;
  }

  /** A call's cost from its tokens and its model's recorded prices, added to `sum`; returned as integer units, or a decimal. */
  private tokenCost(sum: ExactSum, buf: Buffer, line: number, fast: boolean): number | Dec {
    const { starts, ends, index } = this;
    const from = starts[index.model]!;
    const to = ends[index.model]!;
    let model = this.lookup(this.models, buf, index.model, fast);
    if (!model) {
      const name = buf.toString('utf8', from, to).trim();
      const prices = findPrices(this.options.tokenPrices!, name);
      if (!prices) {
        throw new InputError(this.file, `model: "${name}" has no price in the table (design.prices records ${nameList(Object.keys(this.options.tokenPrices!))}); design the table from costs that use it`, { line, column: index.model + 1 });
      }
      const decimals = TOKEN_COLUMNS.map(([, key]) => (prices[key] === undefined ? undefined : new D(prices[key])));
      const units = Float64Array.from(decimals, (d) => {
        if (d === undefined) return -2;
        const u = d.times(10 ** COST_SCALE);
        return u.isInteger() && u.lt(SAFE_UNITS) ? u.toNumber() : -1;
      });
      this.models.set(buf, from, to, (model = { name, units, prices: decimals }));
    }
    let units = 0;
    let exact: Dec | undefined;
    for (let k = 0; k < TOKEN_COLUMNS.length; k++) {
      const column = index[TOKEN_COLUMNS[k]![0]];
      if (column < 0 || starts[column] === ends[column]) continue;
      const count = this.read(buf, column, 0, line, TOKEN_COLUMNS[k]![0], fast);
      if (count === 0) continue;
      const perToken = model.units[k]!;
      if (perToken === -2) {
        throw new InputError(this.file, `${TOKEN_COLUMNS[k]![0]}: ${model.name} has no ${TOKEN_COLUMNS[k]![1].replace('_', ' ')} price in the table`, { line, column: column + 1 });
      }
      if (typeof count === 'number' && perToken >= 0 && count * perToken < SAFE_UNITS) units += count * perToken;
      else exact = (exact ?? new D(0)).plus(model.prices[k]!.times(count));
    }
    if (exact === undefined && units < SAFE_UNITS) {
      sum.addUnits(units);
      return units;
    }
    const total = (exact ?? new D(0)).plus(new D(units).dividedBy(10 ** COST_SCALE));
    sum.addDecimal(total);
    return total;
  }

  /**
   * An operation met for the first time. Made here, not in operationAt: a
   * closure there that holds `this` makes every call of operationAt allocate
   * a context for it, 40 bytes a row.
   */
  private newOperation(name: string, line: number): OperationUsage {
    const id = this.byName.size;
    return { id, first: line, operation: name, calls: 0, cost: new ExactSum(), credits: new ExactSum(), customers: { values: () => this.customersOf(id) } };
  }

  private operationAt(buf: Buffer, line: number, fast: boolean): OperationUsage {
    const { starts, ends, index } = this;
    const opStart = starts[index.operation]!;
    const opEnd = ends[index.operation]!;
    let op = this.lookup(this.operations, buf, index.operation, fast);
    if (!op) {
      const name = buf.toString('utf8', opStart, opEnd).trim();
      if (name === '') throw new InputError(this.file, 'operation: the operation name is empty', { line, column: index.operation + 1 });
      // Names that differ only by surrounding spaces are one operation.
      op = this.byName.get(name) ?? this.newOperation(name, line);
      this.byName.set(name, op);
      this.operations.set(buf, opStart, opEnd, op);
    }
    return op;
  }

  /** A call for the ledger: its customer, UTC month and credits (the log's, or the table's at the call's hour). */
  private addLedgerRecord(buf: Buffer, line: number, ledger: LedgerOptions, fast: boolean): void {
    const { starts, ends, index, options } = this;
    const at = this.instant(buf, line, fast);
    if ((options.since !== undefined && at < options.since) || (options.until !== undefined && at >= options.until)) {
      this.skipped++;
      return;
    }
    const op = this.operationAt(buf, line, fast);
    const known = (op.ledger ??= this.ledgerOperation(op.operation, ledger));
    const from = starts[index.customer]!;
    const to = ends[index.customer]!;
    const day = Math.floor(at / DAY_MS);
    // A call of the usual kind is queued: its customer found and its cell added to with the calls queued beside it.
    const queue = this.customerIds.size >= this.queueFrom || this.customerIds.size * this.book.stride >= 8 * this.queueFrom;
    if (queue && fast && !ledger.boundaries && !ledger.activeDays && this.kinds[index.customer] === KEY && to > from && buf[from]! > 32 && buf[from]! < 128) {
      const bucket = this.monthOf(day);
      let units = -1;
      if (index.credits >= 0) {
        const value = this.read(buf, index.credits, CREDIT_SCALE, line, 'credits_consumed', fast);
        if (typeof value === 'number') units = value;
      } else if (known.unitsByHour !== undefined) units = known.unitsByHour[Math.floor((at - day * DAY_MS) / 3_600_000)]!;
      if (units >= 0) {
        if (bucket !== this.lastBucket) {
          if (this.queued > 0) this.flushCalls();
          this.lastCells = this.book.cells(bucket);
          this.lastBucket = bucket;
        }
        this.enqueue(buf, from, to, this.hashes[index.customer]!, known.id, units);
        this.counted(op, at);
        return;
      }
    }
    if (this.queued > 0) this.flushCalls();
    let customer = this.entryOf(this.customerIds, buf, index.customer, fast);
    if (customer < 0) {
      const name = buf.toString('utf8', from, to).trim();
      if (name === '') throw new InputError(this.file, 'customer_id: the customer is empty', { line, column: index.customer + 1 });
      customer = this.addCustomer(buf, from, to, name);
    }
    let bucket: number;
    if (ledger.boundaries) {
      bucket = -1;
      while (bucket + 1 < ledger.boundaries.length && ledger.boundaries[bucket + 1]! <= at) bucket++;
      if (bucket < 0) {
        this.skipped++;
        return;
      }
    } else bucket = this.monthOf(day);
    if (ledger.activeDays) this.book.markDay(bucket, customer, day);
    if (bucket !== this.lastBucket) {
      this.lastCells = this.book.cells(bucket);
      this.lastBucket = bucket;
    }
    const cells = this.lastCells!;
    const cell = cells.cell(customer, known.id);
    if (index.credits >= 0) {
      const value = this.read(buf, index.credits, CREDIT_SCALE, line, 'credits_consumed', fast);
      if (typeof value === 'number') cells.add(cell, 1, value);
      else cells.addDecimal(cell, 1, value);
    } else {
      if (known.byHour === undefined) {
        throw new InputError(this.file, `operation: "${op.operation}" is not in the table, and the log has no credits_consumed column to charge it by; add it to the table or give the column`, { line, column: index.operation + 1 });
      }
      const hour = Math.floor((at - day * DAY_MS) / 3_600_000);
      const units = known.unitsByHour![hour]!;
      if (units >= 0) cells.add(cell, 1, units);
      else cells.addDecimal(cell, 1, known.byHour[hour]!);
    }
    this.counted(op, at);
  }

  /** A call of the ledger counted: its operation's calls, the rows, the latest and earliest call. */
  private counted(op: OperationUsage, at: number): void {
    op.calls++;
    this.rows++;
    if (at > this.latestAt) this.latestAt = at;
    if (at < this.earliestAt) this.earliestAt = at;
  }

  /** The UTC month (year × 12 + month index) of a day since the epoch; a log in time order works it out once a day. */
  private monthOf(day: number): number {
    if (day !== this.lastDay) {
      const date = new Date(day * DAY_MS);
      this.lastDay = day;
      this.lastMonth = date.getUTCFullYear() * 12 + date.getUTCMonth();
    }
    return this.lastMonth;
  }

  /** Queues a call: its customer's bytes and their hash, its operation id and its units. */
  private enqueue(buf: Buffer, from: number, to: number, hash: number, op: number, units: number): void {
    const q = this.queued;
    if (q === 0) this.queuedIn = buf;
    this.qHash[q] = hash;
    this.qStart[q] = from;
    this.qEnd[q] = to;
    this.qOp[q] = op;
    this.qUnits[q] = units;
    this.queued = q + 1;
    if (q + 1 === QUEUE) this.flushCalls();
  }

  /**
   * The queued calls: their customers found, then their cells added to, each
   * step over the whole queue. With tens of thousands of customers each
   * lookup and each cell is a trip to memory; one call after another, every
   * trip waits for the last, where a loop over the queue that only reads the
   * places first has the memory fetch them all at once.
   */
  private flushCalls(): void {
    const n = this.queued;
    this.queued = 0;
    const buf = this.queuedIn!;
    this.queuedIn = undefined;
    const { customerIds, qHash, qStart, qEnd, qOp, qUnits, qCell } = this;
    customerIds.touch(qHash, n);
    for (let q = 0; q < n; q++) {
      const from = qStart[q]!;
      const to = qEnd[q]!;
      const customer = customerIds.find(buf, from, to, qHash[q]!);
      qCell[q] = customer >= 0 ? customer : this.addCustomer(buf, from, to);
    }
    if (this.options.ledger) {
      const cells = this.lastCells!;
      for (let q = 0; q < n; q++) qCell[q] = cells.cell(qCell[q]!, qOp[q]!);
      cells.touch(qCell, n);
      for (let q = 0; q < n; q++) cells.add(qCell[q]!, 1, qUnits[q]!);
    } else {
      const { pairs } = this;
      pairs.touch(qOp, qCell, n);
      for (let q = 0; q < n; q++) qCell[q] = pairs.index(qOp[q]!, qCell[q]!);
      pairs.touchSums(qCell, n);
      for (let q = 0; q < n; q++) pairs.addUnits(qCell[q]!, qUnits[q]!);
    }
  }

  /** Epoch milliseconds of the latest call read in ledger mode (in the window), or undefined when none was. */
  get latest(): number | undefined {
    return this.latestAt === Number.NEGATIVE_INFINITY ? undefined : this.latestAt;
  }

  /** And of the earliest. */
  get earliest(): number | undefined {
    return this.earliestAt === Number.POSITIVE_INFINITY ? undefined : this.earliestAt;
  }

  /** An operation's ledger id, and its credits per hour as integer units of 10^-CREDIT_SCALE where they fit (−1 where not). */
  private ledgerOperation(name: string, ledger: LedgerOptions): LedgerOperation {
    const id = this.operationNames.length;
    this.operationNames.push(name);
    this.book.widen(id + 1);
    const hourly = Object.hasOwn(ledger.hourly, name) ? ledger.hourly[name] : undefined;
    if (hourly === undefined) return { id, byHour: undefined, unitsByHour: undefined };
    const byHour = hourly.map((text) => new D(text));
    const unitsByHour = Float64Array.from(byHour, (credits) => {
      const units = credits.times(10 ** CREDIT_SCALE);
      return units.isInteger() && units.lt(SAFE_UNITS) ? units.toNumber() : -1;
    });
    return { id, byHour, unitsByHour };
  }

  /**
   * Adds a number field to `sum`. Plain decimals ("0.000213") are read
   * straight from the bytes into integer units; anything else (currency
   * signs, exponents, thousands separators, more digits than the scale)
   * goes through the exact decimal reader. Returns what was added: integer
   * units, or the decimal.
   */
  private number(sum: ExactSum, buf: Buffer, column: number, scale: number, line: number, role: string, fast: boolean): number | Dec {
    const value = this.read(buf, column, scale, line, role, fast);
    if (typeof value === 'number') sum.addUnits(value);
    else sum.addDecimal(value);
    return value;
  }

  /** The record's number in `column`: the units the line reader worked out, or else read by value(). */
  private read(buf: Buffer, column: number, scale: number, line: number, role: string, fast: boolean): number | Dec {
    if (fast && this.kinds[column] === NUMBER && this.scales[column] === scale) {
      const units = this.units[column]!;
      if (units >= 0) return units;
    }
    return this.value(buf, this.starts[column]!, this.ends[column]!, scale, line, column, role);
  }

  /** The record's key in `column` looked up in `map`, by the hash the line reader worked out where it did. */
  private lookup<V>(map: ByteKeyMap<V>, buf: Buffer, column: number, fast: boolean): V | undefined {
    const start = this.starts[column]!;
    const end = this.ends[column]!;
    return fast && this.kinds[column] === KEY ? map.getHashed(buf, start, end, this.hashes[column]!) : map.get(buf, start, end);
  }

  /** The entry number of the record's key in `column` in `map`, or −1. */
  private entryOf<V>(map: ByteKeyMap<V>, buf: Buffer, column: number, fast: boolean): number {
    const start = this.starts[column]!;
    const end = this.ends[column]!;
    return map.find(buf, start, end, fast && this.kinds[column] === KEY ? this.hashes[column]! : hashOf(buf, start, end));
  }

  /** The record's timestamp as epoch milliseconds; an InputError when it is not an ISO 8601 date-time. */
  private instant(buf: Buffer, line: number, fast: boolean): number {
    const column = this.index.timestamp;
    if (fast && this.kinds[column] === TIME) {
      const read = this.units[column]!;
      if (read === read) return read;
    }
    const start = this.starts[column]!;
    const end = this.ends[column]!;
    const at = instantFromBytes(buf, start, end, this.dates);
    if (!Number.isNaN(at)) return at;
    const text = buf.toString('utf8', start, end).trim();
    const parsed = parseInstant(text);
    if (Number.isNaN(parsed)) throw new InputError(this.file, `timestamp: "${text}" is not an ISO 8601 date-time (one without an offset is UTC)`, { line, column: column + 1 });
    return parsed;
  }

  /** A number field as integer units of 10^-scale when it is a plain decimal that fits, else as an exact decimal; refused when negative or not a number. */
  private value(buf: Buffer, start: number, end: number, scale: number, line: number, column: number, role: string): number | Dec {
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
      if (units < SAFE_UNITS) return units;
    }
    const text = buf.toString('utf8', start, end).trim();
    const at = { line, column: column + 1 };
    const read = readNumber(text, this.options);
    if (read === 'locale') throw new LocaleError(this.file, `${role}: "${text}" ${localeHint(this.options)}`, at, localeHint(this.options), text);
    const problem: NumberProblem | undefined = read === 'invalid' ? 'not a number' : read.value.isNeg() ? 'negative' : undefined;
    if (problem || typeof read === 'string') throw new InputError(this.file, `${role}: "${text}" is ${problem}`, at);
    return read.value;
  }
}

/** Where a month's customers come from: the cells, and the names of the operations their columns are. */
interface MonthSource {
  cells: MonthCells;
  operations: readonly string[];
  scale: number;
}

/** A customer's calls and credits by operation, from the cells of each of its ids (one, unless its name was written two ways). */
function operationsOf(source: MonthSource, ids: number | readonly number[]): OperationUse[] {
  const { cells, operations, scale } = source;
  const ops = new Map<string, OperationUse>();
  for (const c of typeof ids === 'number' ? [ids] : ids) {
    for (let o = 0; o < operations.length; o++) {
      const cell = c * cells.stride + o;
      const n = cells.calls(cell);
      if (n === 0) continue;
      const operation = operations[o]!;
      const credits = cells.credits(cell, scale);
      const seen = ops.get(operation);
      if (seen) {
        seen.calls += n;
        seen.credits = seen.credits.plus(credits);
      } else ops.set(operation, { operation, calls: n, credits });
    }
  }
  return [...ops.values()];
}

/** A customer's month summed in integer units, its operations listed from the month's cells when read: one object a customer, for 50,000 of them. */
class UnitsCustomer extends UnitsUse implements LedgerCustomer {
  constructor(
    customer: string,
    calls: number,
    count: number,
    private readonly source: MonthSource,
    private readonly ids: number | readonly number[],
  ) {
    super(customer, calls, count, source.scale);
  }

  override operations(): OperationUse[] {
    return operationsOf(this.source, this.ids);
  }
}

/** The index of a role's column in a header, by --column or alias; −1 without one. */
export function columnOf(header: readonly string[], columns: UsageOptions['columns'], role: UsageRole): number {
  const keys = header.map(snakeCase);
  const mapped = columns[role];
  if (mapped !== undefined) return header.findIndex((h, i) => h.trim().toLowerCase() === mapped.trim().toLowerCase() || keys[i] === snakeCase(mapped));
  return keys.findIndex((k) => USAGE_ALIASES[role].includes(k));
}

/** A model's recorded prices by its name, compared as the costs file wrote it, in any case. */
function findPrices(prices: Record<string, TokenPriceText>, name: string): TokenPriceText | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(prices)) if (key.toLowerCase() === wanted) return prices[key];
  return undefined;
}

function headerIndex(file: string, header: string[], columns: UsageOptions['columns'], required: readonly UsageRole[] = ['operation', 'cost'], tokens = false): Record<UsageRole, number> {
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
  // Without a cost column, a log may be priced from its tokens, when the table records model prices.
  const priced = tokens && index.cost < 0 && index.model >= 0 && (index.input_tokens >= 0 || index.output_tokens >= 0);
  for (const role of required) {
    if (role === 'cost' && priced) continue;
    if (index[role] < 0) {
      throw new InputError(file, `no ${role} column (expected one of ${USAGE_ALIASES[role].join(', ')}, or --column ${role}=HEADER); columns: ${nameList(header)}`, { line: 1 });
    }
  }
  return index;
}

/** No usage row is anywhere near this long; a longer line is garbage, refused before it fills memory. */
/** A log that changed between a reader thread's reading it and looking its kept calls up again. */
export function logChanged(file: string): InputError {
  return new InputError(file, 'the log changed while it was read; read it again', { line: 1 });
}

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
  /** The file offset of `first` (or of the first chunk), for calls kept as read. */
  offset = 0,
): Promise<Buffer | undefined> {
  let carry = first;
  // The file offset just past what has been taken from `chunks`: `carry` ends there.
  let at = offset + (first?.length ?? 0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = next.value;
    onChunk?.(chunk);
    const chunkAt = at;
    at += chunk.length;
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
      aggregator.base = chunkAt - carry.length;
      const stop = aggregator.scan(joined, 0, joined.length);
      if (stop < joined.length) return Buffer.concat([joined.subarray(stop), chunk.subarray(start)]);
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      aggregator.base = chunkAt;
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
    aggregator.base = at - carry.length;
    // What the scanner could not take starts where it stopped: the lines before are counted already.
    const stop = aggregator.scan(line, 0, line.length);
    if (stop < line.length) return carry.subarray(stop);
  }
  return undefined;
}

/** The header's fields from its first line. */
export function headerFields(file: string, bytes: Buffer, delimiter = ','): string[] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // A header without quotes (as good as every log's) is its fields between delimiters, as csv-parse reads it too.
  const header = /["\r\n]/.test(text) ? ((parseSync(text, { delimiter, relax_quotes: true, relax_column_count: true })[0] ?? []) as string[]) : text === '' ? [] : text.split(delimiter);
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
  const required: UsageRole[] = options.ledger ? ['operation', 'timestamp', 'customer'] : options.costOptional ? ['operation'] : ['operation', 'cost'];
  return new Aggregator(file, header.length, headerIndex(file, header, options.columns, required, options.tokenPrices !== undefined), options);
}

/** The ledger an aggregator in ledger mode has read. */
export function ledgerOf(aggregator: Aggregator): Ledger {
  return ledgerFrom(aggregator.file, aggregator.rows, aggregator.skipped, aggregator.index.credits >= 0, aggregator.latest, aggregator.book, aggregator.customerNames, aggregator.operationNames, aggregator.earliest);
}

/**
 * A ledger from its book and names. Names that differ only by surrounding
 * spaces are one customer, as they are one operation; cells become decimals
 * only for the month asked for.
 */
export function ledgerFrom(
  file: string,
  rows: number,
  skipped: number,
  hasCredits: boolean,
  latest: number | undefined,
  book: LedgerBook,
  customers: readonly string[],
  operations: readonly string[],
  earliest?: number,
  /** Whether no two customers have one name (a ledger merged by name), so that customersIn need not group them. */
  uniqueNames = false,
): Ledger {
  return {
    file,
    rows,
    skipped,
    hasCredits,
    latest,
    earliest,
    months: [...book.months.keys()].sort((a, b) => a - b),
    panel(buckets, wanted) {
      const names = [...new Set(customers)];
      const index = new Map(names.map((n, i) => [n, i]));
      const opIndex = new Map(wanted.map((o, i) => [o, i]));
      const ops = wanted.length;
      const calls = zeroed(new Float64Array(names.length * buckets * ops));
      const activeDays = zeroed(new Float64Array(names.length * buckets));
      for (let b = 0; b < buckets; b++) {
        const cells = book.months.get(b);
        const days = book.days.get(b);
        customers.forEach((name, c) => {
          const at = index.get(name)!;
          // Customers merged by name: their days were counted apart; the larger count is the nearer one.
          if (days) activeDays[at * buckets + b] = Math.max(activeDays[at * buckets + b]!, days.of(c));
          if (!cells) return;
          for (let o = 0; o < operations.length; o++) {
            const target = opIndex.get(operations[o]!);
            if (target === undefined) continue;
            const cell = c * cells.stride + o;
            if (cell < cells.size) calls[(at * buckets + b) * ops + target]! += cells.calls(cell);
          }
        });
      }
      return { customers: names, calls, activeDays };
    },
    customersIn(month) {
      const cells = book.months.get(month);
      if (!cells) return [];
      const source: MonthSource = { cells, operations, scale: book.scale };
      const span = Math.min(customers.length, cells.size / cells.stride);
      const result: LedgerCustomer[] = [];
      const add = (customer: string, ids: number | readonly number[]) => {
        let calls = 0;
        let units = 0;
        let exact = true;
        const count = typeof ids === 'number' ? 1 : ids.length;
        for (let k = 0; k < count; k++) {
          const c = typeof ids === 'number' ? ids : ids[k]!;
          for (let o = 0; o < operations.length; o++) {
            const cell = c * cells.stride + o;
            calls += cells.calls(cell);
            units += cells.units(cell);
            if (cells.big?.has(cell) || cells.extra?.has(cell)) exact = false;
          }
        }
        if (calls === 0) return;
        // The total from integer units when they stayed exact (the usual case), else from the operations' exact credits.
        if (exact && units < SAFE_UNITS) result.push(new UnitsCustomer(customer, calls, units, source, ids));
        else {
          const byOperation = () => operationsOf(source, ids);
          result.push({ customer, calls, credits: byOperation().reduce((total, o) => total.plus(o.credits), new D(0)), operations: byOperation });
        }
      };
      // A merged ledger has one id a name; else names that differ only by surrounding spaces are one customer.
      if (uniqueNames) for (let c = 0; c < span; c++) add(customers[c]!, c);
      else {
        const byName = new Map<string, number[]>();
        for (let c = 0; c < span; c++) {
          const ids = byName.get(customers[c]!);
          if (ids) ids.push(c);
          else byName.set(customers[c]!, [c]);
        }
        for (const [customer, ids] of byName) add(customer, ids);
      }
      return result;
    },
  };
}
