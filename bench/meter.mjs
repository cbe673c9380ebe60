// The runtime meter on an API's hot path, against a plain Map.get of the same
// operations measured in the same process, interleaved. Prints calls per
// second and ratios; returns whether every ratio is within its budget.
import { createMeter, loadTable } from '../dist/lib/index.js';

const CALLS = 2_000_000;

function timeLoop(fn) {
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < CALLS; i++) sink += fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === -1) console.log(sink); // keep the loop from being optimised away
  return ns / CALLS;
}

export async function benchMeter(tablePath, rounds = 7) {
  const table = await loadTable(tablePath);
  const operations = Object.keys(table.operations);
  const map = new Map(operations.map((op) => [op, table.operations[op].credits.toNumber()]));
  const plain = createMeter({ ...table, modifiers: [] });
  const timeOnly = createMeter({ ...table, modifiers: (table.modifiers ?? []).filter((m) => m.kind === 'time') });
  const full = createMeter(table);
  const ats = Array.from({ length: 24 }, (_, h) => ({ at: new Date(Date.UTC(2026, 10, 1, h)) }));
  const contexts = Array.from({ length: 64 }, (_, i) => ({ at: ats[i % 24].at, load: (i % 10) / 10, monthlyCommitment: (i % 4) * 400_000 }));
  const op = (i) => operations[i % operations.length];
  const contenders = [
    { name: 'Map.get (peer)', fn: (i) => map.get(op(i)) },
    { name: 'meter.credits, no modifier', fn: (i) => plain.credits(op(i)), budget: 3 },
    { name: 'meter.credits, time modifier', fn: (i) => timeOnly.credits(op(i), ats[i % 24]) },
    { name: 'meter.credits, all three kinds', fn: (i) => full.credits(op(i), contexts[i & 63]), budget: 10 },
  ];
  const samples = contenders.map(() => []);
  for (let round = 0; round < rounds + 2; round++) {
    contenders.forEach((c, i) => {
      const ns = timeLoop(c.fn);
      if (round >= 2) samples[i].push(ns);
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(samples[0]);
  let ok = true;
  console.log(`meter, ${CALLS.toLocaleString('en')} calls, median of ${rounds} rounds`);
  contenders.forEach((c, i) => {
    const ns = median(samples[i]);
    const ratio = ns / base;
    const within = c.budget === undefined || ratio <= c.budget;
    if (!within) ok = false;
    const verdict = c.budget === undefined ? (i === 0 ? 'peer' : '') : within ? `ok (budget ${c.budget}×)` : `OVER budget ${c.budget}×`;
    console.log(`  ${c.name.padEnd(34)} ${ns.toFixed(1).padStart(7)} ns/call  ${(1e9 / ns / 1e6).toFixed(1).padStart(6)}M calls/s  ${ratio.toFixed(2)}×  ${verdict}`);
  });
  return ok;
}
