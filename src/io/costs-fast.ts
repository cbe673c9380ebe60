import { Dec } from '../core/decimal.js';
import { ExactSum, SAFE_UNITS } from '../core/exact-sum.js';
import type { DecimalMark } from '../core/numbers.js';
import { type OperationCost, type Stat, percentileOf } from '../core/samples.js';
import { type CostsOptions, rolesOf } from './costs.js';
import { snakeCase } from './csv.js';
import type { Source } from './source.js';
import { ByteKeyMap } from './usage-scan.js';

/** Costs in integer units of 10^-12 (as audit sums money), volumes in units of 10^-6. */
const COST_SCALE = 12;
const VOLUME_SCALE = 6;
const COST_DIVISOR = new Dec(10).pow(COST_SCALE);
const MAX_LINE = 1024 * 1024;
const PROGRESS_EVERY = 8 * 1024 * 1024;

/** What the fast path read: the operations as groupSamples would give them, and how many rows. */
export interface FastCosts {
  operations: OperationCost[];
  samples: number;
  hasVolumeColumn: boolean;
}

const [TAB, LF, CR, SPACE, DOT, ZERO_CODE] = [9, 10, 13, 32, 46, 48];

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
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== SPACE && buf[i] !== TAB) return false;
  return true;
}

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

/**
 * Samples read straight from the bytes, for the file that raw samples come
 * in: a cost column of plain decimals, no quotes, one delimiter. Costs are
 * kept as exact integer units in a typed array per operation, not one object
 * per row, so a million rows take a few megabytes; an aggregate is computed
 * in decimals only where it needs them (the sum for a mean, the two ranks a
 * percentile interpolates between). The result is exactly the general
 * reader's (a property test holds the two together). Returns undefined for
 * anything else, and for any row the general reader would refuse, so that
 * reader decides and reports it, with its line.
 */
