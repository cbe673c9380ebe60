import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

/**
 * Real-life inputs that once gave wrong money without a word: European
 * exports, local times, float round trips, advice that did not work. Each
 * either reads right or stops with exit 2 and a hint naming the flag.
 */

function project(files: Record<string, string | Buffer> = {}): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const yamlOf = (dir: string, file = 'credits.yaml') => parse(readFileSync(join(dir, file), 'utf8'));
const EUROPEAN = 'operation,cost\nupload,"0,004"\nresize,"0,012"\nvideo,"1,250"\n';

describe('1. decimal commas are never read as thousands', () => {
  it('refuses a European export with a hint, and reads it with --decimal-comma', () => {
    const dir = project({ 'costs.csv': EUROPEAN });
    const refused = credits(['design', 'costs.csv'], { cwd: dir });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      'error: costs.csv:2:2: cost: "0,004" reads differently by locale; give --decimal-comma if "," is the decimal mark here (0,004 = 0.004), or --decimal-point if "," groups thousands (1,250 = 1250)\n',
    );
    expect(existsSync(join(dir, 'credits.yaml'))).toBe(false);

    const read = credits(['design', 'costs.csv', '--decimal-comma'], { cwd: dir });
    expect(read.code).toBe(0);
    const table = yamlOf(dir);
    expect([table.operations.upload.cost, table.operations.resize.cost, table.operations.video.cost]).toEqual([0.004, 0.012, 1.25]);
    expect(table.price.display).toBe('$2 per 100 credits');
    expect(table.design.decimal_mark).toBe('comma');
    // check reads the file the way the table records.
    expect(credits(['check'], { cwd: dir })).toMatchObject({ code: 0, stdout: '✓ credits.yaml matches costs.csv: no findings\n' });
  });

  it('takes thousands separators only where they cannot be a decimal comma', () => {
    const dir = project({ 'costs.csv': 'operation,cost,volume\na,0.0002,"1,800,000"\nb,"12,345.67","1,000,000"\n' });
    const run = credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    const table = JSON.parse(run.stdout);
    expect(table.operations.a.volume).toBe(1800000);
    expect(table.operations.b.cost).toBe(12345.67);
    // The column shows its convention ("1,800,000"), so "95,000" in it is 95000.
    const mixed = project({ 'costs.csv': 'operation,cost,volume\na,0.0002,"1,800,000"\nb,0.001,"95,000"\n' });
    expect(JSON.parse(credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: mixed }).stdout).operations.b.volume).toBe(95000);
    // Alone, "95,000" could be 95 with a decimal comma: settled by a flag.
    const alone = project({ 'costs.csv': 'operation,cost,volume\na,0.0002,"95,000"\nb,0.001,"4,000"\n' });
    expect(credits(['design', 'costs.csv'], { cwd: alone })).toMatchObject({ code: 2 });
    expect(JSON.parse(credits(['design', 'costs.csv', '--decimal-point', '--json', '--dry-run'], { cwd: alone }).stdout).operations.a.volume).toBe(95000);
  });

  it('reads 1.234,5 as 1234.5 with --decimal-comma', () => {
    const dir = project({ 'costs.csv': 'operation;cost\nsmall;0,5\nbig;1.234,5\n' });
    const table = JSON.parse(credits(['design', 'costs.csv', '--decimal-comma', '--json', '--dry-run'], { cwd: dir }).stdout);
    expect(table.operations.big.cost).toBe(1234.5);
  });

  it('refuses a decimal comma in a usage log, and reads it with --decimal-comma', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')), 'usage.csv': 'operation,actual_cost\nimage_upload,"0,004"\n' });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    const refused = credits(['audit', 'usage.csv'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: usage\.csv:2:2: actual_cost: "0,004" reads differently by locale; give --decimal-comma/);
    const read = JSON.parse(credits(['audit', 'usage.csv', '--decimal-comma', '--json'], { cwd: dir }).stdout);
    expect(read.operations[0]).toMatchObject({ operation: 'image_upload', cost: 0.004 });
  });
});

