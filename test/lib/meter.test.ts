import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dec, ONE } from '../../src/core/decimal.js';
import { type Modifier, applicableFactors, worstStack } from '../../src/core/modifiers.js';
import type { CreditTable } from '../../src/core/table.js';
import { InputError, InvalidContextError, type Meter, UnknownOperationError, createMeter, loadTable } from '../../src/lib/index.js';
import { FIXTURES, credits, suiteDir } from '../helpers.js';

const utc = (iso: string) => new Date(`${iso}Z`);
const dir = suiteDir();
let table: CreditTable;
let meter: Meter;

/** The worked example with the fixture's modifiers: off_peak [2, 6] 0.7, peak_load above 0.9 1.5, commitment 0.8 / 0.6. */
beforeAll(async () => {
  writeFileSync(join(dir, 'costs.csv'), readFileSync(join(FIXTURES, 'image-api.csv')));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  const loaded = await loadTable(join(dir, 'credits.yaml'));
  // A table has version 1; a snapshot has none.
  if (loaded.version !== 1) throw new Error('credits.yaml read as a snapshot');
  table = loaded;
  meter = createMeter(table);
});

describe('the meter', () => {
  it('charges the examples of the method', () => {
    expect(meter.credits('ai_analysis')).toBe(100);
    expect(meter.credits('ai_analysis', { at: utc('2026-11-01T03:00:00') })).toBe(70);
    expect(meter.credits('ai_analysis', { load: 0.95 })).toBe(150);
    expect(meter.credits('ai_analysis', { monthlyCommitment: 1_000_000 })).toBe(60);
    // Kinds stack: floor(100 × 0.7 × 0.8) = 56; floor(1 × 0.42) = 0, the free call check reports.
    expect(meter.charge('ai_analysis', { at: utc('2026-11-01T06:59:59'), monthlyCommitment: 100_000 })).toEqual({
      operation: 'ai_analysis',
      credits: 56,
      base_credits: 100,
      applied: ['off_peak', 'commitment'],
      price: '0.001',
      amount: '0.056',
    });
    expect(meter.credits('image_upload', { at: utc('2026-11-01T03:00:00'), monthlyCommitment: 1_000_000 })).toBe(0);
    expect(meter.meta({ consumed: 32_450, remaining: 17_550, resetAt: utc('2026-12-01T00:00:00') })).toEqual({
      credits_consumed: 32_450,
      credits_remaining: 17_550,
      credits_reset_at: '2026-12-01T00:00:00.000Z',
    });
  });

  it('reads a time window as whole UTC hours, start ≤ h ≤ end, wrapping midnight', () => {
    const at = (iso: string) => meter.credits('ai_analysis', { at: utc(iso) });
    expect([at('2026-11-01T01:59:59'), at('2026-11-01T02:00:00'), at('2026-11-01T06:59:59'), at('2026-11-01T07:00:00')]).toEqual([100, 70, 70, 100]);
    // The same instant written with an offset is the same UTC hour.
    expect(meter.credits('ai_analysis', { at: new Date('2026-11-01T05:30:00+03:00') })).toBe(70);
    const night = createMeter({ ...table, modifiers: [{ name: 'night', kind: 'time', hours_utc: [22, 4], factor: new Dec('0.5') }] });
    const hours = [21, 22, 23, 0, 4, 5].map((h) => night.credits('ai_analysis', { at: new Date(Date.UTC(2026, 10, 1, h)) }));
    expect(hours).toEqual([100, 50, 50, 50, 50, 100]);
  });

  it('applies load strictly above its threshold, and the highest commitment tier reached', () => {
    expect([0.9, 0.9000001].map((load) => meter.credits('ai_analysis', { load }))).toEqual([100, 150]);
    expect([99_999, 100_000, 999_999, 1_000_000].map((monthlyCommitment) => meter.credits('ai_analysis', { monthlyCommitment }))).toEqual([100, 80, 80, 60]);
  });

  it('refuses an unknown operation and a context that cannot be', () => {
    expect(() => meter.credits('ghost')).toThrow(new UnknownOperationError('ghost'));
    expect(() => meter.charge('ghost')).toThrow(UnknownOperationError);
    expect(() => meter.credits('ai_analysis', { load: -0.1 })).toThrow(InvalidContextError);
    expect(() => meter.credits('ai_analysis', { at: new Date('not a date') })).toThrow('at must be a valid Date');
    expect(() => meter.credits('ai_analysis', { monthlyCommitment: Number.NaN })).toThrow(InvalidContextError);
  });
});