export function fastCosts(
  source: Source,
  options: Pick<CostsOptions, 'columns' | 'currency'> & { delimiter: string; decimalMark?: DecimalMark },
  stat: Stat,
  overridden: ReadonlySet<string>,
  /** Called now and then with the bytes scanned and the total (a progress bar for a large file). */
  progress?: (read: number, total: number) => void,
): FastCosts | undefined {
  const buf = source.bytes;
  if (options.decimalMark === 'comma' || options.delimiter.length !== 1 || buf.includes(0x22)) return undefined;
  const delimiter = options.delimiter.charCodeAt(0);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const headerEnd = buf.indexOf(LF, bom);
  if (headerEnd < 0) return undefined;
  const header = buf
    .toString('utf8', bom, headerEnd > bom && buf[headerEnd - 1] === CR ? headerEnd - 1 : headerEnd)
    .split(options.delimiter)
    .map((h, i) => ({ header: h.trim(), key: snakeCase(h), column: i + 1 }));
  const keys = new Set(header.map((c) => c.key));
  if (keys.has('') || keys.size !== header.length || header.some((h) => h.header.includes('\r'))) return undefined;
  const roles = rolesOf({ file: source.name, columns: header }, options.columns);
  // Token columns, even beside a cost column, are the general reader's to price or refuse.
  if (!roles.operation || !roles.cost || roles.model || roles.input_tokens || roles.output_tokens || roles.cached_input_tokens) return undefined;
  const width = header.length;
  const [op, cost, volume, multiplier] = [roles.operation.column - 1, roles.cost.column - 1, roles.volume ? roles.volume.column - 1 : -1, roles.multiplier ? roles.multiplier.column - 1 : -1];

  const keepAll = stat !== 'mean' && stat !== 'max';
  const byBytes = new ByteKeyMap<Samples>();
  const groups = new Map<string, Samples>();
  const starts = new Int32Array(width);
  const ends = new Int32Array(width);
  let rows = 0;
  /** Takes the record in starts/ends with `count` fields; false when the general reader must decide. */
  const record = (count: number): boolean => {
    if (count !== width) return false;
    let [s, e] = [starts[op]!, ends[op]!];
    while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
    while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
    if (s === e) {
      // A row of blank cells is skipped, as the general reader skips it; a blank name alone is its to refuse.
      for (let f = 0; f < width; f++) if (!isBlank(buf, starts[f]!, ends[f]!)) return false;
      return true;
    }
    let group = byBytes.get(buf, s, e);
    if (!group) {
      const name = buf.toString('utf8', s, e);
      // The general reader trims every kind of white space; a name with other than spaces and tabs around it is its to read.
      if (name !== name.trim()) return false;
      group = groups.get(name);
      if (!group) groups.set(name, (group = { name, costs: new Float64Array(keepAll ? 64 : 0), n: 0, sum: new ExactSum(), max: 0, volume: new ExactSum() }));
      byBytes.set(buf, s, e, group);
    }
    const units = unitsAt(buf, starts[cost]!, ends[cost]!, COST_SCALE);
    if (units <= 0) return false;
    // A mean needs the sum and a max the largest; only a percentile keeps every cost.
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
      if (group.multiplier === undefined) group.multiplier = m;
      else if (m !== group.multiplier && !overridden.has(group.name) && !new Dec(m).eq(group.multiplier)) return false;
    }
    rows++;
    return true;
  };

  let field = 0;
  let fieldStart = headerEnd + 1;
  let lineStart = fieldStart;
  /** Takes the line that ends at `i` (a LF, or the end of the buffer); false when the general reader must decide. */
  const endLine = (i: number): boolean => {
    if (i - lineStart > MAX_LINE) return false;
    const end = i > fieldStart && buf[i - 1] === CR ? i - 1 : i;
    if (field > 0 || end > fieldStart) {
      if (field < width) {
        starts[field] = fieldStart;
        ends[field] = end;
      }
      if (!record(field + 1)) return false;
    }
    field = 0;
    lineStart = fieldStart = i + 1;
    if (progress && i >= reported + PROGRESS_EVERY) progress((reported = i), buf.length);
    return true;
  };
  let reported = 0;
  // Every byte that matters (LF, CR, the delimiter) is at most `top`: one comparison passes over the rest.
  const top = Math.max(delimiter, CR);
  const length = buf.length;
  for (let i = fieldStart; i < length; i++) {
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
      if (!endLine(i)) return undefined;
    } else if (c === CR && buf[i + 1] !== LF) return undefined;
  }
  // A last line without a LF is taken too.
  if (lineStart < length && !endLine(length)) return undefined;
  if (rows === 0) return undefined;
  progress?.(length, length);

  const volumesKnown = volume >= 0 || groups.size < rows;
  const operations = [...groups.values()].map((g): OperationCost => {
    const cost = stat === 'mean' ? g.sum.total(COST_SCALE).dividedBy(g.n) : stat === 'max' ? new Dec(g.max).dividedBy(COST_DIVISOR) : percentileOfUnits(g.costs.subarray(0, g.n), stat);
    const result: OperationCost = { operation: g.name, cost, samples: g.n };
    if (volumesKnown) result.volume = volume >= 0 ? g.volume.total(VOLUME_SCALE) : new Dec(g.n);
    if (g.multiplier !== undefined && !overridden.has(g.name)) result.multiplier = new Dec(g.multiplier);
    return result;
  });
  return { operations, samples: rows, hasVolumeColumn: volume >= 0 };
}

/**
 * percentileOf of samples.ts over integer units, without sorting them: the
 * lower of the two ranks it reads is selected in place, and the upper is the
 * smallest value after it. Decimals appear only for those two.
 */
function percentileOfUnits(values: Float64Array, stat: Stat): Dec {
  const p = new Dec(stat.slice(1)).dividedBy(100);
  const lo = p.times(values.length - 1).floor().toNumber();
  selectInPlace(values, lo);
  let above = values[lo]!;
  if (lo + 1 < values.length) {
    above = values[lo + 1]!;
    for (let i = lo + 2; i < values.length; i++) if (values[i]! < above) above = values[i]!;
  }
  return percentileOf(values.length, p, (i) => new Dec(i === lo ? values[lo]! : above).dividedBy(COST_DIVISOR));
}

/**
 * Reorders `values` so that values[k] is what a sort would put there, with
 * nothing larger before it and nothing smaller after: quickselect (Hoare's
 * partition around a median of three), which sorts what is left instead once
 * pivots have gone badly too often, so it is never much slower than a sort.
 */
function selectInPlace(values: Float64Array, k: number): void {
  let lo = 0;
  let hi = values.length - 1;
  let budget = 2 * Math.ceil(Math.log2(values.length + 1));
  while (hi > lo) {
    if (budget-- === 0) {
      values.subarray(lo, hi + 1).sort();
      return;
    }
    const [a, b, c] = [values[lo]!, values[(lo + hi) >>> 1]!, values[hi]!];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    // Now values[lo..j] ≤ pivot ≤ values[i..hi], and what lies between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
