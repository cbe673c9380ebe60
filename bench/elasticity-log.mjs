// A usage history whose price elasticities are known: four operations, three
// versions of the credit table (two price changes), customers who join over
// time and differ in how much they call, and overall growth. Calls respond to
// each operation's effective price with the elasticity given. Deterministic
// for a seed. Used by the tests of `credits optimize` and the README example.
//
//   node bench/elasticity-log.mjs DIR [SEED]   writes DIR/usage.csv and DIR/v1.yaml, v2.yaml, v3.yaml

/** Operations: credits in each version, and the elasticity of their calls. ping never changes: a control. */
import { lines, mulberry32 } from './usage-log.mjs';

export const HISTORY = {
  start: Date.parse('2026-01-01T00:00:00Z'),
  days: 120,
  /** When each version takes effect, in days from the start. */
  versions: [0, 40, 80],
  perCredit: '0.001',
  operations: [
    { operation: 'search', credits: [10, 15, 15], cost: '0.004', mix: 5, elasticity: -0.4 },
    { operation: 'render', credits: [20, 20, 15], cost: '0.006', mix: 2, elasticity: -1.8 },
    { operation: 'export', credits: [5, 5, 10], cost: '0.001', mix: 1, elasticity: 0 },
    { operation: 'ping', credits: [1, 1, 1], cost: '0.0002', mix: 8, elasticity: 0 },
  ],
};

/** A standard normal draw (Box–Muller). */
function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A Poisson draw (Knuth's method; the means here are small). */
function poisson(random, mean) {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/**
 * Calls per customer, day and operation. `visit(customer, day, operation, calls)`
 * receives each non-zero count, in time order. Returns the number of calls.
 */
export function generateHistory({ seed = 1, customers = 300, elasticities, visit }) {
  const random = mulberry32(seed);
  const ops = HISTORY.operations.map((o, i) => ({ ...o, elasticity: elasticities?.[i] ?? o.elasticity }));
  const people = Array.from({ length: customers }, () => ({
    joins: Math.floor(random() * 60),
    intensity: Math.exp(0.5 * normal(random)),
    mix: ops.map(() => Math.exp(0.3 * normal(random))),
  }));
  let total = 0;
  for (let day = 0; day < HISTORY.days; day++) {
    const version = HISTORY.versions.filter((v) => v <= day).length - 1;
    const growth = Math.exp(0.004 * day);
    for (let c = 0; c < customers; c++) {
      const person = people[c];
      if (day < person.joins || random() > 0.6) continue;
      ops.forEach((o, i) => {
        const response = (o.credits[version] / o.credits[0]) ** o.elasticity;
        const calls = poisson(random, person.intensity * person.mix[i] * o.mix * growth * response);
        if (calls > 0) {
          visit(c, day, i, calls);
          total += calls;
        }
      });
    }
  }
  return total;
}

/** A credit table of one version, as YAML. */
export function tableText(version) {
  const lines = [
    'version: 1',
    'currency: USD',
    'unit: { cost_per_credit: 0.0002 }',
    'price:',
    `  per_credit: ${HISTORY.perCredit}`,
    '  pack: { credits: 1000, price: 1 }',
    '  display: $1 per 1,000 credits',
    '  target_margin: 0.7',
    '  basis: worst',
    'design: { ladder: friendly, rounding: nearest, stat: mean, floor: 0.5, rates: {}, multipliers: {} }',
    'operations:',
    ...HISTORY.operations.map((o) => `  ${o.operation}: { credits: ${o.credits[version]}, cost: ${o.cost} }`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One row per call: timestamp,customer_id,operation (calls of a day spread over its hours). */
export function writeHistory({ seed = 1, customers = 300, elasticities, write }) {
  const out = lines(write);
  out.add('timestamp,customer_id,operation\n');
  const total = generateHistory({
    seed,
    customers,
    elasticities,
    visit(customer, day, op, calls) {
      const base = HISTORY.start + day * 86_400_000;
      for (let k = 0; k < calls; k++) {
        const at = new Date(base + Math.floor(((k + 0.5) / calls) * 86_400_000)).toISOString();
        out.add(`${at},c${String(customer).padStart(4, '0')},${HISTORY.operations[op].operation}\n`);
      }
    },
  });
  out.end();
  return total;
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { mkdirSync, openSync, writeSync, closeSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = process.argv[2] ?? '.';
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'usage.csv'), 'w');
  writeHistory({ seed: Number(process.argv[3] ?? 1), customers: 150, write: (text) => writeSync(fd, text) });
  closeSync(fd);
  HISTORY.versions.forEach((_, v) => writeFileSync(join(dir, `v${v + 1}.yaml`), tableText(v)));
}
