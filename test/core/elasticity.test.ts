import { describe, expect, it } from 'vitest';
import { HISTORY, generateHistory } from '../../bench/elasticity-log.mjs';
import { type Panel, estimateElasticities } from '../../src/core/elasticity.js';

/** The generated history as the estimator sees it: calls per customer, window (table version) and operation. */
function panelOf(seed: number, customers = 300): Panel {
  const windows = HISTORY.versions.length;
  const ops = HISTORY.operations.length;
  const calls = new Float64Array(customers * windows * ops);
  const activeDays = new Float64Array(customers * windows);
  const lastDay = new Int32Array(customers).fill(-1);
  generateHistory({
    seed,
    customers,
    visit(customer, day, op, n) {
      const window = HISTORY.versions.filter((v) => v <= day).length - 1;
      calls[(customer * windows + window) * ops + op]! += n;
      if (lastDay[customer] !== day) {
        lastDay[customer] = day;
        activeDays[customer * windows + window]!++;
      }
    },
  });
  const prices = HISTORY.versions.map((_, w) => HISTORY.operations.map((o) => o.credits[w]! * Number(HISTORY.perCredit)));
  return { operations: HISTORY.operations.map((o) => o.operation), prices, customers, calls, activeDays };
}

describe('elasticity by difference in differences', () => {
  it('recovers known elasticities within ±0.15, with intervals covering them, over 50 seeds', () => {
    const truth = { search: -0.4, render: -1.8, export: 0 } as Record<string, number>;
    const within: Record<string, number> = { search: 0, render: 0, export: 0 };
    const covered: Record<string, number> = { search: 0, render: 0, export: 0 };
    for (let seed = 1; seed <= 50; seed++) {
      for (const e of estimateElasticities(panelOf(seed), 200, seed)) {
        if (!(e.operation in truth)) {
          expect(e.elasticity, e.operation).toBeUndefined();
          continue;
        }
        expect(e.elasticity, `${e.operation} seed ${seed}`).toBeDefined();
        if (Math.abs(e.elasticity! - truth[e.operation]!) <= 0.15) within[e.operation]!++;
        if (e.low! <= truth[e.operation]! && truth[e.operation]! <= e.high!) covered[e.operation]!++;
      }
    }
    // Every estimate within ±0.15 of the truth; intervals cover it in at least 45 of 50.
    expect(within).toEqual({ search: 50, render: 50, export: 50 });
    for (const op of Object.keys(truth)) expect(covered[op], op).toBeGreaterThanOrEqual(45);
  });

  it('calls an operation whose price never changed not identifiable, and says why', () => {
    const [, , , ping] = estimateElasticities(panelOf(3), 50);
    expect(ping).toEqual({ operation: 'ping', events: 0, reason: 'its price never changed in the history' });
  });

  it('needs a control: a change of every price at once identifies nothing', () => {
    const panel: Panel = { operations: ['a', 'b'], prices: [[1, 1], [2, 2]], customers: 1, calls: [500, 500, 400, 300], activeDays: [10, 10] };
    expect(estimateElasticities(panel, 10).map((e) => e.reason)).toEqual([
      'its price changed only when every other operation’s did too, so nothing shows what would have happened without the change',
      'its price changed only when every other operation’s did too, so nothing shows what would have happened without the change',
    ]);
  });

  it('with no history, nothing is identifiable', () => {
    const panel: Panel = { operations: ['a', 'b'], prices: [[1, 1]], customers: 2, calls: [500, 500, 400, 300], activeDays: [10, 10] };
    expect(estimateElasticities(panel, 10).every((e) => e.elasticity === undefined)).toBe(true);
  });
});