describe('2. semicolon and tab exports', () => {
  it('detects the delimiter from the header and records it', () => {
    const dir = project({ 'costs.csv': 'operation;cost\nupload;0,004\nresize;0,012\n' });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).stderr).toMatch(/^error: costs\.csv:2:2: cost: "0,004" reads differently by locale/);
    expect(credits(['design', 'costs.csv', '--decimal-comma'], { cwd: dir }).code).toBe(0);
    expect(yamlOf(dir).design).toMatchObject({ delimiter: ';', decimal_mark: 'comma' });
    expect(yamlOf(dir).operations.resize.cost).toBe(0.012);
    expect(credits(['check'], { cwd: dir }).code).toBe(0);
    const tabs = project({ 'costs.csv': 'operation\tcost\nupload\t0.004\nresize\t0.012\n' });
    expect(JSON.parse(credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: tabs }).stdout).operations.resize.cost).toBe(0.012);
  });

  it('names the fix when the delimiter given does not split the header', () => {
    const dir = project({ 'costs.csv': 'operation;cost\nupload;0.004\n' });
    const run = credits(['design', 'costs.csv', '--delimiter', ','], { cwd: dir });
    expect(run).toMatchObject({ code: 2, stderr: 'error: costs.csv:1: no operation column (expected one of operation, op, name, endpoint, or --column operation=HEADER); columns: operation;cost\n' });
    const mixed = project({ 'costs.csv': 'operation;cost,usd\nupload;0.004\n' });
    expect(credits(['design', 'costs.csv'], { cwd: mixed }).stderr).toBe(
      'error: costs.csv:1: the header line holds both ";" and ",", so the delimiter is not clear; give --delimiter , or --delimiter ";" or --delimiter tab\n',
    );
  });
});

describe('3. every time without an offset is UTC', () => {
  it('gives the same audit under any TZ', () => {
    const dir = project({
      'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')),
      'usage.csv': 'timestamp,operation,actual_cost\n2024-06-10T10:00:00,image_upload,0.0001\n2024-06-10T02:00:00,image_upload,0.0001\n2024-06-09,image_upload,0.0001\n',
    });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    const audits = ['UTC', 'America/New_York', 'Asia/Tokyo'].map((TZ) =>
      credits(['audit', 'usage.csv', '--since', '2024-06-10T01:00:00', '--until', '2024-06-10 12:00', '--json'], { cwd: dir, env: { TZ } }).stdout,
    );
    expect(JSON.parse(audits[0]!)).toMatchObject({ rows: 2, skipped: 1, window: { since: '2024-06-10T01:00:00.000Z', until: '2024-06-10T12:00:00.000Z' } });
    expect(audits[1]).toBe(audits[0]);
    expect(audits[2]).toBe(audits[0]);
  });
});

