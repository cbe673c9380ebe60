import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Decimal from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, credits, suiteDir, tempDir } from '../helpers.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/engines.js';

/**
 * credits usage on logs whose totals are known by construction: each
 * customer's credits are summed here as the log is written, and projections
 * are computed here with decimal.js from the same figures, not by the code
 * under test.
 */
const dir = suiteDir();
const NOW = '2026-11-21T12:00:00Z';
/** Of November's 30 days, 20.5 have passed at NOW. */
const ELAPSED = new Decimal(20.5).dividedBy(30);

interface Call {
  at: string;
  customer: string;
  operation: string;
  credits?: number;
}

function log(calls: readonly Call[], withCredits = true): string {
  const head = withCredits ? 'timestamp,customer_id,operation,credits_consumed' : 'timestamp,customer_id,operation';
  return `${[head, ...calls.map((c) => [c.at, c.customer, c.operation, ...(withCredits ? [String(c.credits)] : [])].join(','))].join('\n')}\n`;
}

/** A deterministic November: customers with known credits, including one that crosses Starter's 50,000 on the 15th. */
function november(): { calls: Call[]; totals: Map<string, number> } {
  const calls: Call[] = [];
  const totals = new Map<string, number>();
  const add = (day: number, hour: number, customer: string, operation: string, credits: number) => {
    const at = `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:15:00Z`;
    calls.push({ at, customer, operation, credits });
    // What counts: calls up to NOW (initech's call at 12:15 on the 21st does not).
    if (Date.parse(at) <= Date.parse(NOW)) totals.set(customer, (totals.get(customer) ?? 0) + credits);
  };
  for (let day = 1; day <= 21; day++) {
    add(day, 9, 'acme', 'ai_analysis', 100 * day);
    add(day, 10, 'acme', 'image_upload', 7);
    add(day, 11, 'globex', 'video_processing', day <= 15 ? 2500 * 2 : 2500 * 3);
    add(day, 12, 'initech', 'basic_resize', 5);
  }
  // A call after NOW, which must not count.
  calls.push({ at: '2026-11-21T18:00:00Z', customer: 'acme', operation: 'ai_analysis', credits: 100000 });
  // October, which must not count either.
  calls.push({ at: '2026-10-31T23:59:59Z', customer: 'acme', operation: 'ai_analysis', credits: 100000 });
  return { calls, totals };
}

beforeAll(() => {
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  writeFileSync(join(dir, 'november.csv'), log(november().calls));
  writeFileSync(join(dir, 'plans.csv'), 'customer_id,plan\nacme,Starter\nglobex,Starter\ninitech,Free\n');
});

