/**
 * The byte-level side of reading raw samples: a scanner that splits plain
 * lines of a costs file on its delimiter without making strings, and keeps
 * each operation's costs as exact integer units. It has no part of the
 * general CSV reader, so worker threads load it quickly; costs-fast.ts lays
 * out the columns and turns what it kept into operations.
 */
import { Dec } from '../core/decimal.js';
import { ExactSum, SAFE_UNITS, type SumParts } from '../core/exact-sum.js';
import { ByteKeyMap } from './byte-key-map.js';

/** Costs in integer units of 10^-12 (as audit sums money), volumes in units of 10^-6. */
export const COST_SCALE = 12;
export const VOLUME_SCALE = 6;
/** No costs row is anywhere near this long; a longer line is for the general reader to refuse. */
export const MAX_LINE = 1024 * 1024;

const [TAB, LF, CR, SPACE, DOT, ZERO_CODE] = [9, 10, 13, 32, 46, 48];
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where a costs file's columns are (0-based; −1 for none), as plain data a worker thread can take. */
export interface SampleLayout {
  width: number;
  delimiter: number;
  operation: number;
  cost: number;
  volume: number;
  multiplier: number;
  /** A percentile keeps every cost; a mean or a max only a running sum or maximum. */
  keepAll: boolean;
  /** Operations whose multiplier a flag sets, so their samples need not agree on one. */
  overridden: string[];
}

/** One operation's samples as a scanner keeps them. */
interface Samples {
  name: string;
  /** Every cost, for a percentile; empty for a mean or a max. */
  costs: Float64Array;
  n: number;
  sum: ExactSum;
  max: number;
  volume: ExactSum;
  multiplier?: string;
}

/** What a scanner kept, per operation in order of first appearance, as plain data (the costs arrays can be moved between threads). */
export interface SampleParts {
  rows: number;
  groups: { name: string; costs: Float64Array; n: number; sum: SumParts; max: number; volume: SumParts; multiplier?: string }[];
}

/**
 * A plain decimal in bytes [start, end) ("0.000213", "12", spaces around
 * allowed) as integer units of 10^-scale; −1 when it is not one or does not
 * fit exactly in a Number.
 */
function unitsAt(buf: Buffer, start: number, end: number, scale: number): number {
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  let value = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= ZERO_CODE && c <= ZERO_CODE + 9) {
      value = value * 10 + (c - ZERO_CODE);
      // Exact while under 2^53; SAFE_UNITS is well under it.
      if (value >= SAFE_UNITS) return -1;
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === DOT && fraction < 0 && digits > 0) fraction = 0;
    else return -1;
  }
  if (digits === 0 || fraction === 0 || fraction > scale) return -1;
  const units = value * POWERS[scale - Math.max(fraction, 0)]!;
  return units < SAFE_UNITS ? units : -1;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false;
  return true;
}

/**
 * Takes lines of samples, buffer by buffer. Any line the general reader would
 * read otherwise or refuse (a quote, a bare CR, a ragged row, a cost that is
 * no plain positive decimal, samples that disagree on the multiplier) makes
 * `lines` return false: that reader then decides, and reports it with its line.
 */
export class SampleScanner {
  rows = 0;
  private readonly byBytes = new ByteKeyMap<Samples>();
  private readonly groups = new Map<string, Samples>();
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly overridden: ReadonlySet<string>;

  constructor(private readonly layout: SampleLayout) {
    this.starts = new Int32Array(layout.width);
    this.ends = new Int32Array(layout.width);
    this.overridden = new Set(layout.overridden);
  }

