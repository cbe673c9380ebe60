import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_TARGETS } from '../../src/core/choices.js';
import { FIXTURES, ROOT, credits, suiteDir, tempDir } from '../helpers.js';

/**
 * Every export is checked by the platform's own published package, pinned in
 * package.json: Autumn's atmn types and its push validation, OpenMeter's zod
 * schemas, Stripe's and Lago's request types. Each check also runs on a
 * deliberately broken export, so a check that could not fail would show.
 */
const dir = suiteDir();
beforeAll(() => {
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
});

function exported(target: string, ...args: string[]): string {
  const run = credits(['export', '--to', target, ...args], { cwd: dir });
  expect(run.stderr, run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
  return run.stdout;
}

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Type-checks files in a directory that resolves packages from the project's node_modules; the compiler's errors, or ''. */
function typecheck(files: Record<string, string>): string {
  const work = tempDir();
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] }, include: ['*.ts'] }),
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
  const run = spawnSync(process.execPath, [TSC, '-p', work], { encoding: 'utf8' });
  return run.status === 0 ? '' : `${run.stdout}${run.stderr}` || `tsc exited ${run.status}`;
}

interface Request {
  ref: string;
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A TypeScript file assigning each request body, as an object literal, to the platform's type for its path. */
function typedBodies(importLine: string, types: Record<string, string>, requests: readonly Request[], literal: (json: string) => string = (json) => json): string {
  const lines = [importLine];
  requests.forEach((r, i) => {
    const type = types[r.path];
    if (type === undefined) throw new Error(`no type for ${r.method} ${r.path}`);
    lines.push(`export const body${i}: ${type} = ${literal(JSON.stringify(r.body, null, 2))};`);
  });
  return `${lines.join('\n')}\n`;
}

describe('credits export --to autumn', () => {
  const atmn = join(ROOT, 'node_modules', 'atmn', 'dist', 'cli.js');
  const installed = existsSync(atmn);
  if (!installed) console.warn('skipping the atmn validation: the atmn package is not installed (npm ci installs it as a devDependency)');

  it('type-checks against the types of atmn 1.1.25', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'atmn', 'package.json'), 'utf8')).version).toBe('1.1.25');
    const config = exported('autumn');
    expect(typecheck({ 'autumn.config.ts': config })).toBe('');
    // The check can fail: a credit cost as text is not an atmn credit schema.
    expect(typecheck({ 'autumn.config.ts': config.replace('creditCost: 100 }', "creditCost: '100' }") })).toMatch(/error TS\d+/);
  });

  /** `atmn push --headless` in a directory of its own, with a dummy key and no network: its output. */
  function push(config: string): string {
    const work = tempDir();
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(work, 'autumn.config.ts'), config);
    const run = spawnSync(process.execPath, [atmn, 'push', '--headless', '--yes'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_COLOR: '1', AUTUMN_SECRET_KEY: 'am_sk_test_0000000000000000' },
    });
    return `${run.stdout}${run.stderr}`;
  }

  it.skipIf(!installed)('passes atmn push validation offline and stops only at the network', () => {
    const config = exported('autumn');
    const output = push(config);
    expect(output).toContain('Found 6 features, 5 plans');
    expect(output).toContain('Validating config');
    expect(output).not.toContain('Config validation failed');
    expect(output).toMatch(/Network request failed|fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/);
    // The validation can fail: a plan item on a feature the config does not define.
    expect(push(config.replace('featureId: credits.id,', "featureId: 'no_such_feature',"))).toContain('Config validation failed');
  });

  it('gives every operation its credits in the credit system and every plan its included credits', () => {
    const config = exported('autumn');
    expect(config).toMatch(/^\/\/ credits_export \{"target":"autumn","table":"credits.yaml","source_sha256":"81a86e42[0-9a-f]+","credits_version":"\d+\.\d+\.\d+"\}\n/);
    expect(config).toContain('{ meteredFeatureId: video_processing.id, creditCost: 2500 }');
    expect(config).toContain('included: 250000,');
    // The overage at the table's pack: $1 per 1,000 credits.
    expect(config).toContain("price: { amount: 1, billingUnits: 1000, billingMethod: 'usage_based', interval: 'month' }");
  });
});

