import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupSamples, type Stat } from '../../src/core/samples.js';
import { readCosts } from '../../src/io/costs.js';
import { fastCosts, finish, sampleLayout } from '../../src/io/costs-fast.js';
import { SampleScanner } from '../../src/io/sample-scan.js';
import { parseCsv } from '../../src/io/csv.js';

const STATS: Stat[] = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'];

/**
 * Costs as a spreadsheet writes them: from 1e-12 to thousands (under the fast
 * path's bound of 4,000), up to 12 decimals, some with trailing zeros.
 */
const cost = fc
  .tuple(fc.integer({ min: 0, max: 3999 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 10 }), fc.boolean())
  .filter(([whole, fraction]) => whole > 0 || /[1-9]/.test(fraction))
  .map(([whole, fraction, pad]) => (fraction === '' ? String(whole) : `${whole}.${fraction}${pad ? '00' : ''}`));
const row = fc.record({
  op: fc.constantFrom('search', 'export', 'a b', ' padded ', 'x'),
  cost,
  volume: fc.integer({ min: 0, max: 5_000_000 }).map(String),
  multiplier: fc.constantFrom('', '1.5', '1.50', '2'),
});

function general(csv: string, stat: Stat, overridden: Set<string>) {
  const costs = readCosts(parseCsv({ name: 'costs.csv', bytes: Buffer.from(csv) }, ','), { columns: {}, rates: {}, currency: 'USD' });
  return groupSamples(costs.samples, stat, costs.hasVolumeColumn, overridden);
}

