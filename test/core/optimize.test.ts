import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { ladderFrom } from '../../src/core/ladder.js';
import { type OptimizeOperation, type OptimizeOptions, candidates, optimize, schedule, value } from '../../src/core/optimize.js';
import { marginOf } from '../../src/core/price.js';

const operation = fc.record({
  credits: fc.constantFrom(1, 2, 5, 10, 15, 25, 50, 100),
  costShare: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
  calls: fc.integer({ min: 1, max: 100_000 }),
  elasticity: fc.option(fc.double({ min: -3, max: 0.5, noNaN: true }), { nil: undefined }),
  pinned: fc.boolean(),
});

const toOps = (raw: { credits: number; costShare: number; calls: number; elasticity?: number; pinned: boolean }[]): OptimizeOperation[] =>
  raw.map((r, i) => ({
    operation: `op${i}`,
    credits: new Dec(r.credits),
    // Costs on a grid of 10^-6, so the margins are exact.
    cost: new Dec(Math.max(1, Math.round(r.credits * 0.001 * r.costShare * 1e6))).dividedBy(1e6),
    calls: r.calls,
    ...(r.elasticity !== undefined && { elasticity: r.elasticity }),
    ...(r.pinned && { pinned: true }),
  }));

const optionsOf = (objective: 'profit' | 'revenue', maxLevels?: number): OptimizeOptions => ({
  objective,
  perCredit: new Dec('0.001'),
  floor: new Dec('0.5'),
  ladder: ladderFrom('friendly'),
  maxChange: new Dec(1),
  ...(maxLevels !== undefined && { maxLevels }),
});

/** Every combination of candidates, the best by total objective among those with at most maxLevels distinct values. */
function bruteForce(ops: readonly OptimizeOperation[], options: OptimizeOptions): number {
  const choices = ops.map((op) => candidates(op, options));
  let best = -Infinity;
  const walk = (i: number, picked: Dec[]) => {
    if (i === ops.length) {
      if (options.maxLevels !== undefined && new Set(picked.map((p) => p.toFixed())).size > options.maxLevels) return;
      best = Math.max(best, picked.reduce((sum, v, k) => sum + value(ops[k]!, v, options), 0));
      return;
    }
    for (const v of choices[i]!) walk(i + 1, [...picked, v]);
  };
  walk(0, []);
  return best;
}

describe('optimize', () => {
  it('finds the same objective as a brute-force search over the ladder, with and without --max-levels', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), fc.constantFrom('profit', 'revenue'), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), (raw, objective, maxLevels) => {
        const ops = toOps(raw);
        const options = optionsOf(objective as 'profit' | 'revenue', maxLevels);
        let proposal: Dec[];
        try {
          proposal = optimize(ops, options);
        } catch {
          // Only when even the kept operations exceed --max-levels, which brute force cannot satisfy either.
          expect(bruteForce(ops, options)).toBe(-Infinity);
          return;
        }
        const total = proposal.reduce((sum, v, k) => sum + value(ops[k]!, v, options), 0);
        const best = bruteForce(ops, options);
        expect(Math.abs(total - best)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(best)));
        if (maxLevels !== undefined) expect(new Set(proposal.map((p) => p.toFixed())).size).toBeLessThanOrEqual(maxLevels);
        proposal.forEach((v, k) => {
          if (ops[k]!.pinned || ops[k]!.elasticity === undefined) expect(v.eq(ops[k]!.credits)).toBe(true);
          else if (!v.eq(ops[k]!.credits)) expect(marginOf(ops[k]!.cost, v, options.perCredit).gte(options.floor)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('with every elasticity 0 and the profit objective, never lowers a margin', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 5 }), (raw) => {
        const ops = toOps(raw.map((r) => ({ ...r, elasticity: 0 })));
        const options = optionsOf('profit');
        optimize(ops, options).forEach((v, k) => {
          expect(marginOf(ops[k]!.cost, v, options.perCredit).gte(marginOf(ops[k]!.cost, ops[k]!.credits, options.perCredit))).toBe(true);
        });
      }),
    );
  });

  it('schedules rises in monthly steps and falls at once', () => {
    expect(schedule(new Dec(15), new Dec(25), new Dec('0.2')).map(String)).toEqual(['18', '21', '25']);
    expect(schedule(new Dec(25), new Dec(10), new Dec('0.2')).map(String)).toEqual(['10']);
    expect(schedule(new Dec(10), new Dec(10), new Dec('0.2'))).toEqual([]);
  });
});