describe('4. a redesign re-derives what nobody chose', () => {
  it('switches to blended when volumes appear, as a fresh design does', () => {
    const dir = project({ 'costs.csv': 'operation,cost\nsearch,0.0001\nexport,0.02\n' });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    expect(yamlOf(dir).price.basis).toBe('worst');
    expect(yamlOf(dir).design.auto).toEqual(['base_operation', 'basis']);
    writeFileSync(join(dir, 'costs.csv'), 'operation,cost,volume\nsearch,0.0001,9000\nexport,0.02,100\n');
    const redesign = credits(['design', 'costs.csv'], { cwd: dir });
    expect(redesign.code).toBe(0);
    const fresh = project({ 'costs.csv': readFileSync(join(dir, 'costs.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: fresh }).code).toBe(0);
    expect(yamlOf(dir).price).toEqual(yamlOf(fresh).price);
    expect(yamlOf(dir).price.basis).toBe('blended');
    // A chosen basis stays chosen.
    expect(credits(['design', 'costs.csv', '--basis', 'worst'], { cwd: dir }).code).toBe(0);
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    expect(yamlOf(dir).price.basis).toBe('worst');
    expect(yamlOf(dir).design.auto).toEqual(['base_operation']);
  });

  it('warns when an operation far cheaper than a chosen base is rounded up', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv', '--base', 'basic_resize'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'costs.csv'), `${readFileSync(join(dir, 'costs.csv'), 'utf8')}ping,1,1,1,0.0000355,\n`);
    const run = credits(['design', 'costs.csv'], { cwd: dir });
    expect(run.stderr).toContain(
      'warning: ping is worth 0.0444 credits, under the smallest step, so it is rounded up to 1 (+2,154%); make it the base (--base ping) or give a smaller --unit-cost',
    );
  });
});

describe('5. decimals are written back exactly', () => {
  it('a redesign with the same inputs writes the same bytes, rates and multipliers as given', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'llm-gateway-usage.csv')) });
    const args = ['design', 'costs.csv', '--rate', 'gpu_seconds=0.0011', '--rate', 'cpu_ms=0.00000012345678901234567', '--rate', 'egress_mb=0.00009', '--multiplier', 'chat_completion=1.23456789012345678'];
    expect(credits(args, { cwd: dir }).code).toBe(0);
    const first = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    expect(first).toContain('rates: { gpu_seconds: 0.0011, cpu_ms: 0.00000012345678901234567, egress_mb: 0.00009 }');
    expect(first).toContain('multipliers: { chat_completion: 1.23456789012345678 }');
    // Hand-written sections with their own spacing and comments.
    const handWritten = 'modifiers:\n  - { name: off_peak, kind: time, hours_utc: [2, 6], factor: 0.7 }   #  night rate\n  #spaced   comment\nplans:\n  - {name: Starter, price: 29, included_credits: 50000}\n';
    writeFileSync(join(dir, 'credits.yaml'), first + handWritten);
    const before = readFileSync(join(dir, 'credits.yaml'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'credits.yaml')).equals(before)).toBe(true);
    // price --write changes the price, and nothing it does not own.
    expect(credits(['price', '--margin', '0.8', '--write'], { cwd: dir }).code).toBe(0);
    const priced = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    expect(priced).toContain('cpu_ms: 0.00000012345678901234567');
    expect(priced).toContain('multiplier: 1.23456789012345678,');
    expect(priced.endsWith(handWritten)).toBe(true);
  });

  it('plans --write records included credits without float artefacts elsewhere', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv', '--rate', 'cpu_ms=0.0000004'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), `${readFileSync(join(dir, 'credits.yaml'), 'utf8')}plans:\n  - { name: Starter, price: 29, method: cost-multiple, buffer: 0.75 }\n`);
    expect(credits(['plans', '--write'], { cwd: dir }).code).toBe(0);
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    expect(text).toContain('included_credits: 50000');
    expect(text).not.toMatch(/\de-\d/);
  });
});

