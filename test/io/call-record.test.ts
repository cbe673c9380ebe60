import { mkdtempSync, rmSync, type Stats, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CallRecord, forEachKept } from '../../src/io/call-record.js';
import { InputError } from '../../src/io/errors.js';
import { type Aggregator, newAggregator } from '../../src/io/usage-scan.js';
import { customersOf } from '../../src/io/usage-worker.js';
import { bytesSource } from '../support/bytes-source.js';

describe('the calls a reader thread keeps', () => {
  it('gives back every call in the order added, across chunks and 4 GiB jumps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat({ max: 10 ** 6 }), fc.nat({ max: 10 ** 12 }), fc.boolean()), { maxLength: 300 }),
        fc.integer({ min: 0, max: 20_000 }),
        (calls, many) => {
          const record = new CallRecord(Number.MAX_SAFE_INTEGER);
          // Offsets grow as a thread reads; now and then one 4 GiB on (a later part of a very large file), and many calls, so that they span chunks.
          let at = 0;
          const all = [...calls.map(([op, step, units, jump]) => [op, (at += step + (jump ? 2 ** 32 : 0)), units] as const), ...Array.from({ length: many }, (_, i) => [2, at + i, i * 3] as const)];
          for (const [op, position, units] of all) record.add(op, position, Float64Array.of(units), 0);
          expect(record.size).toBe(all.length);
          const got = record.chunks().flatMap((c) => Array.from(c.offsets, (offset, i) => [c.ops[i]!, c.base + offset, c.units[i]!]));
          expect(got).toEqual(all.map((call) => [...call]));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives an operation the chunks up to its last kept call, which hold every one of them', () => {
    fc.assert(
      fc.property(
        // Runs of calls, each of one operation (0–5, or a larger id) and long enough to fill chunks of 8,192.
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 70, 200), fc.integer({ min: 1, max: 12_000 })), { maxLength: 8 }),
        fc.uint8Array({ minLength: 0, maxLength: 210, max: 1 }),
        (runs, wanted) => {
          const record = new CallRecord(Number.MAX_SAFE_INTEGER);
          let at = 0;
          for (const [op, length] of runs) for (let i = 0; i < length; i++) record.add(op, at++, Float64Array.of(at), 0);
          const calls = (chunks: ReturnType<CallRecord['chunks']>) => chunks.flatMap((c) => Array.from(c.ops, (op, i) => [op, c.base + c.offsets[i]!] as const)).filter(([op]) => wanted[op] === 1);
          const some = record.chunksOf(wanted);
          expect(calls(some)).toEqual(calls(record.chunks()));
          // The full chunks up to the last holding a wanted call, and the one being filled (the last, always given).
          const all = record.chunks();
          const lastFull = all.slice(0, -1).findLastIndex((c) => c.ops.some((op) => wanted[op] === 1));
          expect(some.length).toBe(all.length === 0 ? 0 : lastFull + 2);
        },
      ),
      { numRuns: 40 },
    );
    // An operation summed as read after its first calls: its fold reads the first chunk and the last, not the 40 between.
    const record = new CallRecord(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 100; i++) record.add(0, i, Float64Array.of(1), 0);
    for (let i = 100; i < 42 * 8192; i++) record.add(1 + (i % 3), i, Float64Array.of(1), 0);
    expect(record.chunksOf(Uint8Array.from([1]))).toHaveLength(2);
    expect(record.chunksOf(Uint8Array.from([0, 0, 1]))).toHaveLength(42);
    record.close();
    expect(record.chunksOf(Uint8Array.from([1, 1, 1, 1]))).toEqual([]);
  });

  it('gives each wanted call its customer id as the line reader ends it, whatever the block a read leaves it in', () => {
    // Ids end at a comma, a LF, a quote or a CR before a LF; a lone CR is part of one. The last line has no LF, and ends in a CR.
    const lines: [string, string, number][] = [
      ['a\rb,op', 'a\rb', 0],
      [`op,${'x'.repeat(3000)}\r`, 'x'.repeat(3000), 3],
      ['é-ü"x,op', 'é-ü', 0],
      ['c1,op', 'c1', 0],
      ['op,c2', 'c2', 3],
      ['op,z\r', 'z', 3],
    ];
    const bytes = Buffer.from(lines.map(([line]) => line).join('\n'));
    const record = new CallRecord(100);
    let at = 0;
    for (const [i, [line, , from]] of lines.entries()) {
      record.add(i % 2, at + from, Float64Array.of(i), 0);
      at += Buffer.byteLength(line) + 1;
    }
    const seen: [number, string, number][] = [];
    // Blocks smaller than an id, ending inside one or just after a CR, and one larger than the file.
    const source = bytesSource(bytes);
    for (const size of [1, 2, 7, 4096, 1 << 20]) {
      seen.length = 0;
      let blocks = 0;
      expect(forEachKept(source, record.chunks(), Uint8Array.from([1, 1]), (op, buf, start, end, units) => seen.push([op, buf.toString('utf8', start, end), units]), () => blocks++, size)).toBe(true);
      if (size === 1 << 20) expect(blocks).toBe(1);
      expect(seen).toEqual(lines.map(([, id], i) => [i % 2, id, i]));
    }
    // Only the operations wanted.
    seen.length = 0;
    forEachKept(source, record.chunks(), Uint8Array.from([0, 1]), (op, buf, start, end, units) => seen.push([op, buf.toString('utf8', start, end), units]));
    expect(seen.map(([, , i]) => i)).toEqual([1, 3, 5]);
    // A call past the file's end: the file changed since it was read.
    const shorter = bytesSource(bytes.subarray(0, 10));
    expect(forEachKept(shorter, record.chunks(), Uint8Array.from([1, 1]), () => undefined)).toBe(false);
  });

  it('are at most recordUpTo: past it the calls are summed into the pair table as read', () => {
    const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 5, queueFrom: 0, heavyBelow: 0 });
    const rows = Array.from({ length: 8 }, (_, i) => `c${i % 3},${i % 2 === 0 ? 'a' : 'b'},0.5\n`);
    const bytes = Buffer.from(rows.join(''));
    aggregator.source = bytesSource(bytes);
    const cut = Buffer.byteLength(rows.slice(0, 6).join(''));
    aggregator.scan(bytes.subarray(0, cut), 0, cut);
    aggregator.base = cut;
    aggregator.scan(bytes.subarray(cut), 0, bytes.length - cut);
    // Five kept, their customers not looked up; the other three summed by pair.
    expect(aggregator.record.size).toBe(5);
    expect(aggregator.customerIds.size).toBe(3);
    expect(aggregator.pairs.size).toBe(3);
    const calls = [...aggregator.byName.values()].flatMap((op) => aggregator.customersOf(op.id).map((c) => `${op.operation} ${c.customer} ${c.calls} ${c.cost.total(12).toFixed()}`));
    expect(aggregator.record.size).toBe(0);
    // Every call is in the pairs: 8 calls of 6 (operation, customer) pairs.
    expect(calls.sort()).toEqual(['a c0 2 1', 'a c1 1 0.5', 'a c2 1 0.5', 'b c0 1 0.5', 'b c1 2 1', 'b c2 1 0.5']);
  });

  it('are kept only once the pairs there can be outgrow the cache: a few customers of a few operations are summed as read', () => {
    const text = 'customer_id,operation,actual_cost\nc1,a,1\nc2,b,2\nc1,b,3\n';
    const read = (queueFrom?: number) => {
      const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 100, heavyBelow: 0, ...(queueFrom !== undefined && { queueFrom }) });
      const body = Buffer.from(text.slice(text.indexOf('\n') + 1));
      aggregator.scan(body, 0, body.length);
      return [aggregator.record.size, aggregator.pairs.size];
    };
    expect(read()).toEqual([0, 3]);
    expect(read(0)).toEqual([3, 0]);
    // Kept from 8 × queueFrom possible pairs: 2 customers of 2 operations are 4.
    expect(read(1)).toEqual([0, 3]);
  });

  it('are not kept of an operation that carries one call in 16 or more while the customers are few: it is summed as read', () => {
    // Operation a carries every other call; b to q one call in 32 each.
    const rows: string[] = [];
    for (let i = 0; i < 64; i++) rows.push(i % 2 === 0 ? `c${i % 5},a,1\n` : `c${i % 3},${String.fromCharCode(98 + ((i >> 1) % 16))},2\n`);
    const bytes = Buffer.from(rows.join(''));
    const read = (heavyBelow?: number) => {
      const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 100, queueFrom: 0, ...(heavyBelow !== undefined && { heavyBelow }) });
      aggregator.source = bytesSource(bytes);
      aggregator.scan(bytes, 0, bytes.length);
      return aggregator;
    };
    const heavy = read();
    const a = heavy.byName.get('a')!;
    // The first call of each light operation is heavy when it comes (1 of the few calls so far); after that they are kept.
    expect(heavy.record.size).toBeGreaterThan(0);
    expect(heavy.record.size).toBeLessThan(32);
    const summed = (aggregator: Aggregator) => aggregator.customersOf(a.id).map((c) => `${c.customer} ${c.calls} ${c.cost.total(12).toFixed()}`).sort();
    const keptAll = read(0);
    expect(keptAll.record.size).toBe(64);
    // Summed as read or folded from the file afterwards, a's customers are the same.
    expect(summed(heavy)).toEqual(['c0 7 7', 'c1 6 6', 'c2 7 7', 'c3 6 6', 'c4 6 6']);
    expect(summed(keptAll)).toEqual(summed(heavy));
    // Every call of a is summed as read: what is kept is light operations' only.
    expect(heavy.record.chunks().every((chunk) => !chunk.ops.includes(a.id))).toBe(true);
  });

  it('of the operations asked are looked up; the rest are forgotten', () => {
    const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 100, queueFrom: 0, heavyBelow: 0 });
    const bytes = Buffer.from('c1,a,1\nc2,b,2\nc1,b,3\nc3,a,4\n');
    aggregator.source = bytesSource(bytes);
    aggregator.scan(bytes, 0, bytes.length);
    const a = aggregator.byName.get('a')!;
    aggregator.fold(Uint8Array.from([a.id === 0 ? 1 : 0, a.id === 1 ? 1 : 0]));
    expect(aggregator.customerNames).toEqual(['c1', 'c3']);
    expect(aggregator.customersOf(a.id).map((c) => `${c.customer} ${c.calls} ${c.cost.total(12).toFixed()}`)).toEqual(['c1 1 1', 'c3 1 4']);
  });

  it('are refused when the log is shorter than when they were read: it changed since', () => {
    const aggregator = newAggregator('log.csv', ['customer_id', 'operation', 'actual_cost'], { columns: {}, recordUpTo: 100, queueFrom: 0, heavyBelow: 0 });
    const bytes = Buffer.from('c1,a,1\nc2,b,2\n');
    aggregator.scan(bytes, 0, bytes.length);
    aggregator.source = bytesSource(bytes.subarray(0, 5));
    expect(() => aggregator.fold()).toThrow(new InputError('log.csv', 'the log changed while it was read; read it again', { line: 1 }));
  });
});