describe('the fast path of reading samples', () => {
  it('gives exactly what the general reader gives, for every statistic', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.constantFrom(...STATS), fc.boolean(), fc.boolean(), fc.boolean(), (rows, stat, withVolume, withMultiplier, crlf) => {
        const head = ['operation', 'cost', ...(withVolume ? ['volume'] : []), ...(withMultiplier ? ['multiplier'] : [])];
        const eol = crlf ? '\r\n' : '\n';
        const csv = [head.join(','), ...rows.map((r) => [r.op, r.cost, ...(withVolume ? [r.volume] : []), ...(withMultiplier ? [r.multiplier] : [])].join(','))].join(eol) + eol;
        const overridden = new Set<string>();
        let expected;
        try {
          expected = general(csv, stat, overridden);
        } catch {
          // The general reader refuses it (samples that disagree on the multiplier): the fast path must not read it either.
          expect(fastCosts({ name: 'costs.csv', bytes: Buffer.from(csv) }, { columns: {}, currency: 'USD', delimiter: ',' }, stat, overridden)).toBeUndefined();
          return;
        }
        const fast = fastCosts({ name: 'costs.csv', bytes: Buffer.from(csv) }, { columns: {}, currency: 'USD', delimiter: ',' }, stat, overridden);
        expect(fast, csv).toBeDefined();
        const plain = (ops: typeof expected) => ops.map((o) => ({ ...o, cost: o.cost.toFixed(), volume: o.volume?.toFixed(), multiplier: o.multiplier?.toFixed() }));
        expect(plain(fast!.operations)).toEqual(plain(expected));
        expect(fast!.samples).toBe(rows.length);
      }),
      { numRuns: 400 },
    );
  });

  it('selects percentiles exactly from many samples in any order: sorted, reversed, repeated, few distinct', () => {
    const orders = ['random', 'sorted', 'reversed', 'organ pipe'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3000 }),
        fc.constantFrom(...orders),
        fc.constantFrom<Stat>('p50', 'p90', 'p95', 'p99'),
        (draws, order, stat) => {
          let units = draws.map((d) => d * 250);
          if (order === 'sorted') units = [...units].sort((a, b) => a - b);
          if (order === 'reversed') units = [...units].sort((a, b) => b - a);
          if (order === 'organ pipe') {
            const up = [...units].sort((a, b) => a - b);
            units = [...up.filter((_, i) => i % 2 === 0), ...up.filter((_, i) => i % 2 === 1).reverse()];
          }
          const csv = `operation,cost\n${units.map((u) => `op,0.${String(u).padStart(6, '0')}`).join('\n')}\n`;
          const fast = fastCosts({ name: 'costs.csv', bytes: Buffer.from(csv) }, { columns: {}, currency: 'USD', delimiter: ',' }, stat, new Set());
          expect(fast!.operations[0]!.cost.toFixed()).toBe(general(csv, stat, new Set())[0]!.cost.toFixed());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the same in parts on several threads as whole: any cuts at line starts, any chunking within a part', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 80 }),
        fc.constantFrom(...STATS),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 1, max: 64 }),
        (rows, stat, withMultiplier, cutsAt, chunk) => {
          const head = ['operation', 'cost', 'volume', ...(withMultiplier ? ['multiplier'] : [])];
          const csv = [head.join(','), ...rows.map((r) => [r.op, r.cost, r.volume, ...(withMultiplier ? [r.multiplier] : [])].join(','))].join('\n') + '\n';
          const bytes = Buffer.from(csv);
          const whole = fastCosts({ name: 'costs.csv', bytes }, { columns: {}, currency: 'USD', delimiter: ',' }, stat, new Set());
          const first = bytes.indexOf(10);
          const layout = sampleLayout('costs.csv', bytes.subarray(0, first), { columns: {}, currency: 'USD', delimiter: ',' }, stat, new Set())!;
          // Parts cut at line starts, as the threads take them; each read in chunks that end after a LF, as each thread reads.
          const starts = [...new Set(cutsAt.map((n) => bytes.indexOf(10, first + 1 + (n % (bytes.length - first))) + 1).filter((at) => at > 0 && at < bytes.length))].sort((a, b) => a - b);
          const bounds = [first + 1, ...starts, bytes.length];
          const parts = [];
          for (let p = 0; p + 1 < bounds.length; p++) {
            const scanner = new SampleScanner(layout);
            let ok = true;
            for (let at = bounds[p]!; at < bounds[p + 1]! && ok; ) {
              const end = bytes.indexOf(10, Math.min(at + chunk, bounds[p + 1]! - 1)) + 1;
              ok = scanner.lines(bytes, at, end);
              at = end;
            }
            parts.push(ok ? scanner.parts() : undefined);
          }
          const merged = new SampleScanner(layout);
          const read = parts.every((p) => p !== undefined) && merged.mergeAll(parts) ? finish(merged, layout, stat) : undefined;
          const plain = (fast: typeof whole) => fast?.operations.map((o) => ({ ...o, cost: o.cost.toFixed(), volume: o.volume?.toFixed(), multiplier: o.multiplier?.toFixed() }));
          // Samples that disagree on a multiplier are refused both ways; anything read is read alike.
          expect(plain(read)).toEqual(plain(whole));
          if (whole) expect(read!.samples).toBe(whole.samples);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('leaves to the general reader what only it reads, or refuses', () => {
    const fast = (csv: string) => fastCosts({ name: 'costs.csv', bytes: Buffer.from(csv) }, { columns: {}, currency: 'USD', delimiter: ',' }, 'mean', new Set());
    for (const csv of [
      'operation,cost\na,"0.5"\n', // a quote
      'operation,cost\na,$0.5\n', // a currency sign
      'operation,cost\na,0\n', // a zero cost
      'operation,cost\na,1e-3\n', // an exponent
      'operation,cost\na,0.5,1\n', // a ragged row
      'operation,cpu_ms\na,10\n', // no cost column
      'operation,cost\r a,0.5\r', // bare CR line ends
      'operation,cost\n\u00a0a,0.5\n', // a no-break space around a name
      'operation,cost\na,0.0000000000001\n', // more decimals than its scale
    ]) {
      expect(fast(csv), JSON.stringify(csv)).toBeUndefined();
    }
  });
});
