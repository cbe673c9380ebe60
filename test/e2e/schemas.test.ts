import { closeSync, copyFileSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { tableText, writeHistory } from '../../bench/elasticity-log.mjs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, credits } from '../helpers.js';
import { usageWorkspace } from '../support/usage.js';

/** Every shipped schema, compiled once; documents are checked against the one named for their command. */
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(join(ROOT, 'schema'))) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schema', file), 'utf8')));

function expectDocument(command: string, stdout: string): Record<string, unknown> {
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  const validate = ajv.getSchema(`${command}.schema.json`)!;
  expect(validate(doc), `${command}: ${JSON.stringify(validate.errors)}`).toBe(true);
  expect(doc['schema_version'], command).toEqual(expect.any(Number));
  // snake_case keys all the way down (operation names and customer ids are data, not keys of the format).
  const keys = (value: unknown, path: string): string[] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [...(/operations$/.test(path) && !Array.isArray(value) ? [] : [k]), ...keys(v, `${path}.${k}`)])
      : [];
  for (const key of keys(doc, '')) expect(key, command).toMatch(/^[a-z][a-z0-9_]*$|^\d+$/);
  return doc;
}

describe('every --json document matches its JSON Schema', () => {
  const { dir } = usageWorkspace(5_000, 3);
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  copyFileSync(join(dir, 'credits.yaml'), join(dir, 'old.yaml'));
  writeFileSync(join(dir, 'drifted.csv'), readFileSync(join(dir, 'costs.csv'), 'utf8').replace('ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.04'));
  const run = (...args: string[]) => credits(args, { cwd: dir });

  it('design', () => {
    const doc = expectDocument('design', run('design', 'costs.csv', '--json', '--dry-run').stdout);
    expect(doc['version']).toBe(1);
  });

  it('price, bare and of a table at current costs', () => {
    expectDocument('price', run('price', '--cost-per-credit', '0.0003', '--json').stdout);
    const doc = expectDocument('price', run('price', '--costs', 'drifted.csv', '--json').stdout);
    expect(doc).toMatchObject({ costs: 'drifted.csv', previous_price: { per_credit: 0.001 } });
  });

  it('check, with findings', () => {
    const doc = expectDocument('check', run('check', '--costs', 'drifted.csv', '--json').stdout);
    expect((doc['findings'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('usage, every customer on their plan, with plan fit', () => {
    writeFileSync(join(dir, 'plans.csv'), 'customer_id,plan\ncust_whale,Starter\ncust_0001,Free\n');
    const doc = expectDocument('usage', run('usage', 'usage.csv', '--customer-plans', 'plans.csv', '--json').stdout);
    expect((doc['plan_fit'] as unknown[]).length).toBe(2);
    expectDocument('usage', run('usage', 'usage.csv', '--customer', 'cust_whale', '--plan', 'Pro', '--json').stdout);
  });

  it('optimize, with a measured history', () => {
    for (const [i, v] of ['v1', 'v2', 'v3'].entries()) writeFileSync(join(dir, `${v}.yaml`), tableText(i));
    const fd = openSync(join(dir, 'elastic.csv'), 'w');
    writeHistory({ seed: 2, customers: 60, write: (text) => writeSync(fd, text) });
    closeSync(fd);
    const doc = expectDocument('optimize', run('optimize', '--usage', 'elastic.csv', '--table', 'v3.yaml', '--history', '2026-01-01=v1.yaml', '--history', '2026-02-10=v2.yaml', '--history', '2026-03-22=v3.yaml', '--json').stdout);
    expect((doc['operations'] as unknown[]).length).toBe(4);
  });

  it('audit, with a flagged operation, its customers and a correction', () => {
    const doc = expectDocument('audit', run('audit', 'usage.csv', '--json').stdout);
    expect(JSON.stringify(doc)).toContain('"top_customers"');
    expect(JSON.stringify(doc)).toContain('"correction"');
  });

  it('plans', () => {
    expectDocument('plans', run('plans', '--json').stdout);
  });

  it('diff, with usage', () => {
    writeFileSync(join(dir, 'new.yaml'), readFileSync(join(dir, 'old.yaml'), 'utf8').replace('video_processing: { credits: 2500,', 'video_processing: { credits: 5000,'));
    expectDocument('diff', run('diff', 'old.yaml', 'new.yaml', '--usage', 'usage.csv', '--json').stdout);
  });
});
