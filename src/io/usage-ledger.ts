import { type Dec, Dec as D, ZERO } from '../core/decimal.js';
import { SAFE_UNITS } from '../core/exact-sum.js';
import { readAhead } from './read-ahead.js';
import { zeroed } from './zeroed.js';

/**
 * Credits per customer, UTC month and operation, kept in flat typed arrays:
 * a cell is customer × operations-stride + operation, its credits integer
 * units of 10^-scale in a Float64Array (exact under 2^53), with the rare sum
 * that outgrows that carried in a BigInt and the rare value that fits no
 * unit added as a decimal. 50,000 customers of 5 operations are a few
 * megabytes, where an object per cell would be hundreds.
 */
export class LedgerBook {
  readonly months = new Map<number, MonthCells>();
  /** Per bucket, the days each customer called on (when asked for). */
  readonly days = new Map<number, ActiveDays>();
  /** Operations get ids as they are met; the stride of every month grows with them. */
  stride = 8;

  constructor(readonly scale: number) {}

  cells(month: number): MonthCells {
    let cells = this.months.get(month);
    if (!cells) this.months.set(month, (cells = new MonthCells(this.stride)));
    return cells;
  }

  /** Makes room for operation ids below `operations`. */
  widen(operations: number): void {
    if (operations <= this.stride) return;
    let stride = this.stride;
    while (stride < operations) stride *= 2;
    for (const cells of this.months.values()) cells.restride(stride);
    this.stride = stride;
  }

  /** Records that a customer called on a day (days since the epoch) in a bucket. */
  markDay(bucket: number, customer: number, day: number): void {
    let days = this.days.get(bucket);
    if (!days) this.days.set(bucket, (days = new ActiveDays(day)));
    days.mark(customer, day);
  }

  /** The plain-data form, to pass between threads. */
  parts(): LedgerParts {
    return { stride: this.stride, months: [...this.months].map(([month, cells]) => ({ month, ...cells.parts() })) };
  }
}

export interface MonthParts {
  month: number;
  /** Per cell, its credits in units then its calls (MonthCells.sums). */
  sums: Float64Array;
  big: [number, string][];
  extra: [number, string][];
}

export interface LedgerParts {
  stride: number;
  months: MonthParts[];
}

/**
 * A month's cells. A cell's credits units and its calls sit side by side
 * (sums[2 × cell] and sums[2 × cell + 1]), so that a call touches one place
 * in memory: with 50,000 customers the cells are megabytes, past what the
 * cache holds, and each place a call touches costs a trip to memory.
 */
export class MonthCells {
  sums: Float64Array;
  big: Map<number, bigint> | undefined;
  extra: Map<number, Dec> | undefined;

  constructor(public stride: number) {
    this.sums = new Float64Array(2 * stride * 64);
  }

  /** The cells a worker handed over, taken as they are. */
  static from(parts: Omit<MonthParts, 'month'>, stride: number): MonthCells {
    const cells = new MonthCells(0);
    cells.stride = stride;
    cells.sums = parts.sums;
    if (parts.big.length > 0) cells.big = new Map(parts.big.map(([cell, units]) => [cell, BigInt(units)]));
    if (parts.extra.length > 0) cells.extra = new Map(parts.extra.map(([cell, value]) => [cell, new D(value)]));
    return cells;
  }

  /** How many cells there are room for: a multiple of the stride. */
  get size(): number {
    return this.sums.length / 2;
  }

  /** Grows the arrays to hold the cells of customer ids below `customers`. */
  reserve(customers: number): void {
    if (customers > 0) this.cell(customers - 1, this.stride - 1);
  }

  /** The cell of a customer and operation, the arrays grown to hold it. */
  cell(customer: number, operation: number): number {
    const cell = customer * this.stride + operation;
    if (2 * cell >= this.sums.length) {
      const sums = zeroed(new Float64Array(Math.max(this.sums.length * 2, 2 * (customer + 1) * this.stride)));
      sums.set(this.sums);
      this.sums = sums;
    }
    return cell;
  }

  /** Reads each cell's place, so that the additions after find them in the cache. */
  touch(cells: Int32Array, count: number): void {
    this.touched = readAhead(this.sums, cells, count);
  }

  /** What touch read (kept, so the reads are not left out). */
  touched = 0;

