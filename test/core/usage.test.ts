import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { DateCache, daysFromCivil, instantFromBytes, parseInstant } from '../../src/core/time.js';
import { type CustomerMonth, type CustomerUse, customerMonth, descendingOrder, monthName, monthOf, monthStart, monthWindow, parseMonth, planFit, projectMonth, sortByProjectedShare } from '../../src/core/usage.js';
import { ladderFrom } from '../../src/core/ladder.js';
import { ByteKeyMap } from '../../src/io/byte-key-map.js';

const use = (customer: string, credits: number | string): CustomerUse => ({ customer, calls: 1, credits: new Dec(credits), operations: () => [{ operation: 'op', calls: 1, credits: new Dec(credits) }] });

describe('months', () => {
  it('round-trip between YYYY-MM, index and instants, in UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970 * 12, max: 2200 * 12 }), (month) => {
        expect(parseMonth(monthName(month))).toBe(month);
        expect(monthOf(monthStart(month))).toBe(month);
        expect(monthOf(monthStart(month + 1) - 1)).toBe(month);
      }),
    );
    expect(parseMonth('2026-13')).toBeUndefined();
    expect(parseMonth('2026-1')).toBeUndefined();
  });

  it('projects used / elapsed part of the month, and a finished month to what was used', () => {
    const november = parseMonth('2026-11')!;
    const window = monthWindow(november, Date.parse('2026-11-16T00:00:00Z'));
    expect(window.elapsed.toFixed()).toBe('0.5');
    expect(projectMonth(new Dec(32450), window).toFixed()).toBe('64900');
    expect(projectMonth(new Dec(7), monthWindow(november, Date.parse('2026-12-05T00:00:00Z'))).toFixed()).toBe('7');
    expect(() => monthWindow(november, Date.parse('2026-10-31T23:59:59Z'))).toThrow(/before 2026-11 starts/);
  });

  it('projection × elapsed gives back what was used', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 * 86_400_000 - 1 }), fc.integer({ min: 0, max: 10 ** 9 }), (ms, used) => {
        const window = monthWindow(parseMonth('2026-11')!, Date.parse('2026-11-01T00:00:00Z') + ms);
        expect(projectMonth(new Dec(used), window).times(window.elapsed).toDecimalPlaces(20).toFixed()).toBe(String(used));
      }),
    );
  });
});