describe('credits export --to openmeter', () => {
  let zod: typeof import('@openmeter/sdk/zod');
  beforeAll(async () => {
    zod = await import('@openmeter/sdk/zod');
  });

  /** Paths of keys (and values) the export wrote that parsing dropped or changed. */
  function lost(written: unknown, parsed: unknown, path = ''): string[] {
    if (written === null || typeof written !== 'object') return String(written) === String(parsed) ? [] : [`${path}: ${JSON.stringify(written)} became ${JSON.stringify(parsed)}`];
    if (parsed === null || typeof parsed !== 'object') return [`${path}: dropped`];
    return Object.entries(written).flatMap(([key, value]) =>
      key in parsed ? lost(value, (parsed as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: dropped`],
    );
  }

  function validate(document: { meters: unknown[]; features: unknown[]; plans: unknown[] }): string[] {
    const problems: string[] = [];
    const check = (schema: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } }, body: unknown, what: string) => {
      const result = schema.safeParse(body);
      if (!result.success) problems.push(`${what}: ${String(result.error)}`);
      else problems.push(...lost(body, result.data, what));
    };
    document.meters.forEach((m, i) => check(zod.CreateMeterBody, m, `meters[${i}]`));
    document.features.forEach((f, i) => check(zod.CreateFeatureBody, f, `features[${i}]`));
    document.plans.forEach((p, i) => check(zod.CreatePlanBody, p, `plans[${i}]`));
    return problems;
  }

  it('parses every body with the zod schemas of @openmeter/sdk without dropping a key', () => {
    const document = JSON.parse(exported('openmeter'));
    expect(document.meters).toHaveLength(2);
    expect(document.features).toHaveLength(6);
    expect(document.plans).toHaveLength(5);
    expect(validate(document)).toEqual([]);
    // The check can fail: a key OpenMeter does not know is dropped, a bad slug is refused.
    const broken = structuredClone(document);
    broken.features[1].unitCost.currency = 'USD';
    broken.meters[0].slug = 'Calls!';
    expect(validate(broken)).toHaveLength(2);
  });

  it('carries real costs per call, the price per credit and the included credits', () => {
    const document = JSON.parse(exported('openmeter'));
    const video = document.features.find((f: { key: string }) => f.key === 'video_processing');
    expect(video).toMatchObject({ meterSlug: 'calls', meterGroupByFilters: { operation: 'video_processing' }, unitCost: { type: 'manual', amount: '0.5' } });
    const pro = document.plans.find((p: { key: string }) => p.key === 'pro');
    const [fee, usage] = pro.phases[0].rateCards;
    expect(fee.price).toEqual({ type: 'flat', amount: '99', paymentTerm: 'in_advance' });
    expect(usage.price).toEqual({ type: 'unit', amount: '0.001' });
    expect(usage.discounts).toEqual({ usage: { quantity: '250000' } });
    expect(usage.entitlementTemplate).toMatchObject({ type: 'metered', issueAfterReset: 250000, usagePeriod: 'P1M' });
  });
});

describe('credits export --to stripe', () => {
  const TYPES = {
    '/v1/billing/meters': 'Stripe.Billing.MeterCreateParams',
    '/v1/products': 'Stripe.ProductCreateParams',
    '/v1/prices': 'Stripe.PriceCreateParams',
    '/v1/billing/credit_grants': 'Stripe.Billing.CreditGrantCreateParams',
  };
  // The SDK takes a *_decimal field as its own Decimal, which it sends as the same decimal string.
  const bodies = (requests: Request[]) =>
    typedBodies("import Stripe from 'stripe';", TYPES, requests, (json) => json.replace(/("\w+_decimal": )("[^"]*")/g, '$1Stripe.Decimal.from($2)'));

  it('type-checks every request body against the stripe package types', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'stripe', 'package.json'), 'utf8')).version).toBe('23.1.0');
    const document = JSON.parse(exported('stripe'));
    const all: Request[] = [...document.requests, ...document.credit_grant_templates];
    expect(new Set(all.map((r) => r.path))).toEqual(new Set(Object.keys(TYPES)));
    expect(typecheck({ 'stripe.ts': bodies(all) })).toBe('');
    // The check can fail: a meter with a key Stripe does not take.
    const broken = structuredClone(all);
    broken[0]!.body['formula'] = 'sum';
    expect(typecheck({ 'stripe.ts': bodies(broken) })).toMatch(/TS2353/);
  });

  it("writes each *_decimal amount as text Stripe's own Decimal reads back unchanged", async () => {
    const { default: Stripe } = await import('stripe');
    const document = JSON.parse(exported('stripe'));
    const decimals = document.requests.flatMap((r: Request) => Object.entries(r.body).filter(([key]) => key.endsWith('_decimal')).map(([, v]) => v as string));
    expect(decimals).toEqual(['0.1', '0.1', '0.1', '0.1', '0.1']);
    for (const text of decimals) expect(Stripe.Decimal.from(text).toString()).toBe(text);
  });

  it('prices a credit exactly in the smallest unit and grants the included credits as money', () => {
    const document = JSON.parse(exported('stripe'));
    const meter = document.requests[0];
    expect(meter.body).toMatchObject({ event_name: 'credits', default_aggregation: { formula: 'sum' }, value_settings: { event_payload_key: 'credits' } });
    const starter = document.requests.filter((r: Request) => r.ref.startsWith('price.starter.'));
    expect(starter.map((r: Request) => r.body)).toEqual([
      expect.objectContaining({ unit_amount: 2900, currency: 'usd', recurring: { interval: 'month', usage_type: 'licensed' } }),
      expect.objectContaining({ unit_amount_decimal: '0.1', recurring: { interval: 'month', usage_type: 'metered', meter: '{{meter.id}}' } }),
    ]);
    const grant = document.credit_grant_templates.find((g: Request) => g.ref === 'credit_grant.pro');
    // 250,000 included credits × $0.001 = $250 = 25,000 cents.
    expect(grant.body.amount).toEqual({ type: 'monetary', monetary: { currency: 'usd', value: 25000 } });
    expect(document.note).toContain('credit grants are money');
  });
});

describe('credits export --to lago', () => {
  const TYPES = {
    '/api/v1/billable_metrics': 'BillableMetricCreateInput',
    '/api/v1/plans': 'PlanCreateInput',
    '/api/v1/wallets': 'WalletCreateInput',
  };
  const bodies = (requests: Request[]) =>
    typedBodies("import type { BillableMetricCreateInput, PlanCreateInput, WalletCreateInput } from 'lago-javascript-client';", TYPES, requests);

  it('type-checks every request body against lago-javascript-client', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'lago-javascript-client', 'package.json'), 'utf8')).version).toMatch(/^v?1\.53\.0$/);
    const document = JSON.parse(exported('lago'));
    const all: Request[] = [...document.requests, ...document.wallet_templates];
    expect(new Set(all.map((r) => r.path))).toEqual(new Set(Object.keys(TYPES)));
    expect(typecheck({ 'lago.ts': bodies(all) })).toBe('');
    // The check can fail: an interval Lago does not have.
    const broken = structuredClone(all);
    (broken.find((r) => r.path === '/api/v1/plans')!.body['plan'] as Record<string, unknown>)['interval'] = 'month';
    expect(typecheck({ 'lago.ts': bodies(broken) })).toMatch(/error TS\d+: Type '"month"' is not assignable/);
  });

  it("charges each operation its credits × the price, and grants the plan's credits monthly", () => {
    const document = JSON.parse(exported('lago'));
    const plan = document.requests.find((r: Request) => r.ref === 'plan.starter').body.plan;
    expect(plan).toMatchObject({ code: 'starter', interval: 'monthly', amount_cents: 2900, amount_currency: 'USD' });
    expect(plan.charges.find((c: { billable_metric_id: string }) => c.billable_metric_id === '{{billable_metric.video_processing.lago_id}}').properties).toEqual({ amount: '2.5' });
    const wallet = document.wallet_templates.find((w: Request) => w.ref === 'wallet.starter').body.wallet;
    expect(wallet).toMatchObject({ rate_amount: '0.001', granted_credits: '50000', currency: 'USD' });
  });
});

describe('credits export --to json and typescript', () => {
  it('writes a snapshot valid against schema/export.schema.json with the exact credits and price', () => {
    const document = JSON.parse(exported('json'));
    const ajv = new Ajv({ strict: true, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'export.schema.json'), 'utf8')));
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const table = parse(readFileSync(join(dir, 'credits.yaml'), 'utf8'));
    expect(document.operations).toEqual(Object.fromEntries(Object.entries(table.operations).map(([k, v]) => [k, (v as { credits: number }).credits])));
    expect(document.price.per_credit).toBe(0.001);
    expect(document.plans[1]).toEqual({ name: 'Starter', price: 29, included_credits: 50000 });
    expect(document.modifiers[0]).toEqual({ name: 'off_peak', kind: 'time', hours_utc: [2, 6], factor: 0.7 });
  });

  it('writes a typed module: operations are a closed set', () => {
    const module = exported('typescript');
    const use = [
      "import { creditTable, creditsOf, type Operation } from './credits-table.js';",
      "export const video: 2500 = creditTable.operations.video_processing;",
      "export const n: number = creditsOf('ai_analysis');",
      "const op: Operation = 'image_upload';",
      'export { op };',
      "// @ts-expect-error not an operation of the table",
      "creditsOf('no_such_operation');",
    ].join('\n');
    expect(typecheck({ 'credits-table.ts': module, 'use.ts': use })).toBe('');
    expect(typecheck({ 'credits-table.ts': module, 'use.ts': use.replace('// @ts-expect-error not an operation of the table\n', '') })).toMatch(/TS2345/);
  });
});

describe('credits export: output, errors and what is not exported', () => {
  it('lists each modifier a platform cannot express on stderr, and none for the snapshots', () => {
    const run = credits(['export', '--to', 'stripe'], { cwd: dir });
    expect(run.stderr).toContain('not exported: off_peak (time) — Stripe meters have no time-of-day pricing; apply the factor in the API before reporting usage');
    expect(run.stderr).toContain('not exported: peak_load (load)');
    expect(run.stderr).toContain('not exported: commitment (commitment)');
    expect(JSON.parse(run.stdout).requests.length).toBeGreaterThan(0);
    expect(credits(['export', '--to', 'json'], { cwd: dir }).stderr).toBe('');
  });

  it('writes -o atomically and says so; --json keeps stdout to the document', () => {
    const run = credits(['export', '--to', 'openmeter', '-o', 'openmeter.json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Wrote openmeter.json');
    expect(JSON.parse(readFileSync(join(dir, 'openmeter.json'), 'utf8')).credits_export.target).toBe('openmeter');
    const json = credits(['--json', 'export', '--to', 'lago'], { cwd: dir });
    expect(JSON.parse(json.stdout).credits_export.target).toBe('lago');
  });

  it('needs --to (exit 2) and refuses an unknown target', () => {
    const none = credits(['export'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('credits export needs --to: one of autumn, openmeter, stripe, lago, json, typescript');
    const unknown = credits(['export', '--to', 'chargebee'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'chargebee' is invalid");
  });

  it('exits 2 on a damaged table or a plan that cannot be derived, writing nothing', () => {
    const work = tempDir();
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    writeFileSync(join(work, 'credits.yaml'), text.replace('method: cost-multiple, buffer: 0.75 }', 'method: cost-multiple }'));
    const run = credits(['export', '--to', 'autumn', '-o', 'autumn.config.ts'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/credits\.yaml:\d+: plans\[1\]: plan Starter: method cost-multiple needs buffer/);
    expect(existsSync(join(work, 'autumn.config.ts'))).toBe(false);
    const missing = credits(['export', '--to', 'json', '--table', 'nope.yaml'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
  });

  it('exits 2 when two names make one platform key, or money is finer than a cent', () => {
    const work = tempDir();
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    writeFileSync(join(work, 'clash.yaml'), text.replace('  - { name: Team,', '  - { name: "pro",'));
    const clash = credits(['export', '--to', 'openmeter', '--table', 'clash.yaml'], { cwd: work });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/clash\.yaml:\d+: plans: plans "Pro" and "pro" would both be exported as pro; rename one/m);
    writeFileSync(join(work, 'cents.yaml'), text.replace('{ name: Starter, price: 29,', '{ name: Starter, price: 29.005,'));
    const cents = credits(['export', '--to', 'stripe', '--table', 'cents.yaml'], { cwd: work });
    expect(cents.code).toBe(2);
    expect(cents.stderr).toContain("cannot export to stripe: plan Starter's price is 29.005 USD, not a whole number of the currency's smallest unit");
  });

  it('keeps a hostile name inside its string: no code or comment escapes', () => {
    const work = tempDir();
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    const evil = 'x\u2028process.exit(1)//"\\';
    writeFileSync(join(work, 'credits.yaml'), text.replace('  image_upload:', `  ${JSON.stringify(evil)}:`));
    for (const target of ['autumn', 'typescript']) {
      const run = credits(['export', '--to', target], { cwd: work });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('\u2028');
      expect(run.stdout.split('\n').filter((l) => l.includes('process.exit'))).toSatisfy((lines: string[]) => lines.every((l) => /"x\\u2028process\.exit\(1\)\/\/\\"\\\\"/.test(l)));
    }
  });

  it('covers every target', () => {
    expect([...EXPORT_TARGETS]).toEqual(['autumn', 'openmeter', 'stripe', 'lago', 'json', 'typescript']);
  });
});

describe('credits check --export: export-drift', () => {
  it('is clean while the export matches the table, and reports export-drift when it does not', () => {
    const work = tempDir();
    copyFileSync(join(dir, 'costs.csv'), join(work, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: work }).code).toBe(0);
    const plans = '\nplans:\n  - { name: Free, price: 0, included_credits: 1000 }\n  - { name: Pro, price: 99, method: cost-multiple, buffer: 0.75 }\n';
    writeFileSync(join(work, 'credits.yaml'), readFileSync(join(work, 'credits.yaml'), 'utf8') + plans);
    for (const target of ['autumn', 'stripe']) {
      expect(credits(['export', '--to', target, '-o', `${target}.out`], { cwd: work }).code).toBe(0);
      const clean = credits(['check', '--export', `${target}.out`, '--json'], { cwd: work });
      expect(clean.code, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout).findings).toEqual([]);
    }
    // The table changes; the exports do not.
    const table = readFileSync(join(work, 'credits.yaml'), 'utf8');
    writeFileSync(join(work, 'credits.yaml'), table.replace('{ name: Pro, price: 99,', '{ name: Pro, price: 89,'));
    for (const target of ['autumn', 'stripe']) {
      const drift = credits(['check', '--export', `${target}.out`, '--to', target, '--json'], { cwd: work });
      expect(drift.code).toBe(1);
      const [finding] = JSON.parse(drift.stdout).findings;
      expect(finding).toMatchObject({ code: 'export-drift', severity: 'error', file: `${target}.out` });
      expect(finding.message).toContain(`${target}.out no longer matches credits.yaml`);
      expect(finding.message).toContain(`credits export --to ${target} -o ${target}.out`);
    }
  });

  it('reads the target from the header, and exits 2 on a file that is no export or of another target', () => {
    const work = tempDir();
    copyFileSync(join(dir, 'costs.csv'), join(work, 'costs.csv'));
    copyFileSync(join(dir, 'credits.yaml'), join(work, 'credits.yaml'));
    writeFileSync(join(work, 'random.json'), '{"a": 1}\n');
    const none = credits(['check', '--export', 'random.json'], { cwd: work });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('random.json: not a credits export (no credits_export header); write it with credits export --to TARGET -o random.json');
    expect(credits(['export', '--to', 'lago', '-o', 'lago.json'], { cwd: work }).code).toBe(0);
    const other = credits(['check', '--export', 'lago.json', '--to', 'stripe'], { cwd: work });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('lago.json: an export to lago, not stripe');
    const missing = credits(['check', '--export', 'nope.json'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });
});
