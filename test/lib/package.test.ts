import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build helper is plain JavaScript
import { validatorPlugin } from '../../scripts/table-validator.mjs';
import { FIXTURES, ROOT, tempDir } from '../helpers.js';

describe('the library as a package', () => {
  it('loads none of the command line: commander, inquirer, chalk, cli-table3, csv-parse, pg', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'src', 'lib', 'index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      plugins: [validatorPlugin(ROOT)],
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((i) => i.includes('node_modules/yaml/'))).toBe(true);
    for (const name of ['commander', '@inquirer', 'chalk', 'cli-table3', 'csv-parse', 'pg', 'src/cli.ts', 'src/commands/']) {
      expect(inputs.filter((i) => i.includes(name === 'pg' ? 'node_modules/pg/' : name)), name).toEqual([]);
    }
  });

  it('packs its types in the exports map: a consumer type-checks and runs against the packed package', () => {
    const dir = tempDir();
    const tarball = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }))[0].filename as string;
    const modules = join(dir, 'node_modules');
    mkdirSync(join(modules, 'credits'), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', join(modules, 'credits'), '--strip-components=1']);
    // The declarations name the types of two runtime dependencies (the code bundles them), and Node's.
    mkdirSync(join(modules, '@types'));
    for (const dependency of ['decimal.js', 'yaml', '@types/node']) symlinkSync(join(ROOT, 'node_modules', dependency), join(modules, dependency));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import { type Charge, type CreditTable, type TableSnapshot, UnknownOperationError, createMeter, loadTable } from 'credits';
const table: CreditTable | TableSnapshot = await loadTable(process.argv[2]!);
// A table has version 1 and its design; a snapshot has neither.
if (table.version === 1) console.error(table.unit.cost_per_credit.toFixed());
// @ts-expect-error a snapshot has no unit
console.error(table.unit);
const meter = createMeter(table);
const charge: Charge = meter.charge('ai_analysis', { at: new Date('2026-11-01T03:00:00Z') });
// @ts-expect-error credits takes an operation name
meter.credits(42);
try { meter.credits('ghost'); } catch (error) { if (!(error instanceof UnknownOperationError)) throw error; }
console.log(JSON.stringify(charge));
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['consumer.ts'] }),
    );
    const typecheck = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.status).toBe(0);
    // And it runs: the packed code needs no node_modules of its own.
    writeFileSync(join(dir, 'consumer.mjs'), `import { createMeter, loadTable } from 'credits';\nconsole.log(createMeter(await loadTable(process.argv[2])).credits('ai_analysis', { load: 0.95 }));\n`);
    execFileSync(process.execPath, [join(ROOT, 'bin', 'credits.js'), 'design', join(FIXTURES, 'image-api.csv'), '-o', join(dir, 'credits.yaml')], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'] ?? '' } });
    expect(execFileSync(process.execPath, ['consumer.mjs', 'credits.yaml'], { cwd: dir, encoding: 'utf8' })).toBe('100\n');
  }, 60_000);
});
