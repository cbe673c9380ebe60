import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/io/errors.js';
import { PairTable } from '../../src/io/pair-table.js';
import { bytesSource } from '../support/bytes-source.js';
import { type Aggregator, COST_SCALE, CREDIT_SCALE, type Ledger, type UsageOptions, type UsageTotals, headerFields, ledgerOf, newAggregator, RECORD_UP_TO, scanChunks, totalsOf } from '../../src/io/usage-scan.js';

/** What a read comes to: per operation its calls, exact sums and customers merged by name, or that it was refused. */
function outcome(read: () => UsageTotals): unknown {
  let totals: UsageTotals;
  try {
    totals = read();
  } catch (error) {
    if (error instanceof InputError) return 'refused';
    throw error;
  }
  const operations = [...totals.operations.values()]
    .map((op) => {
      const customers = new Map<string, { calls: number; cost: string }>();
      for (const c of op.customers.values()) {
        const seen = customers.get(c.customer);
        const cost = c.cost.total(COST_SCALE);
        customers.set(c.customer, seen ? { calls: seen.calls + c.calls, cost: cost.plus(seen.cost).toFixed() } : { calls: c.calls, cost: cost.toFixed() });
      }
      return { operation: op.operation, calls: op.calls, cost: op.cost.total(COST_SCALE).toFixed(), credits: op.credits.total(CREDIT_SCALE).toFixed(), customers: [...customers].sort(([a], [b]) => (a < b ? -1 : 1)) };
    })
    .sort((a, b) => (a.operation < b.operation ? -1 : 1));
  return { rows: totals.rows, skipped: totals.skipped, operations };
}

/** The byte scanner fed in chunks cut at `cuts`, with csv-parse for the lines it leaves (from a quote it cannot read on), as the reader does. */
async function scanned(text: string, cuts: number[], options: UsageOptions, keys: unknown[]): Promise<UsageTotals> {
  return totalsOf(await scannedBy(text, cuts, options, keys));
}

async function scannedBy(text: string, cuts: number[], options: UsageOptions, keys: unknown[]): Promise<Aggregator> {
  const bytes = Buffer.from(text, 'utf8');
  const end = bytes.indexOf(0x0a);
  const header = parse(bytes.subarray(0, end).toString('utf8'))[0] as string[];
  const aggregator = newAggregator('log.csv', header, options);
  // Calls kept as read have their customers looked up from the log's bytes, as a reader thread does from the file.
  aggregator.source = bytesSource(bytes);
  const points = [end + 1, ...new Set(cuts.map((c) => end + 1 + (c % Math.max(1, bytes.length - end)))), bytes.length].sort((a, b) => a - b);
  const chunks = points.flatMap((at, i) => (i + 1 < points.length && points[i + 1]! > at ? [bytes.subarray(at, points[i + 1])] : []));
  const iterator: AsyncIterator<Buffer> = { next: async () => (chunks.length > 0 ? { done: false, value: chunks.shift()! } : { done: true, value: undefined }) };
  const left = await scanChunks(iterator, aggregator, undefined, undefined, end + 1);
  // What the scanner leaves is the rest of its chunk and every chunk not yet read.
  const rest = left && Buffer.concat([left, ...chunks]);
  if (rest && rest.length > 0) {
    let records: string[][];
    try {
      records = parse(rest, { skip_empty_lines: true }) as string[][];
    } catch {
      throw new InputError('log.csv', 'not valid CSV', { line: aggregator.line + 1 });
    }
    records.forEach((record, i) => aggregator.addFields(record, aggregator.line + i + 1));
  }
  // Kept calls meet their customers when looked up, after the rest: then the names are compared as sets.
  const kept = aggregator.record.size > 0;
  if (kept) aggregator.fold();
  keys.push(aggregator.operations.size, aggregator.customerIds.size, kept || options.recordUpTo ? [...aggregator.customerNames].sort() : [...aggregator.customerNames]);
  return aggregator;
}

/** csv-parse alone, every record through addFields. */
function parsed(text: string, options: UsageOptions, keys: unknown[], sorted = false): UsageTotals {
  return totalsOf(parsedBy(text, options, keys, sorted));
}

