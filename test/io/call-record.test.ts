import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallRecord } from '../../src/io/call-record.js';
import { newAggregator } from '../../src/io/usage-scan.js';

describe('the calls a reader thread keeps', () => {
  it('gives back each operation’s calls in the order added, across chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat({ max: 10 ** 12 })), { maxLength: 300 }), fc.integer({ min: 0, max: 20_000 }), (calls, many) => {
        const record = new CallRecord(Number.MAX_SAFE_INTEGER);
        const want = new Map<number, [number, number][]>();
        // Now and then one operation with more calls than a chunk holds, so that its calls span chunks.
        const all = [...calls, ...Array.from({ length: many }, (_, i) => [2, i, i * 3] as [number, number, number])];
        for (const [op, customer, units] of all) {
          record.add(op, customer, units);
          if (!want.has(op)) want.set(op, []);
          want.get(op)!.push([customer, units]);
        }
        expect(record.size).toBe(all.length);
        for (let op = 0; op < 5; op++) {
          const got = record.of(op).flatMap((c) => Array.from(c.customers, (customer, i) => [customer, c.units[i]!]));
          expect(got).toEqual(want.get(op) ?? []);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('are at most recordUpTo: past it they are summed into the pair table and no more are kept', () => {
    const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 5, queueFrom: 0 });
    const rows = Array.from({ length: 8 }, (_, i) => `c${i % 3},${i % 2 === 0 ? 'a' : 'b'},0.5\n`);
    const first = Buffer.from(rows.slice(0, 5).join(''));
    aggregator.scan(first, 0, first.length);
    expect(aggregator.record.size).toBe(5);
    expect(aggregator.pairs.size).toBe(0);
    const rest = Buffer.from(rows.slice(5).join(''));
    aggregator.scan(rest, 0, rest.length);
    expect(aggregator.record.size).toBe(0);
    expect(aggregator.record.limit).toBe(0);
    // Every call is in the pairs: 8 calls of 6 (operation, customer) pairs.
    expect(aggregator.pairs.size).toBe(6);
    const calls = [...aggregator.byName.values()].flatMap((op) => aggregator.customersOf(op.id).map((c) => `${op.operation} ${c.customer} ${c.calls} ${c.cost.total(12).toFixed()}`));
    expect(calls.sort()).toEqual(['a c0 2 1', 'a c1 1 0.5', 'a c2 1 0.5', 'b c0 1 0.5', 'b c1 2 1', 'b c2 1 0.5']);
  });

  it('are kept only once the pairs there can be outgrow the cache: a few customers of a few operations are summed as read', () => {
    const text = 'customer_id,operation,actual_cost\nc1,a,1\nc2,b,2\nc1,b,3\n';
    const read = (queueFrom?: number) => {
      const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 100, ...(queueFrom !== undefined && { queueFrom }) });
      const body = Buffer.from(text.slice(text.indexOf('\n') + 1));
      aggregator.scan(body, 0, body.length);
      return [aggregator.record.size, aggregator.pairs.size];
    };
    expect(read()).toEqual([0, 3]);
    expect(read(0)).toEqual([3, 0]);
    // Kept from 8 × queueFrom possible pairs: 2 customers of 2 operations are 4.
    expect(read(1)).toEqual([0, 3]);
  });
});