describe('loadTable', () => {
  it('takes a parsed object and the JSON of credits design --json, validated as the CLI validates', async () => {
    const fromObject = await loadTable(parse(readFileSync(join(dir, 'credits.yaml'), 'utf8')));
    expect(createMeter(fromObject).credits('video_processing', { load: 0.95 })).toBe(3750);
    writeFileSync(join(dir, 'table.json'), credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: dir }).stdout);
    expect(createMeter(await loadTable(join(dir, 'table.json'))).credits('basic_resize')).toBe(5);
    const damaged = parse(readFileSync(join(dir, 'credits.yaml'), 'utf8'));
    damaged.operations.basic_resize.credits = -5;
    await expect(loadTable(damaged)).rejects.toThrow(InputError);
    await expect(loadTable(damaged)).rejects.toThrow(/^<table object>:\d+:\d+: operations\.basic_resize\.credits: must be > 0$/);
    await expect(loadTable(join(dir, 'missing.yaml'))).rejects.toThrow(`${join(dir, 'missing.yaml')}: no such table`);
  });
});

describe('loadTable of the snapshots credits export writes', () => {
  const exportTo = (target: string, file: string) => expect(credits(['export', '--to', target, '-o', file], { cwd: dir }).code).toBe(0);

  it('reads the JSON file and the TypeScript module\'s object, and charges every call as the table does', async () => {
    exportTo('json', 'snapshot.json');
    exportTo('typescript', 'credits-table.ts');
    // The module as an API imports it: its types stripped, as its build would.
    writeFileSync(join(dir, 'credits-table.mjs'), transformSync(readFileSync(join(dir, 'credits-table.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code);
    const { creditTable } = (await import(pathToFileURL(join(dir, 'credits-table.mjs')).href)) as { creditTable: object };
    const fromJson = await loadTable(join(dir, 'snapshot.json'));
    const fromModule = await loadTable(creditTable);
    expect(table.version).toBe(1);
    expect(fromJson.version).toBeUndefined();
    expect(fromModule.version).toBeUndefined();
    expect(fromJson.price.per_credit).toBeInstanceOf(Dec);
    expect(fromJson.modifiers?.map((m) => m.name)).toEqual(['off_peak', 'peak_load', 'commitment']);
    const meters = [createMeter(fromJson), createMeter(fromModule)];
    for (const m of meters) expect(m.operations).toEqual(meter.operations);
    for (const operation of meter.operations) {
      for (let hour = 0; hour < 24; hour++) {
        for (const load of [undefined, 0.5, 0.95]) {
          for (const monthlyCommitment of [undefined, 0, 100_000, 1_000_000]) {
            const context = { at: utc(`2026-11-01T${String(hour).padStart(2, '0')}:30:00`), load, monthlyCommitment };
            const expected = meter.charge(operation, context);
            for (const m of meters) expect(m.charge(operation, context)).toEqual(expected);
          }
        }
      }
    }
    // 0.001 a credit, 70 credits off peak: the amount exact, as from the table.
    expect(meters[0]!.charge('ai_analysis', { at: utc('2026-11-01T03:00:00') })).toMatchObject({ credits: 70, price: '0.001', amount: '0.07' });
  });

  it('tells what is wrong with a snapshot: file, line and key path, or what to do instead', async () => {
    exportTo('json', 'snapshot.json');
    const text = readFileSync(join(dir, 'snapshot.json'), 'utf8');
    writeFileSync(join(dir, 'damaged.json'), text.replace('"basic_resize": 5', '"basic_resize": -5'));
    const line = text.split('\n').findIndex((l) => l.includes('"basic_resize": 5')) + 1;
    await expect(loadTable(join(dir, 'damaged.json'))).rejects.toThrow(new RegExp(`^${join(dir, 'damaged.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: operations\\.basic_resize: must be > 0$`));
    const document = JSON.parse(text);
    delete document.schema_version;
    writeFileSync(join(dir, 'headless.json'), JSON.stringify(document));
    await expect(loadTable(join(dir, 'headless.json'))).rejects.toThrow('headless.json:1: (top level): a snapshot of credits export --to json has schema_version; export it again');
    await expect(loadTable(join(dir, 'credits-table.ts'))).rejects.toThrow('credits-table.ts:1: a TypeScript snapshot is imported, not read: import { creditTable } from it and pass loadTable the object');
    // An object with a table's keys is read as a table, and told what a table lacks.
    const { version: _version, ...unversioned } = parse(readFileSync(join(dir, 'credits.yaml'), 'utf8'));
    await expect(loadTable(unversioned)).rejects.toThrow(/^<table object>:\d+:\d+: \(top level\): must have required property 'version' \(version\)$/);
    // A file without the header is a table too, whatever its keys.
    writeFileSync(join(dir, 'bare.json'), JSON.stringify({ currency: 'USD', operations: { a: 1 } }));
    await expect(loadTable(join(dir, 'bare.json'))).rejects.toThrow(/bare\.json:\d+:\d+: \(top level\): must have required property/);
  });
});

describe('one semantics for check and the runtime', () => {
  const factor = fc.constantFrom('0.3', '0.5', '0.7', '0.8', '0.95', '1.2', '1.5', '2').map((f) => new Dec(f));
  const modifier: fc.Arbitrary<Modifier> = fc.oneof(
    fc.record({ name: fc.constantFrom('t1', 't2'), kind: fc.constant('time' as const), hours_utc: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 })), factor }),
    fc.record({ name: fc.constantFrom('l1', 'l2'), kind: fc.constant('load' as const), above: fc.constantFrom('0', '0.5', '0.8', '0.9').map((a) => new Dec(a)), factor }),
    fc.record({
      name: fc.constant('c1'),
      kind: fc.constant('commitment' as const),
      tiers: fc.array(fc.record({ min_monthly_credits: fc.integer({ min: 0, max: 2_000_000 }).map((n) => new Dec(n)), factor }), { minLength: 1, maxLength: 3 }),
    }),
  );
  const context = fc.record(
    { at: fc.integer({ min: 0, max: 365 * 86_400_000 }).map((ms) => new Date(Date.UTC(2026, 0, 1) + ms)), load: fc.double({ min: 0, max: 1, noNaN: true }), monthlyCommitment: fc.integer({ min: 0, max: 3_000_000 }) },
    { requiredKeys: [] },
  );

  it('the meter charges floor(credits × the factors applicableFactors finds), never under check’s worst case', () => {
    fc.assert(
      fc.property(fc.array(modifier, { maxLength: 5 }), fc.integer({ min: 1, max: 100_000 }), context, (modifiers, base, ctx) => {
        const custom = { ...table, operations: { op: { ...table.operations['ai_analysis']!, credits: new Dec(base) } }, modifiers };
        const charged = createMeter(custom).credits('op', ctx);
        const applied = applicableFactors(modifiers, ctx);
        const expected = applied.length === 0 ? base : new Dec(base).times(applied.reduce((p, f) => p.times(f.factor), ONE)).floor().toNumber();
        expect(charged).toBe(expected);
        expect(applied.map((f) => f.kind)).toEqual([...new Set(applied.map((f) => f.kind))]);
        expect(charged).toBeGreaterThanOrEqual(new Dec(base).times(worstStack(modifiers).factor).floor().toNumber());
        expect(createMeter(custom).charge('op', ctx).amount).toBe(new Dec(charged).times(custom.price.per_credit).toFixed());
      }),
      { numRuns: 500 },
    );
  });
});
