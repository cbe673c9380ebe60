import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditUsage, flaggedOperations, stepSchedule } from '../../src/core/audit.js';
import { Dec } from '../../src/core/decimal.js';
import { design } from '../../src/core/design.js';
import { tableFromDesign } from '../../src/core/table.js';
import { PARAMS, WORKED_EXAMPLE } from './example.js';

const d = (x: string | number) => new Dec(x);
const table = tableFromDesign(design(WORKED_EXAMPLE, PARAMS), {
  currency: 'USD',
  design: { ladder: 'friendly', rounding: 'nearest', stat: 'mean', floor: d('0.5'), rates: {}, multipliers: {} },
});
const options = { floor: d('0.5'), top: 2, maxStep: d('0.2') };

describe('stepSchedule', () => {
  it('climbs by at most max-step a month, in whole credits, ending at the target', () => {
    expect(stepSchedule(d(2500), d(5000), d('0.2')).map(String)).toEqual(['3000', '3600', '4320', '5000']);
    expect(stepSchedule(d(100), d(100), d('0.2'))).toEqual([]);
  });

  it('takes one credit where max-step is less than one credit', () => {
    expect(stepSchedule(d(1), d(5), d('0.2')).map(String)).toEqual(['2', '3', '4', '5']);
  });

  it('always ends at the target with steps that rise within the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 100 }), (from, extra, percent) => {
        const maxStep = d(percent).dividedBy(100);
        const steps = stepSchedule(d(from), d(from + extra), maxStep);
        let previous = d(from);
        for (const step of steps) {
          expect(step.isInteger()).toBe(true);
          expect(step.gt(previous)).toBe(true);
          expect(step.lte(Dec.max(previous.times(maxStep.plus(1)).floor(), previous.plus(1)))).toBe(true);
          previous = step;
        }
        expect(previous.eq(from + extra)).toBe(true);
      }),
    );
  });
});

describe('auditUsage', () => {
  it('computes revenue and margin as the reference SQL does, worst first', () => {
    const result = auditUsage(
      [
        { operation: 'image_upload', calls: 1000, cost: d('0.2') },
        { operation: 'video_processing', calls: 10, cost: d('30'), creditsConsumed: d(25000) },
      ],
      table,
      options,
    );
    expect(result.operations.map((o) => [o.operation, o.credits.toFixed(), o.revenue.toFixed(), o.margin!.toFixed(), o.status])).toEqual([
      // revenue 25000 × 0.001 = 25, cost 30: margin −0.2
      ['video_processing', '25000', '25', '-0.2', 'negative'],
      ['image_upload', '1000', '1', '0.8', 'ok'],
    ]);
    expect(result.problems).toBe(true);
    // $3 a call needs 3 / (0.001 × 0.3) = 10,000 credits: already a friendly step.
    expect(result.operations[0]!.correction).toEqual({ from: d(2500), to: d(10000), steps: [3000, 3600, 4320, 5184, 6220, 7464, 8956, 10000].map(d) });
  });

  it('names the customers behind a flagged operation with their share', () => {
    const result = auditUsage(
      [
        {
          operation: 'ai_analysis',
          calls: 4,
          cost: d('0.4'),
          customers: () => [
            { customer: 'a', calls: 1, cost: d('0.05') },
            { customer: 'b', calls: 2, cost: d('0.3') },
            { customer: 'c', calls: 1, cost: d('0.05') },
          ],
        },
      ],
      table,
      options,
    );
    // Revenue 4 × 100 × 0.001 = 0.4 against a cost of 0.4: margin 0, under the floor but not a loss.
    expect(result.operations[0]!.status).toBe('under-floor');
    expect(result.operations[0]!.topCustomers!.map((c) => [c.customer, c.share.toFixed()])).toEqual([
      ['b', '0.75'],
      ['a', '0.125'],
    ]);
  });

  it('reports operations the table does not price, and counts them as problems', () => {
    const result = auditUsage([{ operation: 'ghost', calls: 3, cost: d('0.3') }], table, options);
    expect(result.unpriced).toEqual([{ operation: 'ghost', calls: 3, cost: d('0.3') }]);
    expect(result.problems).toBe(true);
  });

  it('passes when every margin clears the floor', () => {
    const result = auditUsage([{ operation: 'basic_resize', calls: 10, cost: d('0.008') }], table, options);
    expect(result.operations[0]!.margin!.toFixed()).toBe('0.84');
    expect(result.problems).toBe(false);
    expect(result.operations[0]!.correction).toBeUndefined();
  });

  it('takes the standings flaggedOperations worked out only when asked with the same price, floor and usage', () => {
    // image_upload: revenue 1000 × 1 × 0.001 = 1 against 0.25, margin 0.75.
    const usage = [{ operation: 'image_upload', calls: 1000, cost: d('0.25') }];
    expect(flaggedOperations(usage, table, { floor: d('0.5') })).toEqual([]);
    expect(auditUsage(usage, table, options).operations[0]!.status).toBe('ok');
    // The same usage under a higher floor is under it; at a lower price its margin is worked out again (0.5 at 0.0005 a credit).
    expect(flaggedOperations(usage, table, { floor: d('0.8') })).toEqual(['image_upload']);
    expect(auditUsage(usage, table, { ...options, floor: d('0.8') }).operations[0]!.status).toBe('under-floor');
    const cheaper = { ...table, price: { ...table.price, per_credit: d('0.0005') } };
    expect(auditUsage(usage, cheaper, options).operations[0]!.margin!.toFixed()).toBe('0.5');
    // The same object with a cost changed since is worked out again.
    flaggedOperations(usage, table, options);
    usage[0]!.cost = d('2');
    expect(auditUsage(usage, table, options).operations[0]!.status).toBe('negative');
    // And the two agree operation by operation on a mixed log.
    const mixed = [
      { operation: 'image_upload', calls: 1000, cost: d('0.9') },
      { operation: 'video_processing', calls: 10, cost: d('30'), creditsConsumed: d(25000) },
      { operation: 'basic_resize', calls: 10, cost: d('0.008') },
    ];
    expect(flaggedOperations(mixed, table, options)).toEqual(['image_upload', 'video_processing']);
    const audited = auditUsage(mixed, table, options).operations;
    expect(audited.filter((o) => o.status !== 'ok').map((o) => o.operation).sort()).toEqual(['image_upload', 'video_processing']);
  });
});