  /**
   * The lines in buf[from, to): `to` is just after a LF, or, with `last`, the
   * end of the data, whose last line needs no LF. `progress` hears of every
   * `every` bytes or so, with the offset reached.
   */
  lines(buf: Buffer, from: number, to: number, last = false, progress?: (at: number) => void, every = Infinity): boolean {
    const { width, delimiter } = this.layout;
    const { starts, ends } = this;
    let field = 0;
    let fieldStart = from;
    let lineStart = from;
    let reported = from;
    const endLine = (i: number): boolean => {
      if (i - lineStart > MAX_LINE) return false;
      const end = i > fieldStart && buf[i - 1] === CR ? i - 1 : i;
      if (field > 0 || end > fieldStart) {
        if (field < width) {
          starts[field] = fieldStart;
          ends[field] = end;
        }
        if (!this.record(buf, field + 1)) return false;
      }
      field = 0;
      lineStart = fieldStart = i + 1;
      if (progress && i >= reported + every) progress((reported = i));
      return true;
    };
    // Every byte that matters (LF, CR, the delimiter, a quote) is at most `top`: one comparison passes over the rest.
    const top = Math.max(delimiter, CR, 0x22);
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      if (c > top) continue;
      if (c === delimiter) {
        if (field < width) {
          starts[field] = fieldStart;
          ends[field] = i;
        }
        field++;
        fieldStart = i + 1;
      } else if (c === LF) {
        if (!endLine(i)) return false;
      } else if (c === 0x22 || (c === CR && buf[i + 1] !== LF)) return false;
    }
    return !last || lineStart >= to || endLine(to);
  }

  /** Takes the record in starts/ends with `count` fields; false when the general reader must decide. */
  private record(buf: Buffer, count: number): boolean {
    const { width, operation, cost, volume, multiplier, keepAll } = this.layout;
    const { starts, ends } = this;
    if (count !== width) return false;
    let s = starts[operation]!;
    let e = ends[operation]!;
    while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
    while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
    if (s === e) {
      // A row of blank cells is skipped, as the general reader skips it; a blank name alone is its to refuse.
      for (let f = 0; f < width; f++) if (!isBlank(buf, starts[f]!, ends[f]!)) return false;
      return true;
    }
    let group = this.byBytes.get(buf, s, e);
    if (!group) {
      const name = buf.toString('utf8', s, e);
      // The general reader trims every kind of white space; a name with other than spaces and tabs around it is its to read.
      if (name !== name.trim()) return false;
      group = this.groups.get(name);
      if (!group) this.groups.set(name, (group = { name, costs: new Float64Array(keepAll ? 64 : 0), n: 0, sum: new ExactSum(), max: 0, volume: new ExactSum() }));
      this.byBytes.set(buf, s, e, group);
    }
    const units = unitsAt(buf, starts[cost]!, ends[cost]!, COST_SCALE);
    if (units <= 0) return false;
    if (keepAll) {
      if (group.n === group.costs.length) {
        const grown = new Float64Array(Math.ceil(group.costs.length * 1.5));
        grown.set(group.costs);
        group.costs = grown;
      }
      group.costs[group.n] = units;
    } else {
      group.sum.addUnits(units);
      if (units > group.max) group.max = units;
    }
    group.n++;
    if (volume >= 0) {
      const v = unitsAt(buf, starts[volume]!, ends[volume]!, VOLUME_SCALE);
      if (v < 0) return false;
      group.volume.addUnits(v);
    }
    if (multiplier >= 0 && !isBlank(buf, starts[multiplier]!, ends[multiplier]!)) {
      if (unitsAt(buf, starts[multiplier]!, ends[multiplier]!, COST_SCALE) <= 0) return false;
      const m = buf.toString('utf8', starts[multiplier]!, ends[multiplier]!).trim();
      if (!this.agrees(group, m)) return false;
    }
    this.rows++;
    return true;
  }

  /** Whether a sample's multiplier agrees with those before it (an operation a flag sets takes any). */
  private agrees(group: { name: string; multiplier?: string }, m: string): boolean {
    if (group.multiplier === undefined) group.multiplier = m;
    return m === group.multiplier || this.overridden.has(group.name) || new Dec(m).eq(group.multiplier);
  }

  /** What was kept, as plain data: each costs array cut to its samples. */
  parts(): SampleParts {
    return {
      rows: this.rows,
      groups: [...this.groups.values()].map((g) => ({
        name: g.name,
        costs: g.costs.subarray(0, g.n),
        n: g.n,
        sum: g.sum.parts(),
        max: g.max,
        volume: g.volume.parts(),
        ...(g.multiplier !== undefined && { multiplier: g.multiplier }),
      })),
    };
  }

  /**
   * Takes what scanners of consecutive parts of one file kept, in the file's
   * order, into this empty scanner: each operation's costs copied once into
   * an array of exactly their number. False when two parts' samples disagree
   * on a multiplier.
   */
  mergeAll(parts: readonly SampleParts[]): boolean {
    const totals = new Map<string, number>();
    for (const part of parts) for (const g of part.groups) totals.set(g.name, (totals.get(g.name) ?? 0) + g.n);
    for (const part of parts) {
      this.rows += part.rows;
      for (const g of part.groups) {
        let group = this.groups.get(g.name);
        if (!group) {
          const costs = new Float64Array(this.layout.keepAll ? totals.get(g.name)! : 0);
          this.groups.set(g.name, (group = { name: g.name, costs, n: 0, sum: new ExactSum(), max: 0, volume: new ExactSum() }));
        }
        if (g.multiplier !== undefined && !this.agrees(group, g.multiplier)) return false;
        if (this.layout.keepAll) group.costs.set(g.costs, group.n);
        group.n += g.n;
        group.sum.addParts(g.sum);
        if (g.max > group.max) group.max = g.max;
        group.volume.addParts(g.volume);
      }
    }
    return true;
  }

  /** The operations kept, in order of first appearance. */
  kept(): Iterable<Samples> {
    return this.groups.values();
  }
}
