// Line coverage of src/, counting both the tests that import src/ and the
// end-to-end tests that spawn the built binary: the binary is built with
// source maps, each child writes its V8 coverage, c8 maps it back to src/,
// and a line counts as covered when either kind of test ran it (the two
// converters number statements differently, so lines are what they share).
// Fails below 90% of the lines of src/core or 80% of all of src/.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import libCoverage from 'istanbul-lib-coverage';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'coverage');
const THRESHOLDS = { core: 90, all: 80 };

function step(command, args, env = {}) {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

rmSync(out, { recursive: true, force: true });
step(process.execPath, ['scripts/build.mjs'], { CREDITS_SOURCEMAP: '1' });
try {
  step('npx', ['vitest', 'run', '--coverage.enabled', '--coverage.provider=v8', '--coverage.include=src/**', '--coverage.reporter=json', '--coverage.reporter=html', `--coverage.reportsDirectory=${join(out, 'in-process')}`], {
    CREDITS_CHILD_COVERAGE: join(out, 'children-raw'),
  });
  step('npx', ['c8', 'report', '--temp-directory', join(out, 'children-raw'), '--reporter=json', '--reporter=html', '--reports-dir', join(out, 'children'), '--include', 'src/**', '--exclude-after-remap']);
} finally {
  // The build without source maps is the one that ships.
  step(process.execPath, ['scripts/build.mjs']);
}

/** file → line → covered, over both maps. */
const lines = new Map();
for (const part of ['in-process', 'children']) {
  const map = libCoverage.createCoverageMap(JSON.parse(readFileSync(join(out, part, 'coverage-final.json'), 'utf8')));
  for (const file of map.files()) {
    const name = relative(root, file);
    if (!name.startsWith('src/') || name.endsWith('.d.ts')) continue;
    const seen = lines.get(name) ?? new Map();
    for (const [line, hits] of Object.entries(map.fileCoverageFor(file).getLineCoverage())) seen.set(line, (seen.get(line) ?? false) || hits > 0);
    lines.set(name, seen);
  }
}

const totals = new Map();
const add = (key, covered, total) => {
  const t = totals.get(key) ?? { covered: 0, total: 0 };
  totals.set(key, { covered: t.covered + covered, total: t.total + total });
};
const pct = ({ covered, total }) => (total === 0 ? 100 : Math.round((covered / total) * 10000) / 100);
console.log(`\n${'file'.padEnd(34)} ${'lines'.padStart(7)}  uncovered`);
for (const [file, seen] of [...lines].sort(([a], [b]) => a.localeCompare(b))) {
  const covered = [...seen.values()].filter(Boolean).length;
  add('all', covered, seen.size);
  add(dirname(file), covered, seen.size);
  const missing = [...seen].filter(([, c]) => !c).map(([l]) => l);
  console.log(`${file.padEnd(34)} ${`${pct({ covered, total: seen.size })}%`.padStart(7)}  ${missing.slice(0, 12).join(',')}${missing.length > 12 ? ',…' : ''}`);
}
for (const dir of [...totals.keys()].filter((k) => k !== 'all').sort()) console.log(`${`${dir}/`.padEnd(34)} ${`${pct(totals.get(dir))}%`.padStart(7)}`);
const core = pct(totals.get('src/core'));
const all = pct(totals.get('all'));
console.log(`\nlines: src/core ${core}% (at least ${THRESHOLDS.core}%), all of src ${all}% (at least ${THRESHOLDS.all}%)`);
console.log('HTML: coverage/in-process/index.html (tests importing src/), coverage/children/index.html (the spawned binary)');
process.exitCode = core >= THRESHOLDS.core && all >= THRESHOLDS.all ? 0 : 1;