describe('customers and plans', () => {
  const window = monthWindow(parseMonth('2026-11')!, Date.parse('2026-11-16T00:00:00Z'));
  const starter = { name: 'Starter', included: new Dec(50000) };

  it('flags a customer projected over the plan, with its overage money, and one under 10%', () => {
    const over = customerMonth(use('a', 30000), window, new Dec('0.001'), starter);
    expect(over).toMatchObject({ willExceed: true, underTenth: false });
    expect(over.overage!.toFixed()).toBe('10000');
    expect(over.overageMoney!.toFixed()).toBe('10');
    const low = customerMonth(use('b', 2000), window, new Dec('0.001'), starter);
    expect(low).toMatchObject({ willExceed: false, underTenth: true });
    expect(customerMonth(use('c', 2000), window, new Dec('0.001')).usedShare).toBeUndefined();
  });

  /** Planned customers first, by projected share, then the others by projected credits; equal ones by name. */
  const expectSortedByShare = (sorted: CustomerMonth[]) => {
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      if (a.plan && !b.plan) continue;
      expect(!a.plan && b.plan !== undefined).toBe(false);
      const [ka, kb] = a.plan ? [a.projectedShare!, b.projectedShare!] : [a.projected, b.projected];
      expect(ka.gte(kb), `${a.customer} ${ka} before ${b.customer} ${kb}`).toBe(true);
      if (ka.eq(kb)) expect(a.customer < b.customer).toBe(true);
    }
  };

  it('sorts by projected share exactly, planned customers first, then by name', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 40 }), (rows) => {
        const customers = rows.map(([credits, planned], i) => customerMonth(use(`c${String(i).padStart(3, '0')}`, credits), window, new Dec('0.001'), planned ? starter : undefined));
        expectSortedByShare(sortByProjectedShare(customers));
      }),
    );
  });

  it('sorts shares exactly where no float tells them apart, across plans of any size', () => {
    const plans = [starter, { name: 'Odd', included: new Dec(3) }, { name: 'Seven', included: new Dec('7.5') }];
    // Credits that differ only past the 16th digit, and shares that tie across plans (1 / 3 = 2.5 / 7.5).
    const credits = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 })).map(([whole, tiny]) => new Dec(whole).plus(new Dec(tiny).times('1e-25'))),
      fc.constantFrom(new Dec(1), new Dec('2.5'), new Dec('16666.666666666666666666666666666666666667')),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(credits, fc.integer({ min: -1, max: 2 })), { maxLength: 40 }), (rows) => {
        const customers = rows.map(([used, plan], i) => customerMonth({ customer: `c${String(i).padStart(3, '0')}`, calls: 1, credits: used, operations: () => [] }, window, new Dec('0.001'), plans[plan]));
        expectSortedByShare(sortByProjectedShare(customers));
      }),
      { numRuns: 500 },
    );
  });

  it('orders indices as a stable sort by planned, then key from the largest, does', () => {
    // Few distinct keys, so that most are equal; zeros, infinities and keys a hair apart among them.
    const key = fc.oneof(fc.constantFrom(0, 1, 2.5, 1e300, Infinity, 1 + Number.EPSILON), fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 1e6, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.boolean()), { maxLength: 60 }), (rows) => {
        const planned = Uint8Array.from(rows, ([, p]) => (p ? 1 : 0));
        const keys = Float64Array.from(rows, ([k]) => k);
        const stable = rows.map((_, i) => i).sort((a, b) => planned[b]! - planned[a]! || (keys[b]! > keys[a]! ? 1 : keys[b]! < keys[a]! ? -1 : 0));
        expect([...descendingOrder(planned, keys)]).toEqual(stable);
      }),
      { numRuns: 500 },
    );
  });

  it('sorts and projects the same from integer units as from decimals', () => {
    // Credits as the reader sums them (units of 10^-6), many of them equal, so that ties are broken by name.
    const units = fc.oneof(fc.integer({ min: 0, max: 5 }).map((n) => n * 1_000_000), fc.integer({ min: 0, max: 10 ** 12 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(units, fc.boolean()), { maxLength: 40 }), (rows) => {
        const of = (withUnits: boolean) =>
          rows.map(([count, planned], i) => {
            const credits = new Dec(count).dividedBy(1_000_000);
            const use = { customer: `c${String(i % 7).padStart(3, '0')}${i}`, calls: 1, credits, operations: () => [], ...(withUnits && { units: { count, places: 6 } }) };
            return customerMonth(use, window, new Dec('0.001'), planned ? starter : undefined);
          });
        const [fast, plain] = [sortByProjectedShare(of(true)), sortByProjectedShare(of(false))];
        expect(fast.map((c) => c.customer)).toEqual(plain.map((c) => c.customer));
        fast.forEach((c, i) => expect(c.projected.toFixed()).toBe(plain[i]!.projected.toFixed()));
        expectSortedByShare(fast);
      }),
      { numRuns: 500 },
    );
  });

  it('recommends included credits on the friendly ladder, at least the p75 of projected use, only past the thresholds', () => {
    const friendly = ladderFrom('friendly');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500_000 }), { minLength: 1, maxLength: 30 }), (uses) => {
        const customers = uses.map((credits, i) => customerMonth(use(`c${i}`, credits), window, new Dec('0.001'), starter));
        const [fit] = planFit(customers, [starter]);
        const exceeding = customers.filter((c) => c.willExceed).length / customers.length;
        const unused = customers.filter((c) => c.underTenth).length / customers.length;
        expect(fit!.recommendation !== undefined).toBe(exceeding > 0.25 || unused > 0.5);
        if (fit!.recommendation) {
          const included = fit!.recommendation.included;
          const { lo, hi } = friendly.around(included);
          expect(lo.eq(included) && hi!.eq(included)).toBe(true);
          const projected = customers.map((c) => c.projected).sort((a, b) => a.comparedTo(b));
          const h = 0.75 * (projected.length - 1);
          const p75 = projected[Math.floor(h)]!.plus(projected[Math.min(Math.floor(h) + 1, projected.length - 1)]!.minus(projected[Math.floor(h)]!).times(h - Math.floor(h)));
          expect(included.gte(p75)).toBe(true);
        }
      }),
    );
  });
});