describe('a reader thread asked for the customers of its kept calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credits-kept-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A thread's reading of `text` (a header, then rows), its calls kept, and the file as it was read. */
  function read(name: string, text: string): { aggregator: Aggregator; stats: Stats } {
    const path = join(dir, name);
    writeFileSync(path, text);
    const stats = statSync(path);
    const header = text.slice(0, text.indexOf('\n'));
    const aggregator = newAggregator(path, header.split(','), { columns: {}, recordUpTo: 100, queueFrom: 0, heavyBelow: 0 });
    const body = Buffer.from(text.slice(header.length + 1));
    aggregator.base = header.length + 1;
    aggregator.scan(body, 0, body.length);
    return { aggregator, stats };
  }

  it('looks them up in the file for the operations asked, and says when the file changed since', () => {
    const text = 'customer_id,operation,actual_cost\nc1,a,1\nc2,b,2\nc1,a,3\n';
    const { aggregator, stats } = read('log.csv', text);
    expect(aggregator.record.size).toBe(3);
    const answer = customersOf(aggregator, { operations: ['a'] }, stats);
    expect(answer.kind).toBe('customers');
    if (answer.kind !== 'customers') return;
    expect(answer.operations.map((o) => o.operation)).toEqual(['a']);
    expect(answer.customers).toEqual(['c1']);
    // The same file written again since (another time of change), shorter, or gone.
    for (const change of [(path: string) => utimesSync(path, new Date(0), new Date(0)), (path: string) => truncateSync(path, 10), (path: string) => rmSync(path)]) {
      const again = read('changed.csv', text);
      change(join(dir, 'changed.csv'));
      expect(customersOf(again.aggregator, { operations: ['a'] }, again.stats)).toEqual({ kind: 'changed' });
    }
  });
});
