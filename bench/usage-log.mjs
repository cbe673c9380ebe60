// Writes a synthetic usage log for the worked example's operations, and
// returns its exact per-operation totals, so tests and benchmarks can check an
// audit against figures known in advance. Deterministic for a seed.

export const OPERATIONS = [
  { operation: 'image_upload', credits: 1, weight: 50, micros: [150, 250] },
  { operation: 'basic_resize', credits: 5, weight: 25, micros: [600, 1000] },
  { operation: 'ai_analysis', credits: 100, weight: 12, micros: [12000, 18000] },
  { operation: 'background_removal', credits: 250, weight: 8, micros: [30000, 50000] },
  { operation: 'video_processing', credits: 2500, weight: 5, micros: [400000, 600000] },
];

/** The customer whose long videos make video_processing lose money. */
export const WHALE = 'cust_whale';

/** A small deterministic generator of numbers in [0, 1) (mulberry32). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines gathered into pieces of about 64 KB for `write`; `end()` writes the rest. */
export function lines(write) {
  let buffer = '';
  return {
    add(line) {
      buffer += line;
      if (buffer.length > 1 << 16) {
        write(buffer);
        buffer = '';
      }
    },
    end() {
      write(buffer);
      buffer = '';
    },
  };
}

const micros = (n) => `${Math.floor(n / 1e6)}.${String(n % 1e6).padStart(6, '0')}`;

/**
 * rows: how many calls; write(text): receives the CSV in pieces; now: the end
 * of the 30 days the calls spread over; customers: how many (besides the whale). Returns totals per operation, with
 * cost in micro-dollars as BigInt, and per-customer costs.
 */
export function generateUsage({ rows, seed = 1, now = Date.parse('2026-11-01T00:00:00Z'), write, whaleShare = 0.02, customers = 500 }) {
  const random = mulberry32(seed);
  const totalWeight = OPERATIONS.reduce((n, o) => n + o.weight, 0);
  const totals = Object.fromEntries(OPERATIONS.map((o) => [o.operation, { calls: 0, credits: 0, costMicros: 0n, customers: {} }]));
  const start = now - 30 * 86_400_000;
  const out = lines(write);
  out.add('timestamp,customer_id,operation,actual_cost,credits_consumed\n');
  for (let i = 0; i < rows; i++) {
    let pick = random() * totalWeight;
    const op = OPERATIONS.find((o) => (pick -= o.weight) < 0) ?? OPERATIONS[0];
    const whale = op.operation === 'video_processing' && random() < whaleShare * 10;
    const customer = whale ? WHALE : `cust_${String(1 + Math.floor(random() * customers)).padStart(4, '0')}`;
    // The whale's videos are long: ten times the usual cost.
    const [lo, hi] = op.micros;
    const cost = Math.floor((lo + random() * (hi - lo)) * (whale ? 10 : 1));
    const at = new Date(start + Math.floor((i / rows) * 30 * 86_400_000)).toISOString();
    out.add(`${at},${customer},${op.operation},${micros(cost)},${op.credits}\n`);
    const t = totals[op.operation];
    t.calls++;
    t.credits += op.credits;
    t.costMicros += BigInt(cost);
    t.customers[customer] = (t.customers[customer] ?? 0n) + BigInt(cost);
  }
  out.end();
  return totals;
}

// `node bench/usage-log.mjs ROWS [SEED] > usage.csv` writes a log on stdout.
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  generateUsage({ rows, seed, write: (text) => process.stdout.write(text) });
}
