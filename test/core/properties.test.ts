import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { design } from '../../src/core/design.js';
import { type Rounding, ladderFrom, roundToLadder } from '../../src/core/ladder.js';
import { PARAMS } from './example.js';

/** Positive decimals from 10^-12 to just under 10^7 with up to 6 significant digits. */
const positive = fc
  .tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: -12, max: 1 }))
  .map(([mantissa, exponent]) => new Dec(mantissa).times(new Dec(10).pow(exponent)));
const ladderName = fc.constantFrom('friendly', '1-2-5', '1-5', 'integer', '1,3,10,30,100,300,1000,3000,10000,30000,100000,1000000,10000000');
const rounding = fc.constantFrom<Rounding>('nearest', 'up', 'down');

describe('properties of the method', () => {
  it('credits are always ladder values no smaller than the smallest step', () => {
    fc.assert(
      fc.property(positive, ladderName, rounding, (x, name, mode) => {
        const ladder = ladderFrom(name);
        const credits = roundToLadder(x, ladder, mode, 'op');
        expect(credits.gte(ladder.smallest)).toBe(true);
        const { lo, hi } = ladder.around(credits);
        expect(lo.eq(credits) && hi?.eq(credits)).toBe(true);
      }),
    );
  });

  it('rounding preserves order', () => {
    fc.assert(
      fc.property(positive, positive, ladderName, rounding, (a, b, name, mode) => {
        const ladder = ladderFrom(name);
        const [x, y] = a.lte(b) ? [a, b] : [b, a];
        expect(roundToLadder(x, ladder, mode, 'op').lte(roundToLadder(y, ladder, mode, 'op'))).toBe(true);
      }),
    );
  });

  it('with basis worst every operation meets the target margin', () => {
    const operation = fc.record({
      cost: positive,
      multiplier: fc.option(fc.constantFrom('0.5', '1', '1.2', '1.5', '3').map((m) => new Dec(m)), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom('friendly', '1-2-5', '1-5', 'integer'),
        rounding,
        (ops, marginPercent, ladder, mode) => {
          const margin = new Dec(marginPercent).dividedBy(100);
          const result = design(
            ops.map((o, i) => ({ operation: `op${i}`, cost: o.cost, samples: 1, ...(o.multiplier && { multiplier: o.multiplier }) })),
            { ...PARAMS, ladder, rounding: mode, margin, basis: 'worst' },
          );
          for (const o of result.operations) expect(o.margin.gte(margin), `${o.operation} ${o.margin.toFixed()}`).toBe(true);
        },
      ),
    );
  });

  it('consolidating to N levels leaves at most N distinct credit values, all on the ladder', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), (costs, n) => {
        const result = design(
          costs.map((cost, i) => ({ operation: `op${i}`, cost, samples: 1 })),
          { ...PARAMS, maxLevels: n },
        );
        expect(result.levels).toBeLessThanOrEqual(n);
        const ladder = ladderFrom('friendly');
        for (const o of result.operations) expect(ladder.around(o.credits).lo.eq(o.credits)).toBe(true);
      }),
    );
  });

  it('with pinned operations, --max-levels N still leaves at most N distinct values, pinned ones counted', () => {
    fc.assert(
      fc.property(
        fc.array(positive, { minLength: 2, maxLength: 15 }),
        fc.array(fc.constantFrom('1', '3', '5', '7', '100', '250'), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 6 }),
        (costs, pins, n) => {
          const pinned = Object.fromEntries(pins.slice(0, costs.length - 1).map((credits, i) => [`op${i}`, new Dec(credits)]));
          const ops = costs.map((cost, i) => ({ operation: `op${i}`, cost, samples: 1 }));
          const pinnedLevels = new Set(Object.values(pinned).map((c) => c.toFixed())).size;
          let result;
          try {
            result = design(ops, { ...PARAMS, maxLevels: n, pinned });
          } catch (error) {
            // Refused only when the pinned values alone exceed N, or fill N with nothing on the ladder to share.
            expect(pinnedLevels >= n, (error as Error).message).toBe(true);
            return;
          }
          expect(result.levels).toBeLessThanOrEqual(n);
          for (const [op, credits] of Object.entries(pinned)) expect(result.operations.find((o) => o.operation === op)!.credits.eq(credits)).toBe(true);
        },
      ),
    );
  });
});