describe('instants read from bytes', () => {
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  const read = (text: string) => instantFromBytes(bytes(text), 0, text.length);

  it('agree with parseInstant on every form they take, and take the common ones', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const forms = fc.record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      sep: fc.constantFrom('T', 't', ' ', ''),
      hour: fc.integer({ min: 0, max: 24 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.option(fc.integer({ min: 0, max: 60 })),
      fraction: fc.option(fc.stringMatching(/^[0-9]{0,10}$/)),
      zone: fc.constantFrom('', 'Z', 'z', '+01:00', '-05:30', '+0530', '+01', '-23:59', '+24:00', '+01:', ' Z'),
    });
    fc.assert(
      fc.property(forms, (f) => {
        const time = f.sep === '' ? '' : `${f.sep}${pad(f.hour)}:${pad(f.minute)}${f.second === null ? '' : `:${pad(f.second)}${f.fraction === null ? '' : `.${f.fraction}`}`}`;
        const text = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}${time}${f.zone}`;
        const fast = read(text);
        // NaN from the byte reader means "ask parseInstant"; a number must be parseInstant's.
        if (!Number.isNaN(fast)) expect(fast, text).toBe(parseInstant(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['2026-11-01T00:00:00Z', '2026-11-01T00:00:00.123Z', '2026-11-01 12:30', '2026-11-01', '2026-11-01T23:59:59+01:00', '2024-02-29T00:00:00Z']) {
      expect(read(text), text).toBe(parseInstant(text));
    }
    expect(Number.isNaN(read('2026-02-29T00:00:00Z'))).toBe(true);
    // Years below 100 are years, not 1900 + the year (as Date.UTC would have it).
    expect(parseInstant('0099-12-31T00:00:00Z')).toBe(-59011545600000);
    expect(Number.isNaN(parseInstant('2026-02-29T00:00:00Z'))).toBe(true);
  });

  it('read a run of timestamps the same with the cache of the last date and minute as without it', () => {
    // Few dates and minutes, so that most rows repeat the last one; invalid ones (30 February, month 13, hour 24,
    // minute 60, a letter) among them, and minutes that differ in one byte or only in their separator.
    const date = fc.constantFrom('2026-10-01', '2026-10-02', '2026-02-30', '2026-13-01', '2026-1x-01', '2024-02-29', '0001-01-01', '2026-10-0');
    const time = fc.constantFrom(
      ...['', 'T00:00:00Z', 'T23:59:59.999Z', ' 12:30', 'T05:00:00+01:00', 'T25:00:00Z', 'Tx'],
      ...['T12:30:00Z', 'T12:30:59.5Z', 't12:30:01Z', ' 12:30:02', 'T12:31:00Z', 'T13:30:00Z', 'T12:60:00Z', 'T24:30:00Z', 'T1x:30:00Z', 'T12:3', 'T12:30:6'],
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(date, time), { maxLength: 40 }), (rows) => {
        const dates = new DateCache();
        // One buffer with every timestamp in it, as a log's chunk has them.
        const texts = rows.map(([d, t]) => d + t);
        const buf = bytes(texts.join(','));
        let at = 0;
        for (const text of texts) {
          const cached = instantFromBytes(buf, at, at + text.length, dates);
          expect(Object.is(cached, read(text)), text).toBe(true);
          at += text.length + 1;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('count days as Date.UTC does', () => {
    fc.assert(fc.property(fc.integer({ min: -100_000, max: 200_000 }), (days) => {
      const d = new Date(days * 86_400_000);
      expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(days);
    }));
  });
});

describe('ByteKeyMap', () => {
  it('behaves as a Map of the same keys, in insertion order, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 3000 }), (keys) => {
        const map = new ByteKeyMap<number>();
        const reference = new Map<string, number>();
        keys.forEach((key, i) => {
          const buf = Buffer.from(key);
          const name = buf.toString('hex');
          expect(map.get(buf, 0, buf.length)).toBe(reference.get(name));
          if (!reference.has(name)) {
            reference.set(name, i);
            map.set(buf, 0, buf.length, i);
          }
        });
        expect([...map.values()]).toEqual([...reference.values()]);
        expect(map.size).toBe(reference.size);
      }),
      { numRuns: 50 },
    );
  });
});
