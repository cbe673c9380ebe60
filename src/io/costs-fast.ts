import { Dec } from '../core/decimal.js';
import type { DecimalMark } from '../core/numbers.js';
import { type OperationCost, type Stat, percentileOf } from '../core/samples.js';
import { type CostsOptions, rolesOf } from './costs.js';
import { snakeCase } from './csv.js';
import { COST_SCALE, type SampleLayout, SampleScanner, VOLUME_SCALE } from './sample-scan.js';
import type { Source } from './source.js';

const COST_DIVISOR = new Dec(10).pow(COST_SCALE);
const PROGRESS_EVERY = 8 * 1024 * 1024;
const [LF, CR] = [10, 13];

/** What the fast path read: the operations as groupSamples would give them, and how many rows. */
export interface FastCosts {
  operations: OperationCost[];
  samples: number;
  hasVolumeColumn: boolean;
}

export type FastOptions = Pick<CostsOptions, 'columns' | 'currency'> & { delimiter: string; decimalMark?: DecimalMark };

/**
 * Where the columns are, from the header line (without its line end), for a
 * file the fast path can read: one delimiter, a cost column, no token
 * columns, headers that are distinct and not blank. Undefined otherwise.
 */
export function sampleLayout(file: string, headerLine: Buffer, options: FastOptions, stat: Stat, overridden: ReadonlySet<string>): SampleLayout | undefined {
  if (options.decimalMark === 'comma' || options.delimiter.length !== 1) return undefined;
  const bom = headerLine[0] === 0xef && headerLine[1] === 0xbb && headerLine[2] === 0xbf ? 3 : 0;
  const end = headerLine.length > bom && headerLine[headerLine.length - 1] === CR ? headerLine.length - 1 : headerLine.length;
  const header = headerLine
    .toString('utf8', bom, end)
    .split(options.delimiter)
    .map((h, i) => ({ header: h.trim(), key: snakeCase(h), column: i + 1 }));
  const keys = new Set(header.map((c) => c.key));
  if (keys.has('') || keys.size !== header.length || header.some((h) => h.header.includes('\r') || h.header.includes('"'))) return undefined;
  const roles = rolesOf({ file, columns: header }, options.columns);
  // Token columns, even beside a cost column, are the general reader's to price or refuse.
  if (!roles.operation || !roles.cost || roles.model || roles.input_tokens || roles.output_tokens || roles.cached_input_tokens) return undefined;
  return {
    width: header.length,
    delimiter: options.delimiter.charCodeAt(0),
    operation: roles.operation.column - 1,
    cost: roles.cost.column - 1,
    volume: roles.volume ? roles.volume.column - 1 : -1,
    multiplier: roles.multiplier ? roles.multiplier.column - 1 : -1,
    keepAll: stat !== 'mean' && stat !== 'max',
    overridden: [...overridden],
  };
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
  options: FastOptions,
  stat: Stat,
  overridden: ReadonlySet<string>,
  /** Called now and then with the bytes scanned and the total (a progress bar for a large file). */
  progress?: (read: number, total: number) => void,
): FastCosts | undefined {
  const buf = source.bytes;
  const headerEnd = buf.indexOf(LF);
  if (headerEnd < 0) return undefined;
  const layout = sampleLayout(source.name, buf.subarray(0, headerEnd), options, stat, overridden);
  if (!layout) return undefined;
  const scanner = new SampleScanner(layout);
  if (!scanner.lines(buf, headerEnd + 1, buf.length, true, progress && ((at) => progress(at, buf.length)), PROGRESS_EVERY)) return undefined;
  progress?.(buf.length, buf.length);
  return finish(scanner, layout, stat);
}

/** The operations a scanner kept, each aggregated by `stat`; undefined when it kept none. */
export function finish(scanner: SampleScanner, layout: SampleLayout, stat: Stat): FastCosts | undefined {
  const rows = scanner.rows;
  if (rows === 0) return undefined;
  const groups = [...scanner.kept()];
  const overridden = new Set(layout.overridden);
  const volumesKnown = layout.volume >= 0 || groups.length < rows;
  const operations = groups.map((g): OperationCost => {
    const cost = stat === 'mean' ? g.sum.total(COST_SCALE).dividedBy(g.n) : stat === 'max' ? new Dec(g.max).dividedBy(COST_DIVISOR) : percentileOfUnits(g.costs.subarray(0, g.n), stat);
    const result: OperationCost = { operation: g.name, cost, samples: g.n };
    if (volumesKnown) result.volume = layout.volume >= 0 ? g.volume.total(VOLUME_SCALE) : new Dec(g.n);
    if (g.multiplier !== undefined && !overridden.has(g.name)) result.multiplier = new Dec(g.multiplier);
    return result;
  });
  return { operations, samples: rows, hasVolumeColumn: layout.volume >= 0 };
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