function parsedBy(text: string, options: UsageOptions, keys: unknown[], sorted = false): Aggregator {
  const [header, ...records] = parse(text, { skip_empty_lines: true }) as string[][];
  const aggregator = newAggregator('log.csv', header!, options);
  records.forEach((record, i) => aggregator.addFields(record, i + 2));
  keys.push(aggregator.operations.size, aggregator.customerIds.size, sorted ? [...aggregator.customerNames].sort() : [...aggregator.customerNames]);
  return aggregator;
}

/** The scanner's totals, in chunks cut at `cuts`, are csv-parse's, and so are the keys it kept. */
async function expectAsParsed(text: string, cuts: number[], options: UsageOptions): Promise<void> {
  // How many distinct operation and customer keys each kept (a hash the scanner works out differently from the map's
  // would add a key per row), and the customers in the order they were met.
  const scannerKeys: unknown[] = [];
  const parserKeys: unknown[] = [];
  const viaScanner = await scanned(text, cuts, options, scannerKeys).then(
    (totals) => outcome(() => totals),
    (error: unknown) => outcome(() => { throw error; }),
  );
  const viaParser = (() => {
    try {
      // Summed as read: the scanner's kept calls (options.recordUpTo) must come to what summing as read does.
      const { recordUpTo: _kept, ...asRead } = options;
      return outcome(() => parsed(text, asRead, parserKeys, options.recordUpTo !== undefined));
    } catch {
      // csv-parse refusing the file (an unclosed quote, a ragged row) is a refusal too.
      return 'refused';
    }
  })();
  expect(viaScanner).toEqual(viaParser);
  if (viaScanner !== 'refused') expect(scannerKeys).toEqual(parserKeys);
}

const COLUMNS = ['timestamp', 'customer_id', 'operation', 'actual_cost', 'credits_consumed', 'note'];
// Mostly a few names that repeat, so that keys are looked up again; now and then anything.
const name = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'op_1', ' a', 'a ', 'é', 'ü-x', 'x y', '$', '(a)', '') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', '#', 'é', '\t'), maxLength: 4 }) },
);
const digits = (n: bigint, places: number) => {
  const text = String(n).padStart(places + 1, '0');
  return places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
};
// Mostly plain decimals of every size and number of places (past 15 digits and past the scale too); now and then a form the exact reader takes or refuses.
const number = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.integer({ min: 0, max: 14 })).map(([n, places]) => digits(n, places)) },
  { weight: 1, arbitrary: fc.constantFrom('0', '5', '0.000213', '1e3', '$5', '-1', ' 2', '2 ', '1.', '.5', '', '1.2.3', '0.0000000000001', '999999999999999', '9999999999999999', '1,5', '+3') },
);
// Timestamps of the two layouts read where they stand (…:SS.mmmZ and …:SSZ) on both sides of a window's ends, and forms a
// byte off them: a comma before the fraction (which splits the field), other lengths of fraction, a lower-case z, an offset,
// an hour that does not exist, text after the Z.
const timestamp = fc.constantFrom(
  ...['2026-10-01T00:00:00Z', '2026-10-01 12:00', '2026-10-01T00:00:00.000Z', '2026-10-15T23:59:59.999Z', '2026-10-16T00:00:00.000Z', '2026-10-31T23:59:59Z'],
  ...['2026-10-01T00:00:00,500Z', '2026-10-01T00:00:00.00Z', '2026-10-01T00:00:00.0000Z', '2026-10-01T00:00:00.000z', '2026-10-01T00:00:00.000+01:00'],
  ...['2026-10-01T24:00:00.000Z', '2026-10-01T00:00:00.000Zx', '2026-10-01T00:00:00ZZ', '2026-10-0100:00:00.000Z'],
);
const cellOf = (column: string) => (column === 'actual_cost' || column === 'credits_consumed' ? number : column === 'timestamp' ? timestamp : name);
/** Calls queued from the first customer, from the 50th (the reader switches in the middle of a log), or as the commands queue them. */
const queueFrom = fc.constantFrom<Pick<UsageOptions, 'queueFrom'>>({ queueFrom: 0 }, { queueFrom: 50 }, {});
/**
 * Calls summed as read, kept up to the 7th (the rest then summed as read), or kept as a reader thread keeps them: kept
 * calls have their customers looked up from the bytes afterwards. Those of an operation with many of the calls are
 * summed as read while the customers are few (as the threads do), up to the 3rd customer, or never.
 */