  calls(cell: number): number {
    return this.sums[2 * cell + 1]!;
  }

  /** The cell's credits in integer units, less what spilled into `big` and `extra`. */
  units(cell: number): number {
    return this.sums[2 * cell]!;
  }

  /** `calls` calls adding `units` (a non-negative integer under SAFE_UNITS). */
  add(cell: number, calls: number, units: number): void {
    const { sums } = this;
    sums[2 * cell + 1]! += calls;
    const total = sums[2 * cell]! + units;
    if (total > SAFE_UNITS) {
      this.addBig(cell, BigInt(total));
      sums[2 * cell] = 0;
    } else sums[2 * cell] = total;
  }

  addBig(cell: number, units: bigint): void {
    this.big ??= new Map();
    this.big.set(cell, (this.big.get(cell) ?? 0n) + units);
  }

  /** A call whose credits fit no unit. */
  addDecimal(cell: number, calls: number, value: Dec): void {
    this.sums[2 * cell + 1]! += calls;
    this.extra ??= new Map();
    this.extra.set(cell, (this.extra.get(cell) ?? ZERO).plus(value));
  }

  /** A cell's credits, exact. */
  credits(cell: number, scale: number): Dec {
    const big = this.big?.get(cell);
    const units = this.units(cell);
    const per = 10 ** scale;
    // Whole credits, the usual case, need no division.
    let credits: Dec;
    if (big === undefined && units % per === 0) credits = new D(units / per);
    else credits = (big === undefined ? new D(units) : new D((big + BigInt(units)).toString())).dividedBy(per);
    const extra = this.extra?.get(cell);
    return extra === undefined ? credits : credits.plus(extra);
  }

  restride(stride: number): void {
    const customers = this.size / this.stride;
    const sums = zeroed(new Float64Array(2 * customers * stride));
    const move = <V>(map: Map<number, V> | undefined) =>
      map && new Map([...map].map(([cell, v]) => [Math.floor(cell / this.stride) * stride + (cell % this.stride), v] as const));
    for (let c = 0; c < customers; c++) sums.set(this.sums.subarray(2 * c * this.stride, 2 * (c + 1) * this.stride), 2 * c * stride);
    this.big = move(this.big);
    this.extra = move(this.extra);
    this.sums = sums;
    this.stride = stride;
  }

  parts(): Omit<MonthParts, 'month'> {
    return {
      sums: this.sums,
      big: [...(this.big ?? [])].map(([cell, v]) => [cell, v.toString()]),
      extra: [...(this.extra ?? [])].map(([cell, v]) => [cell, v.toFixed()]),
    };
  }
}

/**
 * Days with a call, per customer: a bit per day from a base day, so a log in
 * any order counts each customer-day once, in a few bytes per customer.
 */
export class ActiveDays {
  private bits: (Uint8Array | undefined)[] = [];
  count = new Uint32Array(64);

  constructor(private base: number) {}

  mark(customer: number, day: number): void {
    if (day < this.base) this.rebase(day);
    const offset = day - this.base;
    let bits = this.bits[customer];
    if (!bits || bits.length * 8 <= offset) {
      const grown = new Uint8Array(Math.max(8, (offset >> 3) + 1, (bits?.length ?? 0) * 2));
      if (bits) grown.set(bits);
      this.bits[customer] = bits = grown;
    }
    const mask = 1 << (offset & 7);
    if ((bits[offset >> 3]! & mask) !== 0) return;
    bits[offset >> 3]! |= mask;
    if (customer >= this.count.length) {
      const grown = zeroed(new Uint32Array(Math.max(this.count.length * 2, customer + 1)));
      grown.set(this.count);
      this.count = grown;
    }
    this.count[customer]!++;
  }

  of(customer: number): number {
    return customer < this.count.length ? this.count[customer]! : 0;
  }

  /** Moves the base back to `day`, shifting every customer's bits by whole bytes. */
  private rebase(day: number): void {
    const shift = Math.ceil((this.base - day) / 8) * 8;
    this.bits = this.bits.map((bits) => {
      if (!bits) return bits;
      const moved = new Uint8Array(bits.length + shift / 8);
      moved.set(bits, shift / 8);
      return moved;
    });
    this.base -= shift;
  }
}
