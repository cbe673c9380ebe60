import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { aggregate, groupSamples } from '../../src/core/samples.js';

const decs = (...xs: (string | number)[]) => xs.map((x) => new Dec(x));

describe('aggregate', () => {
  const oneToTen = decs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

  it('interpolates percentiles linearly between closest ranks (PERCENTILE.INC)', () => {
    // h = (10 − 1) × 0.95 = 8.55 → 9 + 0.55 × (10 − 9)
    expect(aggregate(oneToTen, 'p95').toFixed()).toBe('9.55');
    expect(aggregate(oneToTen, 'p50').toFixed()).toBe('5.5');
    expect(aggregate(oneToTen, 'p90').toFixed()).toBe('9.1');
    expect(aggregate(oneToTen, 'p99').toFixed()).toBe('9.91');
    expect(aggregate(decs(0.0002, 0.0001, 0.0004), 'p95').toFixed()).toBe('0.00038');
  });

  it('takes the mean and the max exactly', () => {
    expect(aggregate(decs('0.1', '0.2'), 'mean').toFixed()).toBe('0.15');
    expect(aggregate(decs('0.00011', '0.00013', '0.00012', '0.00019'), 'mean').toFixed()).toBe('0.0001375');
    expect(aggregate(decs(3, 9, 4), 'max').toFixed()).toBe('9');
    expect(aggregate(decs(7), 'p99').toFixed()).toBe('7');
  });
});

describe('groupSamples', () => {
  it('keeps first-appearance order and counts samples as the volume', () => {
    const ops = groupSamples(
      [
        { operation: 'b', cost: new Dec(2) },
        { operation: 'a', cost: new Dec(1) },
        { operation: 'b', cost: new Dec(4) },
      ],
      'mean',
      false,
    );
    expect(ops.map((o) => [o.operation, o.cost.toFixed(), o.volume?.toFixed()])).toEqual([
      ['b', '3', '2'],
      ['a', '1', '1'],
    ]);
  });

  it('has no volumes when every operation has one row and there is no volume column', () => {
    const ops = groupSamples([{ operation: 'a', cost: new Dec(1) }, { operation: 'b', cost: new Dec(2) }], 'mean', false);
    expect(ops.every((o) => o.volume === undefined)).toBe(true);
  });

  it('sums the volume column', () => {
    const ops = groupSamples(
      [
        { operation: 'a', cost: new Dec(1), volume: new Dec(10) },
        { operation: 'a', cost: new Dec(3), volume: new Dec(30) },
      ],
      'mean',
      true,
    );
    expect(ops[0]!.volume!.toFixed()).toBe('40');
  });

  it('rejects samples that disagree on the multiplier, naming the line', () => {
    const run = () =>
      groupSamples(
        [
          { operation: 'a', cost: new Dec(1), multiplier: new Dec(1.5), at: { line: 2 } },
          { operation: 'a', cost: new Dec(1), at: { line: 3 } },
          { operation: 'a', cost: new Dec(1), multiplier: new Dec(2), at: { line: 4 }, multiplierColumn: 3 },
        ],
        'mean',
        false,
      );
    expect(run).toThrow(/samples of a disagree on the multiplier: 1.5 \(line 2\) and 2/);
    try {
      run();
    } catch (error) {
      expect((error as { at: unknown }).at).toEqual({ line: 4, column: 3 });
    }
  });
});