const kept = fc.constantFrom<Pick<UsageOptions, 'recordUpTo' | 'heavyBelow'>>({}, { recordUpTo: 7 }, { recordUpTo: RECORD_UP_TO }, { recordUpTo: 7, heavyBelow: 0 }, { recordUpTo: RECORD_UP_TO, heavyBelow: 3 });
/** A time window or none: the timestamps are read only with one. */
const window = fc.constantFrom<Pick<UsageOptions, 'since' | 'until'>>({}, { since: Date.parse('2026-10-16T00:00:00Z') }, { until: Date.parse('2026-10-15T23:59:59.999Z') }, { since: Date.parse('2026-10-01T00:00:00Z'), until: Date.parse('2026-10-31T23:59:59Z') });
/** A field as a log would write it: mostly bare, sometimes wholly in quotes, now and then with an escaped quote or a line break inside. */
const written = (cell: fc.Arbitrary<string>) =>
  fc.tuple(cell, fc.integer({ min: 0, max: 59 })).map(([text, roll]) => {
    if (/[",\r\n]/.test(text) || roll === 0) return `"${text.replace(/"/g, '""')}"`;
    if (roll === 1) return `"${text}""x"`;
    if (roll === 2) return `"${text}\nx"`;
    return text;
  });
const log = fc
  .tuple(fc.shuffledSubarray(COLUMNS, { minLength: 4, maxLength: 6 }).filter((c) => c.includes('operation') && c.includes('actual_cost')), fc.constantFrom('\n', '\r\n'))
  .chain(([columns, eol]) =>
    fc
      .array(
        fc.oneof(
          // A timestamp is also written bare whatever it holds: one with a comma is then two fields.
          { weight: 40, arbitrary: fc.tuple(...columns.map((c) => (c === 'timestamp' ? fc.oneof(written(timestamp), timestamp) : written(cellOf(c))))) },
          { weight: 1, arbitrary: fc.array(written(name), { maxLength: 7 }) },
          { weight: 1, arbitrary: fc.constant([] as string[]) },
        ),
        { maxLength: 40 },
      )
      .map((rows) => [columns.join(','), ...rows.map((r) => r.join(','))].join(eol) + eol),
  );

describe('the usage scanner', () => {
  it('sums exactly what csv-parse reads, however the bytes come in chunks', async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom<UsageOptions['decimalMark']>(undefined, 'comma'), window, queueFrom, kept, async (text, cuts, decimalMark, within, from, keeping) => {
        const options: UsageOptions = { columns: {}, ...(decimalMark && { decimalMark }), ...within, ...from, ...keeping };
        await expectAsParsed(text, cuts, options);
      }),
      {
        numRuns: 1500,
        // A CR that ends no line, just after a timestamp read where it stands: the field goes on to the LF.
        examples: [['operation,actual_cost,timestamp\na,1,2026-10-01T00:00:00.000Z\rx\na,2,2026-10-01T00:00:01Z\rx\n', [], undefined, { since: 0 }, { queueFrom: 0 }, {}]],
      },
    );
  });
});

/** What a ledger comes to: per month, each customer's calls and credits, in all and by operation; or that it was refused. */
function ledgerOutcome(read: () => { ledger: Ledger; names: readonly string[] }): unknown {
  let got: { ledger: Ledger; names: readonly string[] };
  try {
    got = read();
  } catch (error) {
    if (error instanceof InputError) return 'refused';
    throw error;
  }
  const { ledger, names } = got;
  const months = [...ledger.months].sort((a, b) => a - b).map((month) => ({
    month,
    customers: ledger
      .customersIn(month)
      .map((c) => ({ customer: c.customer, calls: c.calls, credits: c.credits.toFixed(), operations: c.operations().map((o) => `${o.operation} ${o.calls} ${o.credits.toFixed()}`).sort() }))
      .sort((a, b) => (a.customer < b.customer ? -1 : 1)),
  }));
  // The names in the order they were met: the scanner's queue of calls must not reorder them.
  return { rows: ledger.rows, skipped: ledger.skipped, latest: ledger.latest, earliest: ledger.earliest, names, months };
}

// Many customers, so that a queue of calls holds new ones and ones met again; now and then ids the queue leaves to the
// in-order way (spaces to trim, a first byte past ASCII, quotes).
const ledgerCustomer = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => `c${n}`) },
  { weight: 1, arbitrary: fc.constantFrom(' c1', 'c1 ', 'é', '\u00a0c2', '"c3"', 'x y') },
);
// Both sides of the month's ends, and now and then forms the line reader does not read where they stand.
const ledgerTime = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom('2026-09-30T23:59:59.999Z', '2026-10-01T00:00:00.000Z', '2026-10-15T12:00:00Z', '2026-10-31T23:59:59.999Z', '2026-11-01T00:00:00.000Z', '2026-11-02T05:00:00Z') },
  { weight: 1, arbitrary: fc.constantFrom('2026-10-02 10:00', '2026-10-03T00:00:00.000+01:00') },
);
const ledgerCredits = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: 0, max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('1.5', '0.000001', '123456789012345678', '9007199254740993', '1e3') },
);
const ledgerOperation = fc.oneof({ weight: 40, arbitrary: fc.constantFrom('a', 'b', 'c') }, { weight: 1, arbitrary: fc.constant('zz') });
// A row that is refused, put in some logs somewhere: the first refusal in the file is the one reported, queued calls before it or not.
const refusedRow = fc.constantFrom(['2026-10-05T00:00:00Z', '', 'a', '1'], ['2026-10-05T00:00:00Z', ' ', 'a', '1'], ['not a time', 'c1', 'a', '1'], ['2026-10-05T00:00:00Z', 'c1', 'a', '-1'], ['2026-10-05T00:00:00Z', 'c1', 'a', '1.2.3']);
const ledgerLog = fc
  .tuple(fc.boolean(), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 0, max: 420 }), fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(refusedRow, fc.nat()) }))
  .chain(([credits, eol, rows, refused]) => {
    const columns = ['timestamp', 'customer_id', 'operation', ...(credits ? ['credits_consumed'] : [])];
    // An operation not in the table is charged by the log's credits: without the column it is refused.
    const row = fc.tuple(ledgerTime, ledgerCustomer, credits ? ledgerOperation : fc.constantFrom('a', 'b', 'c'), ledgerCredits);
    return fc.array(row, { minLength: rows, maxLength: rows }).map((list) => {
      const all: string[][] = list.map((r) => [...r]);
      if (refused) all.splice(refused[1] % (all.length + 1), 0, [...refused[0]]);
      return [columns.join(','), ...all.map(([at, customer, op, n]) => [at!, customer!, op!, ...(credits ? [n!] : [])].join(','))].join(eol) + eol;
    });
  });
const hourly = { a: Array.from({ length: 24 }, () => '1'), b: Array.from({ length: 24 }, (_, h) => (h < 12 ? '0.5' : '2')), c: Array.from({ length: 24 }, () => '0.0000001') };

describe('the usage scanner in ledger mode', () => {
  it('gives the ledger csv-parse gives, whatever the chunks, calls queued or not', async () => {
    let read = 0;
    await fc.assert(
      fc.asyncProperty(ledgerLog, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom<Pick<UsageOptions, 'since' | 'until'>>({}, { since: Date.parse('2026-10-01T00:00:00Z'), until: Date.parse('2026-11-01T00:00:00Z') }), queueFrom, async (text, cuts, within, from) => {
        const options: UsageOptions = { columns: {}, ledger: { hourly }, ...within, ...from };
        const viaScanner = await scannedBy(text, cuts, options, []).then(
          (aggregator) => ledgerOutcome(() => ({ ledger: ledgerOf(aggregator), names: aggregator.customerNames })),
          (error: unknown) => ledgerOutcome(() => { throw error; }),
        );
        const viaParser = (() => {
          try {
            return ledgerOutcome(() => {
              const aggregator = parsedBy(text, options, []);
              return { ledger: ledgerOf(aggregator), names: aggregator.customerNames };
            });
          } catch {
            return 'refused';
          }
        })();
        expect(viaScanner).toEqual(viaParser);
        if (viaScanner !== 'refused') read++;
      }),
      { numRuns: 300 },
    );
    // Most logs are read, not refused: the comparison is of ledgers.
    expect(read).toBeGreaterThan(150);
  });

  it('and the totals of long logs, whose calls fill the queue', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerLog, fc.array(fc.nat(), { maxLength: 6 }), queueFrom, kept, async (text, cuts, from, keeping) => {
        const options: UsageOptions = { columns: {}, costOptional: true, ...from, ...keeping };
        await expectAsParsed(text, cuts, options);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a log header', () => {
  it('has the fields csv-parse reads from it, with or without quotes', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ';', '\t', '"', 'é', '\uFEFF', '\r'), maxLength: 12 });
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';', '\t'), (header, delimiter) => {
        const outcomeOf = (read: () => string[]) => {
          try {
            const fields = read();
            return fields.length === 0 || fields.every((f) => f.trim() === '') ? 'refused' : fields;
          } catch {
            return 'refused';
          }
        };
        expect(outcomeOf(() => headerFields('log.csv', Buffer.from(header, 'utf8'), delimiter))).toEqual(
          outcomeOf(() => (parse(header.replace(/^\uFEFF/, ''), { delimiter, relax_quotes: true, relax_column_count: true })[0] ?? []) as string[]),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('customer names', () => {
  it('are the ids less the spaces around them, and plain only while every id is ASCII with nothing to trim', async () => {
    const log = (ids: string[]) => `operation,cost,customer_id\n${ids.map((id) => `op,0.5,${id}`).join('\n')}\n`;
    for (const [ids, plain] of [
      [['cust_1', 'b', 'x-y z'], true],
      [['cust_1', ' cust_2'], false],
      [['cust_1', 'cust_2\t'], false],
      [['kunde_ü'], false],
    ] as const) {
      for (const options of [{ columns: {} }, { columns: {}, recordUpTo: RECORD_UP_TO, queueFrom: 0 }]) {
        const aggregator = await scannedBy(log([...ids]), [7, 19], options, []);
        expect(aggregator.plainNames, ids.join()).toBe(plain);
        expect([...aggregator.customerNames].sort()).toEqual(ids.map((id) => id.trim()).sort());
        for (const [id, name] of aggregator.customerNames.entries()) expect(aggregator.customerName(id)).toBe(name);
      }
    }
  });
});

describe('the pair table', () => {
  it('keeps every (operation, customer) pair apart and sums it exactly, as a Map of bigints does', () => {
    fc.assert(
      // Pairs met again and again (few operations and customers) and once (many), under limits of the dense index that it
      // outgrows (a wider stride, more customers, past the limit) or never does.
      fc.property(fc.array(fc.tuple(fc.oneof(fc.nat(3), fc.nat(40)), fc.oneof(fc.nat(20), fc.nat(3000)), fc.bigInt({ min: 0n, max: 4n * 10n ** 15n - 1n })), { maxLength: 3000 }), fc.constantFrom(0, 64, 5_000, 2 ** 22), (calls, limit) => {
        const table = new PairTable(limit);
        const expected = new Map<string, { calls: number; units: bigint }>();
        for (const [op, customer, units] of calls) {
          table.addCall(table.index(op, customer), Number(units));
          const key = `${op}/${customer}`;
          const seen = expected.get(key) ?? { calls: 0, units: 0n };
          expected.set(key, { calls: seen.calls + 1, units: seen.units + units });
        }
        expect(table.size).toBe(expected.size);
        const lists = table.byOperation(41);
        const seen = new Map<string, { calls: number; units: bigint }>();
        lists.forEach((list, op) => {
          for (const pair of list) {
            expect(table.operation(pair)).toBe(op);
            seen.set(`${op}/${table.customer(pair)}`, { calls: table.calls(pair), units: BigInt(table.units(pair)) + (table.big.get(pair) ?? 0n) });
          }
        });
        expect(seen).toEqual(expected);
        // Every pair is found again, the ones met before the dense index was outgrown and dropped too; looked up
        // without adding, a pair never met is not found and not added.
        for (const [op, customer] of calls) {
          const pair = table.index(op, customer);
          expect([table.operation(pair), table.customer(pair)]).toEqual([op, customer]);
          expect(table.pairOf(op, customer)).toBe(pair);
          const other = (customer * 7 + 1) % 3001;
          expect(table.pairOf(op, other)).toBe(expected.has(`${op}/${other}`) ? table.index(op, other) : -1);
        }
        expect(table.size).toBe(expected.size);
      }),
      { numRuns: 200 },
    );
  });

  it('finds a pair met before its dense index was dropped', () => {
    const table = new PairTable(64);
    const first = table.index(1, 1);
    // A customer past the index's rows, which it may not grow to hold: it is dropped, and the hash table answers.
    const other = table.index(2, 300);
    expect(table.index(1, 1)).toBe(first);
    expect(table.index(2, 300)).toBe(other);
    expect(table.size).toBe(2);
  });
});