describe('6. an audit of nothing is not a pass', () => {
  const setup = () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    return dir;
  };
  const rows = ['timestamp,operation,actual_cost', '2024-06-10T10:00:00,image_upload,0.0001', '2024-06-11T10:00:00,video_processing,0.4'];

  it('reads LF, CRLF and CR-only logs alike', () => {
    const dir = setup();
    const audits = ['\n', '\r\n', '\r'].map((eol, i) => {
      writeFileSync(join(dir, `log${i}.csv`), rows.join(eol) + eol);
      const run = credits(['audit', `log${i}.csv`, '--json'], { cwd: dir });
      expect(run.code).toBe(0);
      const { usage: _usage, ...rest } = JSON.parse(run.stdout);
      return rest;
    });
    expect(audits[0]).toMatchObject({ rows: 2 });
    expect(audits[1]).toEqual(audits[0]);
    expect(audits[2]).toEqual(audits[0]);
  });

  it('says there was nothing to audit and exits 1', () => {
    const dir = setup();
    writeFileSync(join(dir, 'empty.csv'), `${rows[0]}\n`);
    const run = credits(['audit', 'empty.csv'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ no calls to audit in empty.csv');
    expect(run.stdout).not.toContain('✓');
    writeFileSync(join(dir, 'log.csv'), `${rows.join('\n')}\n`);
    const outside = credits(['audit', 'log.csv', '--since', '2025-01-01'], { cwd: dir });
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain('✗ no calls to audit in log.csv since 2025-01-01T00:00:00.000Z (2 outside the window)');
    expect(JSON.parse(credits(['audit', 'empty.csv', '--json'], { cwd: dir }).stdout).passed).toBe(false);
  });

  it('refuses an inverted window', () => {
    const dir = setup();
    writeFileSync(join(dir, 'log.csv'), `${rows.join('\n')}\n`);
    expect(credits(['audit', 'log.csv', '--since', '2024-06-20', '--until', '2024-06-10'], { cwd: dir })).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: the window is empty: --since 2024-06-20 (2024-06-20T00:00:00.000Z) is not before --until 2024-06-10 (2024-06-10T00:00:00.000Z)\n',
    });
  });
});

describe('7. design and check agree', () => {
  it('design reports the findings check reports, and --fail-on makes them fail', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
    const design = credits(['design', 'costs.csv', '--floor', '0.6'], { cwd: dir });
    expect(design.code).toBe(0);
    const check = JSON.parse(credits(['check', '--json'], { cwd: dir }).stdout);
    expect(check.findings.map((f: { code: string; operation: string }) => `${f.code} ${f.operation}`)).toEqual(['zero-credit-discount image_upload', 'modifier-below-floor video_processing']);
    expect(design.stdout).toContain('2 findings that `credits check` reports for this table:');
    for (const f of check.findings) expect(design.stdout).toContain(`error ${f.code} ${f.operation}: ${f.message}`);
    expect(design.stdout).not.toContain('Every margin clears the floor');
    expect(credits(['design', 'costs.csv', '--fail-on', 'error'], { cwd: dir }).code).toBe(1);
    expect(credits(['design', 'costs.csv', '--fail-on', 'none'], { cwd: dir }).code).toBe(0);
  });
});

