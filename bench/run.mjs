// Start-up benchmark: wall time of credits commands as ratios to bare
// `node -e 0`, measured in the same run with the runs interleaved so machine
// load affects every contender alike. Prints medians and exits 1 when a
// ratio is over its budget.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'credits.js');
const work = mkdtempSync(join(tmpdir(), 'credits-bench-'));
copyFileSync(join(root, 'fixtures', 'image-api.csv'), join(work, 'image-api.csv'));
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);

const contenders = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'credits --help', args: [bin, '--help'], budget: 1.5 },
  { name: 'credits design image-api.csv', args: [bin, 'design', 'image-api.csv'], budget: 2.5 },
];

function time(args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: work, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const samples = contenders.map(() => []);
for (let round = 0; round < rounds + 3; round++) {
  contenders.forEach((c, i) => {
    const ms = time(c.args);
    if (round >= 3) samples[i].push(ms); // the first rounds warm the disk cache
  });
}
rmSync(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(samples[0]);
let failed = false;
console.log(`start-up, median of ${rounds} runs each`);
contenders.forEach((c, i) => {
  const ms = median(samples[i]);
  const ratio = ms / baseline;
  const verdict = c.budget === undefined ? 'peer' : ratio <= c.budget ? `ok (budget ${c.budget}×)` : `OVER budget ${c.budget}×`;
  if (c.budget !== undefined && ratio > c.budget) failed = true;
  console.log(`  ${c.name.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}×  ${verdict}`);
});
process.exitCode = failed ? 1 : 0;