const run = (...args: string[]) => credits(args, { cwd: dir });
const json = (...args: string[]) => {
  const result = run(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

describe('credits usage: the figures', () => {
  it('sums each customer up to --now and projects to the month end', () => {
    const { totals } = november();
    const doc = json('usage', 'november.csv', '--customer-plans', 'plans.csv', '--now', NOW);
    expect(doc).toMatchObject({ month: '2026-11', now: '2026-11-21T12:00:00.000Z', credits_from: 'log' });
    expect(new Decimal(doc.elapsed).toFixed(6)).toBe(ELAPSED.toFixed(6));
    for (const c of doc.customers) {
      const used = totals.get(c.customer)!;
      expect(c.used, c.customer).toBe(used);
      expect(new Decimal(c.projected).toFixed(6), c.customer).toBe(new Decimal(used).dividedBy(ELAPSED).toDecimalPlaces(6).toFixed(6));
    }
    expect(doc.customers.map((c: { customer: string }) => c.customer)).toEqual(['globex', 'acme', 'initech']);
  });

  it('shows a customer crossing the plan mid-month as over it, with the overage at the table price', () => {
    const { totals } = november();
    const used = totals.get('globex')!; // 15 × 5,000 + 6 × 7,500 = 120,000
    expect(used).toBe(120_000);
    const doc = json('usage', 'november.csv', '--customer', 'globex', '--plan', 'Starter', '--now', NOW);
    const [globex] = doc.customers;
    const projected = new Decimal(used).dividedBy(ELAPSED);
    expect(globex).toMatchObject({ plan: 'Starter', included: 50000, will_exceed: true, used_share: 2.4 });
    expect(new Decimal(globex.projected_overage_money).toFixed(6)).toBe(projected.minus(50000).times('0.001').toDecimalPlaces(6).toFixed(6));
    const text = run('usage', 'november.csv', '--customer', 'globex', '--plan', 'Starter', '--now', NOW).stdout;
    expect(text).toContain('Used: 120,000 / 50,000 credits (240%)');
    expect(text).toContain(`Projected end-of-month: ${projected.toDecimalPlaces(0).toNumber().toLocaleString('en-US')} credits`);
    expect(text).toContain(`over plan by ${projected.minus(50000).toDecimalPlaces(0).toNumber().toLocaleString('en-US')} credits, ≈ $${projected.minus(50000).times('0.001').toDecimalPlaces(2).toFixed(2)} overage`);
    // Before the 11th it was still within the plan: 10 × 5,000 = 50,000 used on the 10th at 11:15.
    const early = json('usage', 'november.csv', '--customer', 'globex', '--plan', 'Starter', '--now', '2026-11-10T12:00:00Z').customers[0];
    expect(early.used).toBe(50_000);
    expect(early.will_exceed).toBe(true); // 50,000 in a third of the month projects to 3 × that
  });

  it('draws the dashboard: used / included, a bar, the breakdown largest first, the projection', () => {
    const text = run('usage', 'november.csv', '--customer', 'acme', '--plan', 'Pro', '--now', NOW).stdout;
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^┌─+┐$/);
    expect(text).toContain('acme · Pro · 2026-11 (to 2026-11-21T12:00:00.000Z)');
    // 100 × (1 + … + 21) = 23,100 and 21 × 7 = 147.
    expect(text).toContain('Used: 23,247 / 250,000 credits (9.3%)');
    const bar = lines.find((l) => l.includes('░'))!;
    expect(bar).toMatch(/^│ █{7}░+ │$/);
    expect(text.indexOf('ai_analysis')).toBeLessThan(text.indexOf('image_upload'));
    expect(text).toMatch(/ai_analysis\s+23,100 credits\s+99\.4%/);
    expect(text).toContain('(within plan)');
  });

  it('groups the operations past the fifth as "other"', () => {
    const calls: Call[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((op, i) => ({ at: '2026-11-02T00:00:00Z', customer: 'x', operation: op, credits: 70 - i * 10 }));
    writeFileSync(join(dir, 'seven.csv'), log(calls));
    const text = run('usage', 'seven.csv', '--customer', 'x').stdout;
    expect(text).toMatch(/other \(2 operations\)\s+30 credits/);
    expect(text).not.toMatch(/\bf\s+20 credits/);
  });

  it('takes the month from --month, across a month boundary and offsets', () => {
    const calls: Call[] = [
      { at: '2026-10-31T23:59:59Z', customer: 'a', operation: 'image_upload', credits: 1 },
      { at: '2026-11-01T00:30:00+01:00', customer: 'a', operation: 'image_upload', credits: 10 }, // 23:30 UTC on Oct 31
      { at: '2026-11-01T00:00:00Z', customer: 'a', operation: 'image_upload', credits: 100 },
      { at: '2026-11-01 00:00:01', customer: 'a', operation: 'image_upload', credits: 1000 }, // no offset: UTC
    ];
    writeFileSync(join(dir, 'boundary.csv'), log(calls));
    const october = json('usage', 'boundary.csv', '--month', '2026-10');
    expect(october.customers[0].used).toBe(11);
    expect(october.now).toBe('2026-10-31T23:59:59.000Z');
    const november = json('usage', 'boundary.csv', '--month', '2026-11');
    expect(november.customers[0].used).toBe(1100);
    // Without --month, the month of the latest call.
    expect(json('usage', 'boundary.csv').month).toBe('2026-11');
    // A month that is over projects to what was used.
    const past = json('usage', 'boundary.csv', '--month', '2026-10', '--now', '2026-11-05T00:00:00Z');
    expect(past.elapsed).toBe(1);
    expect(past.customers[0].projected).toBe(11);
  });

  it("charges a log without credits by the table, with its time modifier at each call's hour", () => {
    const calls: Call[] = [
      { at: '2026-11-03T03:00:00Z', customer: 'a', operation: 'ai_analysis' }, // off_peak: floor(100 × 0.7) = 70
      { at: '2026-11-03T12:00:00Z', customer: 'a', operation: 'ai_analysis' }, // 100
      { at: '2026-11-03T06:59:59Z', customer: 'a', operation: 'image_upload' }, // floor(1 × 0.7) = 0
    ];
    writeFileSync(join(dir, 'no-credits.csv'), log(calls, false));
    const doc = json('usage', 'no-credits.csv', '--customer', 'a');
    expect(doc.credits_from).toBe('table');
    expect(doc.customers[0].used).toBe(170);
    expect(doc.customers[0].operations).toEqual([
      { operation: 'ai_analysis', calls: 2, credits: 170 },
      { operation: 'image_upload', calls: 1, credits: 0 },
    ]);
  });

  it('recommends more included credits when over 25% of a plan exceed it, on the friendly ladder', () => {
    // Four Starter customers projecting 10k, 60k, 80k and 120k over a whole (past) month: 3 of 4 exceed 50,000.
    const calls: Call[] = [10_000, 60_000, 80_000, 120_000].map((credits, i) => ({ at: '2026-10-15T00:00:00Z', customer: `c${i}`, operation: 'ai_analysis', credits }));
    writeFileSync(join(dir, 'fit.csv'), log(calls));
    const doc = json('usage', 'fit.csv', '--plan', 'Starter', '--now', '2026-11-01T00:00:00Z', '--month', '2026-10');
    const [fit] = doc.plan_fit;
    expect(fit).toMatchObject({ plan: 'Starter', customers: 4, exceeding: 0.75, under_tenth: 0 });
    // p75 of 10k, 60k, 80k, 120k: 80k + 0.25 × 40k = 90,000, up the friendly ladder: 100,000.
    expect(fit.recommendation).toEqual({ reason: 'exceed', included: 100000, text: 'Starter: 75% of customers exceed 50,000 credits; included credits at p75 of projected use: 100,000' });
    expect(fit.median_share).toBe(1.4);
    const text = run('usage', 'fit.csv', '--plan', 'Starter', '--month', '2026-10', '--now', '2026-11-01T00:00:00Z').stdout;
    expect(text).toContain('→ Starter: 75% of customers exceed 50,000 credits; included credits at p75 of projected use: 100,000');
    expect(text).toContain('Advice only: credits usage never edits the table.');
    // And fewer when most use under 10% of it.
    const low: Call[] = [100, 200, 300, 40_000].map((credits, i) => ({ at: '2026-10-15T00:00:00Z', customer: `c${i}`, operation: 'ai_analysis', credits }));
    writeFileSync(join(dir, 'low.csv'), log(low));
    const unused = json('usage', 'low.csv', '--plan', 'Pro', '--month', '2026-10', '--now', '2026-11-01T00:00:00Z').plan_fit[0];
    expect(unused.recommendation.reason).toBe('unused');
    // p75 of 100, 200, 300, 40,000: 300 + 0.25 × 39,700 = 10,225, up the friendly ladder: 25,000.
    expect(unused.recommendation.text).toBe('Pro: 75% of customers use under 10% of 250,000 credits; included credits at p75 of projected use: 25,000');
  });

  it('reads a log from stdin and writes -o atomically', () => {
    const piped = credits(['usage', '-', '--now', NOW, '--json'], { cwd: dir, input: readFileSync(join(dir, 'november.csv')) });
    expect(JSON.parse(piped.stdout).customers).toHaveLength(3);
    const written = run('usage', 'november.csv', '--format', 'markdown', '-o', 'usage.md', '--customer-plans', 'plans.csv');
    expect(written.stdout).toBe('');
    expect(readFileSync(join(dir, 'usage.md'), 'utf8')).toContain('| globex | Starter | 120,000 | 50,000 | 240% |');
  });
});

describe('credits usage on a log the reader threads share', () => {
  it('gives what the in-order reader gives from stdin: every month, customer and operation merged exactly', () => {
    // Over 16 MiB, so a file is read by threads (on a machine with two CPUs) and stdin in order. Two months; ids that differ only
    // by spaces (one customer), and so do operations; credits of more places than the reader's units, and calls large enough to spill past them.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const lines = ['timestamp,customer_id,operation,credits_consumed'];
    const rows = 330_000;
    for (let i = 0; i < rows; i++) {
      const at = new Date(Date.UTC(2026, 9, 1) + Math.floor((i / rows) * 61 * 86_400_000)).toISOString();
      const n = 1 + Math.floor(random() * 3000);
      const pick = random();
      // One customer's calls of 10^9 credits sum past the units a cell holds in a Number; 4·10^9 is past them in one call.
      const whale = pick < 0.002;
      // Every 97th customer's id is written both ways, all through the file, so that each thread meets both spellings.
      const customer = whale ? 'cust_1' : n % 97 === 0 && random() < 0.5 ? ` cust_${n} ` : `cust_${n}`;
      const operation = whale ? 'ai_analysis' : ['basic_resize', 'ai_analysis', 'video_processing', 'image_upload', ' image_upload '][Math.floor(random() * 5)]!;
      const credits = whale ? '1000000000' : pick < 0.003 ? '4000000000' : pick < 0.01 ? (random() * 10).toFixed(9) : String(1 + Math.floor(random() * 500));
      lines.push(`${at},${customer},${operation},${credits}`);
    }
    const work = tempDir();
    copyFileSync(join(dir, 'credits.yaml'), join(work, 'credits.yaml'));
    const text = `${lines.join('\n')}\n`;
    writeFileSync(join(work, 'big.csv'), text);
    expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
    const same = (flags: string[]) => {
      const file = credits(['usage', 'big.csv', ...flags, '--json'], { cwd: work });
      const piped = credits(['usage', '-', ...flags, '--json'], { cwd: work, input: text });
      expect(file.code, file.stderr).toBe(0);
      expect(piped.code, piped.stderr).toBe(0);
      const [a, b] = [JSON.parse(file.stdout), JSON.parse(piped.stdout)];
      expect(a.log).toBe('big.csv');
      expect({ ...a, log: '<stdin>' }).toEqual(b);
      return a;
    };
    const november = same(['--now', '2026-11-20T08:00:00Z']);
    const october = same(['--month', '2026-10']);
    expect(october.customers.length).toBeGreaterThan(1000);
    // A customer whose id is also written with spaces around it: one customer, whichever thread met which spelling.
    const padded = (november.customers as { customer: string }[]).find((c) => Number(c.customer.slice(5)) % 97 === 0)!.customer;
    expect(same(['--now', '2026-11-20T08:00:00Z', '--customer', padded]).customers).toHaveLength(1);
  }, 60_000);
});

describe('credits usage: a document of many customers, its rows written on two threads', () => {
  it('is every customer exactly, in order, whichever thread wrote which row, and the same when the second thread dies', () => {
    // 25,000 customers, past the 20,000 from which rows are written on two threads; names of other scripts, quotes and
    // commas among them. Half of October has passed at --now, so each projection is twice what was used.
    const lines = ['timestamp,customer_id,operation,credits_consumed'];
    const used = new Map<string, { calls: number; credits: Decimal }>();
    const start = Date.UTC(2026, 9, 1);
    for (let i = 0; i < 25_000; i++) {
      const name = i % 1000 === 7 ? `kunde_ü_${i}` : i % 997 === 3 ? `acme "${i}", ltd` : `cust_${i}`;
      const field = name.includes('"') ? `"${name.replaceAll('"', '""')}"` : name;
      for (let k = 0; k < 1 + (i % 3); k++) {
        const credits = k === 2 ? '0.125' : String(1 + ((i * 37 + k * 11) % 500));
        lines.push(`${new Date(start + ((i * 7919 + k * 104_729) % (15 * 86_400_000))).toISOString()},${field},basic_resize,${credits}`);
        const seen = used.get(name) ?? { calls: 0, credits: new Decimal(0) };
        used.set(name, { calls: seen.calls + 1, credits: seen.credits.plus(credits) });
      }
    }
    const work = tempDir();
    copyFileSync(join(dir, 'credits.yaml'), join(work, 'credits.yaml'));
    writeFileSync(join(work, 'many.csv'), `${lines.join('\n')}\n`);
    const flags = ['usage', 'many.csv', '--month', '2026-10', '--now', '2026-10-16T12:00:00Z', '--json'];
    const run = credits(flags, { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = [...used]
      .sort(([a, x], [b, y]) => y.credits.comparedTo(x.credits) || byName(a, b))
      .map(([customer, { calls, credits }]) => ({
        customer,
        plan: null,
        included: null,
        calls,
        used: credits.toNumber(),
        projected: credits.times(2).toNumber(),
        used_share: null,
        projected_share: null,
        projected_overage: null,
        projected_overage_money: null,
        will_exceed: false,
        under_tenth: false,
      }));
    expect(JSON.parse(run.stdout).customers).toEqual(expected);
    // The same bytes to a file, and from this thread alone when the second one dies without a word.
    expect(credits([...flags, '-o', 'many.json'], { cwd: work }).code).toBe(0);
    expect(readFileSync(join(work, 'many.json'), 'utf8')).toBe(run.stdout);
    const alone = credits(flags, { cwd: work, env: { CREDITS_TEST_ROWS_WORKER_EXIT: '1' } });
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toBe(run.stdout);
  }, 60_000);
});

describe('credits usage: bad input is exit 2 with file, line and column', () => {
  const cases: [string, string[], string | RegExp][] = [
    ['an unknown customer', ['usage', 'november.csv', '--customer', 'nobody'], '--customer nobody: no calls in 2026-11 in november.csv'],
    ['an unknown plan', ['usage', 'november.csv', '--plan', 'Gold'], '--plan Gold: credits.yaml has no such plan (plans: Free, Starter, Pro, Team, Indie)'],
    ['a mapping to an unknown plan', ['usage', 'november.csv', '--customer-plans', 'bad-plans.csv'], 'bad-plans.csv:3:2: plan "Gold" is not in credits.yaml (plans: Free, Starter, Pro, Team, Indie)'],
    ['a malformed mapping file', ['usage', 'november.csv', '--customer-plans', 'no-plan-column.csv'], 'no-plan-column.csv:1: no plan column (expected one of plan, plan_name)'],
    ['both plan flags', ['usage', 'november.csv', '--plan', 'Pro', '--customer-plans', 'plans.csv'], '--plan and --customer-plans both say which plan customers are on; give one'],
    ['an empty window', ['usage', 'november.csv', '--month', '2025-01'], 'november.csv: no calls in 2025-01; nothing to show'],
    ['a bad month', ['usage', 'november.csv', '--month', '2026-13'], '--month takes a month as YYYY-MM, such as 2026-11, got "2026-13"'],
    ['--now before the month', ['usage', 'november.csv', '--month', '2026-11', '--now', '2026-10-01T00:00:00Z'], 'november.csv: no calls in 2026-11 up to 2026-10-01T00:00:00.000Z; nothing to show'],
    ['a bad timestamp', ['usage', 'bad-time.csv'], 'bad-time.csv:3:1: timestamp: "yesterday" is not an ISO 8601 date-time'],
    ['a negative credit', ['usage', 'bad-credits.csv'], 'bad-credits.csv:2:4: credits_consumed: "-5" is negative'],
    ['an operation the table lacks, without credits', ['usage', 'unknown-op.csv'], 'unknown-op.csv:2:3: operation: "teleport" is not in the table'],
    ['a log without a customer column', ['usage', 'no-customer.csv'], 'no-customer.csv:1: no customer column'],
    ['a missing log', ['usage', 'nope.csv'], 'nope.csv'],
  ];
  beforeAll(() => {
    writeFileSync(join(dir, 'bad-plans.csv'), 'customer_id,plan\nacme,Starter\nglobex,Gold\n');
    writeFileSync(join(dir, 'no-plan-column.csv'), 'customer_id,tier\nacme,Starter\n');
    writeFileSync(join(dir, 'bad-time.csv'), 'timestamp,customer_id,operation,credits_consumed\n2026-11-01T00:00:00Z,a,x,1\nyesterday,a,x,1\n');
    writeFileSync(join(dir, 'bad-credits.csv'), 'timestamp,customer_id,operation,credits_consumed\n2026-11-01T00:00:00Z,a,x,-5\n');
    writeFileSync(join(dir, 'unknown-op.csv'), 'timestamp,customer_id,operation\n2026-11-01T00:00:00Z,a,teleport\n');
    writeFileSync(join(dir, 'no-customer.csv'), 'timestamp,operation,credits_consumed\n2026-11-01T00:00:00Z,x,1\n');
  });
  for (const [what, args, message] of cases) {
    it(what, () => {
      const result = run(...args, '-o', 'out.txt');
      expect(result.code, result.stderr).toBe(2);
      if (typeof message === 'string') expect(result.stderr).toContain(message);
      else expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, 'out.txt'))).toBe(false);
    });
  }
});

const browser = hasChromium;
if (!browser) console.warn(`SKIPPED: the usage page is not rendered in a browser, since there is no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

describe.skipIf(!browser)('credits usage --format html in headless Chromium', () => {
  it('renders every dashboard bar and plan-fit chart with a size, offline and without scripts', async () => {
    const work = tempDir();
    copyFileSync(join(dir, 'credits.yaml'), join(work, 'credits.yaml'));
    copyFileSync(join(dir, 'november.csv'), join(work, 'november.csv'));
    copyFileSync(join(dir, 'plans.csv'), join(work, 'plans.csv'));
    expect(credits(['usage', 'november.csv', '--customer-plans', 'plans.csv', '--now', NOW, '--format', 'html', '-o', 'usage.html'], { cwd: work }).code).toBe(0);
    const page = readFileSync(join(work, 'usage.html'), 'utf8');
    expect(page).not.toMatch(/<script|https?:\/\//i);
    const chrome = await launchChromium();
    try {
      const tab = await chrome.newPage({ viewport: { width: 1000, height: 1400 }, javaScriptEnabled: false });
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      await tab.goto(pathToFileURL(join(work, 'usage.html')).href);
      const charts = await tab.locator('svg').evaluateAll((svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return { kind: svg.getAttribute('class'), width: box.width, height: box.height, marks: svg.querySelectorAll('rect').length };
        }),
      );
      // Three customers' bars, and one chart per plan with customers (Starter, Free).
      expect(charts.filter((c) => c.kind === 'bar')).toHaveLength(3);
      expect(charts.filter((c) => c.kind === 'fit')).toHaveLength(2);
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(100);
        expect(chart.height).toBeGreaterThan(10);
        expect(chart.marks).toBeGreaterThan(0);
      }
      expect(await tab.locator('body').innerText()).toContain('Used: 120,000 / 50,000 credits (240%)');
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await chrome.close();
    }
  });
});