describe('8. every finding names a command that clears it', () => {
  type Finding = { code: string; operation: string | null; message: string };
  const findings = (dir: string): Finding[] => JSON.parse(credits(['check', '--json'], { cwd: dir }).stdout).findings;
  /** Runs the command a finding names, as printed, and returns the findings after it. */
  function follow(dir: string, finding: Finding): Finding[] {
    const command = /run `([^`]+)`/.exec(finding.message)?.[1];
    expect(command, finding.message).toBeDefined();
    const [program, ...args] = command!.split(' ');
    expect(program).toBe('credits');
    const run = credits(args, { cwd: dir });
    expect(run.code, `${command}\n${run.stderr}`).toBe(0);
    return findings(dir);
  }
  const designed = (extra = '') => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    if (extra) writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + extra);
    return dir;
  };
  const editCosts = (dir: string, from: string, to: string) => {
    const text = readFileSync(join(dir, 'costs.csv'), 'utf8');
    expect(text).toContain(from);
    writeFileSync(join(dir, 'costs.csv'), text.replace(from, to));
  };
  const cases: [string, (dir: string) => void, string, string | null][] = [
    ['unpriced-operation', (dir) => writeFileSync(join(dir, 'costs.csv'), `${readFileSync(join(dir, 'costs.csv'), 'utf8')}watermark,10,20,30,0.0004,\n`), 'unpriced-operation', 'watermark'],
    ['stale-operation', (dir) => editCosts(dir, 'basic_resize,200,256,200,0.0008,\n', ''), 'stale-operation', 'basic_resize'],
    ['credit-drift', (dir) => editCosts(dir, 'ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.04'), 'credit-drift', 'ai_analysis'],
    ['hand-edit', (dir) => writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8').replace('basic_resize: { credits: 5,', 'basic_resize: { credits: 10,')), 'hand-edit', 'basic_resize'],
    [
      'price-drift (every cost doubled)',
      (dir) => writeFileSync(join(dir, 'costs.csv'), readFileSync(join(dir, 'costs.csv'), 'utf8').replace(/,(0\.\d+),/g, (_, c: string) => `,${(Number(c) * 2).toFixed(4)},`)),
      'price-drift',
      null,
    ],
    ['margin-below-floor', (dir) => editCosts(dir, 'video_processing,60000,4096,5000,0.5000', 'video_processing,60000,4096,5000,1.3'), 'margin-below-floor', 'video_processing'],
    ['negative-margin', (dir) => editCosts(dir, 'video_processing,60000,4096,5000,0.5000', 'video_processing,60000,4096,5000,3.00'), 'negative-margin', 'video_processing'],
  ];
  for (const [name, damage, code, operation] of cases) {
    it(name, () => {
      const dir = designed();
      damage(dir);
      const finding = findings(dir).find((f) => f.code === code && f.operation === operation);
      expect(finding, JSON.stringify(findings(dir))).toBeDefined();
      expect(follow(dir, finding!).filter((f) => f.code === code && f.operation === operation)).toEqual([]);
    });
  }

  it('price-drift alone is cleared by price --costs, which shows old → new', () => {
    const dir = designed();
    writeFileSync(join(dir, 'costs.csv'), readFileSync(join(dir, 'costs.csv'), 'utf8').replace(/,(0\.\d+),/g, (_, c: string) => `,${(Number(c) * 2).toFixed(4)},`));
    const [finding] = findings(dir);
    expect(finding!.message).toContain('run `credits price --write --costs costs.csv`');
    const shown = credits(['price', '--costs', 'costs.csv'], { cwd: dir });
    expect(shown.stdout).toContain('Price change: $1 per 1,000 credits → $2 per 1,000 credits');
  });

  it('zero-credit-discount and modifier-below-floor: pinned at the least credits that clear them', () => {
    const modifiers = readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8');
    const zero = designed(modifiers);
    const free = findings(zero).find((f) => f.code === 'zero-credit-discount')!;
    expect(free.message).toContain('run `credits design costs.csv --pin image_upload=5`');
    expect(follow(zero, free)).toEqual([]);
    expect(yamlOf(zero).operations.image_upload).toMatchObject({ credits: 5, pinned: true });

    const low = designed(modifiers.replace('factor: 0.6 }', 'factor: 0.45 }'));
    writeFileSync(join(low, 'credits.yaml'), readFileSync(join(low, 'credits.yaml'), 'utf8').replace('floor: 0.5', 'floor: 0.6'));
    const under = findings(low).find((f) => f.code === 'modifier-below-floor' && f.operation === 'video_processing')!;
    expect(under.message).toMatch(/run `credits design costs\.csv --pin video_processing=\d+`/);
    expect(follow(low, under).filter((f) => f.operation === 'video_processing')).toEqual([]);
  });
});

describe('9. one operation, one story', () => {
  it('a hand edit that the new costs agree with is no finding at all', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8').replace('ai_analysis: { credits: 100,', 'ai_analysis: { credits: 50,'));
    // 0.0067 / 0.0002 × 1.5 = 50.25: the design gives 50 now.
    writeFileSync(join(dir, 'costs.csv'), readFileSync(join(dir, 'costs.csv'), 'utf8').replace('ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.0067'));
    const found = JSON.parse(credits(['check', '--json'], { cwd: dir }).stdout).findings as { operation: string; committed: unknown; expected: unknown }[];
    expect(found.filter((f) => f.operation === 'ai_analysis')).toEqual([]);
    for (const f of found) expect(f.committed).not.toEqual(f.expected);
  });

  it('an edit and a drift together are one finding that tells both', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8').replace('ai_analysis: { credits: 100,', 'ai_analysis: { credits: 50,'));
    // 0.025 / 0.0002 × 1.5 = 187.5: the design gives 250 now; 50 credits still clear the floor.
    writeFileSync(join(dir, 'costs.csv'), readFileSync(join(dir, 'costs.csv'), 'utf8').replace('ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.025'));
    const found = JSON.parse(credits(['check', '--json'], { cwd: dir }).stdout).findings.filter((f: { operation: string }) => f.operation === 'ai_analysis');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'credit-drift', committed: 50, expected: 250 });
    expect(found[0].message).toContain('(its 50 was also set by hand; the recorded cost gave 100)');
  });
});

describe('10. --max-levels counts pinned values', () => {
  it('leaves at most N distinct values with a pinned operation', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv', '--pin', 'basic_resize=7'], { cwd: dir }).code).toBe(0);
    expect(credits(['design', 'costs.csv', '--max-levels', '2'], { cwd: dir }).code).toBe(0);
    const values = new Set(Object.values(yamlOf(dir).operations).map((o) => (o as { credits: number }).credits));
    expect(values.size).toBeLessThanOrEqual(2);
    expect(values.has(7)).toBe(true);
    const refused = credits(['design', 'costs.csv', '--max-levels', '1', '--pin', 'image_upload=3'], { cwd: dir });
    expect(refused).toMatchObject({ code: 2, stderr: 'error: --max-levels 1: the pinned operations alone hold 2 distinct credit values; allow at least that many, or unpin some\n' });
  });
});

describe('the smaller holes', () => {
  it('refuses a currency sign that is not the table’s currency', () => {
    const dir = project({ 'costs.csv': 'operation,cost\na,$0.0002\nb,€0.0004\n' });
    expect(credits(['design', 'costs.csv'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'error: costs.csv:3:2: cost: "€0.0004" is written in €, but the table\'s currency is USD; convert it, or set --currency\n',
    });
    expect(credits(['design', 'costs.csv', '--currency', 'EUR'], { cwd: dir }).stderr).toBe(
      'error: costs.csv:2:2: cost: "$0.0002" is written in $, but the table\'s currency is EUR; convert it, or set --currency\n',
    );
  });

  it('refuses a blank volume, and all-zero volumes name the file and --basis worst', () => {
    const blank = project({ 'costs.csv': 'operation,cost,volume\na,0.0002,10\nb,0.0004,\n' });
    expect(credits(['design', 'costs.csv'], { cwd: blank }).stderr).toBe('error: costs.csv:3:3: volume: the volume is empty; give every row its volume (0 for none)\n');
    const zero = project({ 'costs.csv': 'operation,cost,volume\na,0.0002,0\nb,0.0004,0\n' });
    expect(credits(['design', 'costs.csv'], { cwd: zero })).toMatchObject({
      code: 2,
      stderr: 'error: costs.csv: basis blended needs volumes, and every volume is 0; fill in the volumes, or give --basis worst\n',
    });
  });

  it('lets --multiplier win over samples that disagree on the multiplier', () => {
    const dir = project({ 'costs.csv': 'operation,cost,multiplier\na,0.0002,\nb,0.001,1.5\nb,0.001,2\n' });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).stderr).toMatch(/samples of b disagree on the multiplier/);
    const run = credits(['design', 'costs.csv', '--multiplier', 'b=2', '--json', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).operations.b.multiplier).toBe(2);
  });

  it('refuses a flag given twice with different values, and a database that is not PostgreSQL', () => {
    const dir = project({ 'costs.csv': 'operation,cpu_ms\na,10\nb,20\n' });
    expect(credits(['design', 'costs.csv', '--rate', 'cpu_ms=0.1', '--rate', 'cpu_ms=0.2'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'error: --rate cpu_ms is given twice, as 0.1 and 0.2; give it once\n',
    });
    expect(credits(['audit', '--db', 'mysql://u@h/db'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'error: --db: only postgres:// (or postgresql://) URLs are supported, got "mysql:…"\n' });
  });

  it('takes a rate by its header as written, per million, and suggests --column for a cost-like header', () => {
    const dir = project({ 'costs.csv': 'operation,GPT-4o input tokens\nchat,1200\nsummary,4000\n' });
    const run = credits(['design', 'costs.csv', '--rate', 'GPT-4o input tokens=2.5/1M', '--json', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    const table = JSON.parse(run.stdout);
    expect(table.design.rates).toEqual({ gpt_4o_input_tokens: 0.0000025 });
    expect(table.operations.chat.cost).toBe(0.003);
    const costLike = project({ 'costs.csv': 'operation,Unit Cost (USD),notes\na,0.0002,x\nb,0.001,y\n' });
    expect(credits(['design', 'costs.csv'], { cwd: costLike }).stderr).toBe(
      'error: costs.csv:1:2: no cost column, and no rate for resource column unit_cost_usd; give --rate unit_cost_usd=AMOUNT or add a cost column; if "Unit Cost (USD)" is the cost of each call, give --column cost="Unit Cost (USD)"\n',
    );
  });

  it('takes ratios as percentages', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    const table = JSON.parse(credits(['design', 'costs.csv', '--margin', '70%', '--floor', '50%', '--multiplier', 'basic_resize=120%', '--json', '--dry-run'], { cwd: dir }).stdout);
    expect(table.price.target_margin).toBe(0.7);
    expect(table.design.floor).toBe(0.5);
    expect(table.operations.basic_resize.multiplier).toBe(1.2);
  });

  it('reports every problem of a damaged table, one line each', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8').replace('per_credit: 0.001', 'per_credit: abc').replace('basic_resize: { credits: 5,', 'basic_resize: { credits: -5,');
    writeFileSync(join(dir, 'credits.yaml'), `${text}modifiers:\n  - { name: night, kind: time, factor: 0.7 }\n`);
    const lines = credits(['check'], { cwd: dir }).stderr.trim().split('\n');
    expect(lines).toEqual([
      'error: credits.yaml:6:15: price.per_credit: must be number',
      expect.stringMatching(/^error: credits\.yaml:15:\d+: operations\.basic_resize\.credits: must be > 0$/),
      "error: credits.yaml:20:5: modifiers[0]: must have required property 'hours_utc' (hours_utc)",
    ]);
  });

  it('says "1 credit", does not repeat a price of a credit or more, and lines up money', () => {
    const dir = project({ 'costs.csv': 'operation,cost\na,0.2\nb,4\n' });
    const first = credits(['design', 'costs.csv'], { cwd: dir });
    expect(first.stdout).toContain('Price: $1 per credit\n');
    expect(first.stdout).toMatch(/│ a\s+│ \$0\.20 │/);
    writeFileSync(join(dir, 'costs.csv'), 'operation,cost\na,0.2\nb,4\nc,0.1\n');
    expect(credits(['design', 'costs.csv', '--base', 'a'], { cwd: dir }).stderr).toContain('  + c: 1 credit (new)\n');
  });

  it('thousands separators on calls', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'usage.csv'), `operation,actual_cost\n${'image_upload,0.0001\n'.repeat(1234)}`);
    const run = credits(['audit', 'usage.csv'], { cwd: dir });
    expect(run.stdout).toContain('1,234 calls');
    expect(run.stdout).toMatch(/│ image_upload\s+│\s+1,234 │/);
  });

  it('docs speak of "over plan" only when there are plans', () => {
    const dir = project({ 'costs.csv': readFileSync(join(FIXTURES, 'image-api.csv')) });
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    const page = credits(['docs'], { cwd: dir }).stdout;
    expect(page).not.toMatch(/plan/i);
    expect(page).toContain('100 × ai\\_analysis = 10,000 credits, costing $10.');
    copyFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), join(dir, 'extra.yaml'));
    writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(dir, 'extra.yaml'), 'utf8'));
    expect(credits(['docs'], { cwd: dir }).stdout).toContain('$10 over plan.');
  });
});
