// Usage logs of several shapes for the audit benchmark, deterministic: how many
// customers and operations, how much of the traffic one flagged (money-losing)
// operation carries, the order of the columns, timestamps with or without
// milliseconds, and quoted customer ids (which leave the fast path).

import { lines, mulberry32 } from './usage-log.mjs';

export const SHAPES = [
  { name: '2,000 customers, 5 operations', customers: 2_000, operations: 5, flagged: 0.2 },
  { name: '50,000 customers', customers: 50_000, operations: 5, flagged: 0.2 },
  { name: '500 operations', customers: 2_000, operations: 500, flagged: 0.2 },
  { name: 'flagged operation 60% of rows', customers: 2_000, operations: 5, flagged: 0.6 },
  { name: 'columns in another order', customers: 2_000, operations: 5, flagged: 0.2, order: ['customer_id', 'actual_cost', 'operation', 'timestamp', 'credits_consumed'] },
  { name: 'timestamps without milliseconds', customers: 2_000, operations: 5, flagged: 0.2, seconds: true },
  { name: 'every customer_id quoted', customers: 2_000, operations: 5, flagged: 0.2, quoted: true, slow: true },
];

const COLUMNS = ['timestamp', 'customer_id', 'operation', 'credits_consumed', 'actual_cost'];

/** The operations of a shape: op_000 … with 1 to 500 credits and a cost of 10^-4 per credit; op_000 is the flagged one, costing 3× what it earns. */
export function operationsOf(shape) {
  return Array.from({ length: shape.operations }, (_, i) => ({ operation: `op_${String(i).padStart(3, '0')}`, credits: 1 + ((i * 37) % 500) }));
}

/** A costs CSV from which `credits design` makes the shape's table (the flagged operation priced as if cheap). */
export function costsOf(shape) {
  return `operation,cost\n${operationsOf(shape).map((o) => `${o.operation},${(o.credits * 0.0002).toFixed(4)}`).join('\n')}\n`;
}

export function writeShape(shape, rows, write) {
  // A 32-bit generator: a linear congruence worked in doubles loses its low bits (the product passes 2^53), and drew
  // 3,673 distinct customers of the 50,000 asked for.
  const random = mulberry32(17);
  const ops = operationsOf(shape);
  const order = shape.order ?? COLUMNS;
  const out = lines(write);
  out.add(`${order.join(',')}\n`);
  const start = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < rows; i++) {
    const flagged = random() < shape.flagged;
    const op = flagged ? ops[0] : ops[ops.length === 1 ? 0 : 1 + Math.floor(random() * (ops.length - 1))];
    const customer = `cust_${String(1 + Math.floor(random() * shape.customers)).padStart(5, '0')}`;
    // A flagged call costs three times its credits' worth; the others a fifth.
    const cost = ((op.credits * 0.001 * (flagged ? 3 : 0.2) * (0.5 + random())) ).toFixed(6);
    let at = new Date(start + Math.floor((i / rows) * 30 * 86_400_000)).toISOString();
    if (shape.seconds) at = `${at.slice(0, 19)}Z`;
    const fields = { timestamp: at, customer_id: shape.quoted ? `"${customer}"` : customer, operation: op.operation, credits_consumed: String(op.credits), actual_cost: cost };
    out.add(`${order.map((c) => fields[c]).join(',')}\n`);
  }
  out.end();
}
