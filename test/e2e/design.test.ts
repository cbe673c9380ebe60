import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

const EXAMPLE = join(FIXTURES, 'image-api.csv');

function designed(dir: string, args: string[] = []) {
  copyFileSync(EXAMPLE, join(dir, 'costs.csv'));
  return credits(['design', 'costs.csv', ...args], { cwd: dir });
}

describe('credits design on the worked example', () => {
  it('prints the summary with credits, margins and the price', () => {
    const dir = tempDir();
    const run = designed(dir);
    expect(run.code).toBe(0);
    const row = (op: string) => run.stdout.split('\n').find((line) => line.startsWith(`│ ${op} `))!.split('│').map((c) => c.trim()).filter(Boolean);
    expect(row('image_upload')).toEqual(['image_upload', '$0.0002', '1', '1', '1', '0%', '80%']);
    expect(row('basic_resize')).toEqual(['basic_resize', '$0.0008', '4', '1', '5', '+25%', '84%']);
    expect(row('ai_analysis')).toEqual(['ai_analysis', '$0.0150', '75', '1.5', '100', '−11.1%', '85%']);
    expect(row('background_removal')).toEqual(['background_removal', '$0.0400', '200', '1.2', '250', '+4.2%', '84%']);
    expect(row('video_processing')).toEqual(['video_processing', '$0.5000', '2500', '1', '2,500', '0%', '80%']);
    expect(run.stdout).toContain('Price: $1 per 1,000 credits ($0.001 per credit)');
    expect(run.stdout).toContain('(basis worst) is $0.0002');
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stderr).toBe('Wrote credits.yaml\n');
  });

  it('writes the table of SPEC §3', () => {
    const dir = tempDir();
    designed(dir);
    const text = readFileSync(join(dir, 'credits.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.+credits\.schema\.json$/);
    const schemaPath = text.split('\n')[0]!.split('$schema=')[1]!;
    expect(existsSync(join(dir, schemaPath))).toBe(true);
    expect(text).toContain('unit: { base_operation: image_upload, cost_per_credit: 0.0002 }');
    expect(text).toContain('  pack: { credits: 1000, price: 1 }');
    expect(text).toContain('  display: $1 per 1,000 credits');
    expect(text).toContain('design: { ladder: friendly, rounding: nearest, stat: mean, floor: 0.5, rates: {}, multipliers: { ai_analysis: 1.5, background_removal: 1.2 }, auto: [ base_operation, basis ] }');
    expect(text).toContain('  image_upload: { credits: 1, cost: 0.0002, raw_credits: 1, multiplier: 1, margin: 0.8 }');
    expect(text).toContain('  ai_analysis: { credits: 100, cost: 0.015, raw_credits: 75, multiplier: 1.5, margin: 0.85 }');
    const table = parse(text);
    expect(table.source.file).toBe('costs.csv');
    expect(table.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(table.operations).map((o: any) => o.credits)).toEqual([1, 5, 100, 250, 2500]);
    expect(Object.values(table.operations).map((o: any) => o.margin)).toEqual([0.8, 0.84, 0.85, 0.84, 0.8]);
    expect(table.price).toMatchObject({ per_credit: 0.001, target_margin: 0.7, basis: 'worst' });
  });

  it('prints only the table as JSON with --json, with the same keys as the YAML', () => {
    const dir = tempDir();
    const run = designed(dir, ['--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    const yaml = parse(readFileSync(join(dir, 'credits.yaml'), 'utf8'));
    expect(json).toEqual({ schema_version: 1, ...yaml });
    expect(json.operations.ai_analysis).toEqual({ credits: 100, cost: 0.015, raw_credits: 75, multiplier: 1.5, margin: 0.85 });
    expect(json.price.display).toBe('$1 per 1,000 credits');
  });

  it('writes nothing on --dry-run and the YAML to stdout with -o -', () => {
    const dir = tempDir();
    const dry = designed(dir, ['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('Dry run: credits.yaml not written.');
    expect(existsSync(join(dir, 'credits.yaml'))).toBe(false);
    const piped = designed(dir, ['-o', '-']);
    expect(piped.code).toBe(0);
    expect(parse(piped.stdout).operations.video_processing.credits).toBe(2500);
    expect(piped.stderr).toContain('Price: $1 per 1,000 credits');
    expect(existsSync(join(dir, 'credits.yaml'))).toBe(false);
  });

  it('reads the costs from stdin with -', () => {
    const dir = tempDir();
    const run = credits(['design', '-', '-o', 'out.yaml', '--json'], { cwd: dir, input: readFileSync(EXAMPLE) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).source.file).toBe('-');
    expect(existsSync(join(dir, 'out.yaml'))).toBe(true);
  });

  it('reads CRLF, a BOM, quotes, currency signs and thousands separators', () => {
    const dir = tempDir();
    const csv = '\uFEFF"Operation","Total Cost","Calls"\r\n"image, upload","$0.0002","1,000,000"\r\n"resize\nlarge",$0.0008,500\r\n';
    writeFileSync(join(dir, 'costs.csv'), csv);
    const run = credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    const table = JSON.parse(run.stdout);
    expect(Object.keys(table.operations)).toEqual(['image, upload', 'resize\nlarge']);
    expect(table.operations['image, upload']).toMatchObject({ credits: 1, volume: 1000000 });
    expect(table.price.basis).toBe('blended');
  });
});

describe('designing again over an existing table', () => {
  it('keeps comments, pinned operations, modifiers and plans, and prints what changed', () => {
    const dir = tempDir();
    designed(dir);
    const path = join(dir, 'credits.yaml');
    let text = readFileSync(path, 'utf8');
    text = text.replace('version: 1', '# Owned by the pricing team.\nversion: 1');
    text = text.replace('  video_processing: { credits: 2500,', '  video_processing: { pinned: true, credits: 2000,');
    text += 'modifiers:\n  - { name: off_peak, kind: time, hours_utc: [2, 6], factor: 0.7 }\nplans:\n  - { name: Starter, price: 29, included_credits: 50000 }\n';
    writeFileSync(path, text);
    const costs = readFileSync(join(dir, 'costs.csv'), 'utf8').replace('ai_analysis,2000,1024,50,0.0150', 'ai_analysis,2000,1024,50,0.0400');
    writeFileSync(join(dir, 'costs.csv'), costs);

    const run = credits(['design', 'costs.csv'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Changes:\n  ai_analysis: 100 → 250 credits\n');
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('# Owned by the pricing team.\nversion: 1');
    expect(after).toContain('video_processing: { pinned: true, credits: 2000,');
    // Hand-written sections stay byte for byte as written.
    expect(after).toContain('modifiers:\n  - { name: off_peak, kind: time, hours_utc: [2, 6], factor: 0.7 }\nplans:\n');
    expect(after).toContain('  - { name: Starter, price: 29, included_credits: 50000 }');
    expect(after).toContain('  ai_analysis: { credits: 250, cost: 0.04, raw_credits: 200, multiplier: 1.5, margin: ');
    expect(after.match(/yaml-language-server/g)).toHaveLength(1);
  });

  it('reuses the recorded design parameters, and flags override and are recorded', () => {
    const dir = tempDir();
    designed(dir, ['--ladder', '1-5', '--margin', '0.6']);
    const again = credits(['design', 'costs.csv', '--json', '--dry-run'], { cwd: dir });
    const table = JSON.parse(again.stdout);
    expect(table.design.ladder).toBe('1-5');
    expect(table.price.target_margin).toBe(0.6);
    expect(again.stderr).toContain('No credits changed.');
    const changed = credits(['design', 'costs.csv', '--ladder', 'friendly'], { cwd: dir });
    expect(changed.code).toBe(0);
    expect(parse(readFileSync(join(dir, 'credits.yaml'), 'utf8')).design.ladder).toBe('friendly');
  });

  it('gives a changed value its natural style: a table redesigned is byte for byte a fresh design', () => {
    const dir = tempDir();
    designed(dir, ['--ladder', '1,5,25,125,625,3125']);
    expect(readFileSync(join(dir, 'credits.yaml'), 'utf8')).toContain('ladder: "1,5,25,125,625,3125"');
    designed(dir, ['--ladder', 'friendly']);
    const fresh = tempDir();
    designed(fresh);
    expect(readFileSync(join(dir, 'credits.yaml'), 'utf8')).toBe(readFileSync(join(fresh, 'credits.yaml'), 'utf8'));
  });

  it('leaves no temporary files behind', () => {
    const dir = tempDir();
    designed(dir);
    designed(dir, ['--margin', '0.8']);
    expect(readdirSync(dir).sort()).toEqual(['costs.csv', 'credits.yaml']);
  });
});

describe('--column', () => {
  it('maps headers that fit no alias, and records the mapping so check reads the file the same way', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'costs.csv'), 'Route,Unit Price,Hits\n/search,$0.0001,"9,000,000"\n/export,$0.02,100\n');
    const run = credits(['design', 'costs.csv', '--column', 'operation=Route', '--column', 'cost=unit_price', '--column', 'volume=Hits', '--json'], { cwd: dir });
    expect(run.code).toBe(0);
    const table = JSON.parse(run.stdout);
    expect(table.design.columns).toEqual({ operation: 'Route', cost: 'unit_price', volume: 'Hits' });
    expect(table.operations['/export']).toMatchObject({ credits: 250, volume: 100 });
    expect(credits(['check'], { cwd: dir })).toMatchObject({ code: 0, stdout: '✓ credits.yaml matches costs.csv: no findings\n' });
  });
});

describe('the other fixtures', () => {
  it('designs from resource usage × rates', () => {
    const run = credits(
      ['design', join(FIXTURES, 'llm-gateway-usage.csv'), '--rate', 'gpu_seconds=0.0011', '--rate', 'cpu_ms=0.0000004', '--rate', 'egress_mb=0.00009', '--dry-run', '--json'],
    );
    expect(run.code).toBe(0);
    const table = JSON.parse(run.stdout);
    // chat_completion: 0.9 × 0.0011 + 120 × 0.0000004 + 0.02 × 0.00009 = 0.0010398
    expect(table.operations.chat_completion.cost).toBe(0.0010398);
    // image_generation adds its third-party fee: 0.00715 + 0.00012 + 0.000135 + 0.002
    expect(table.operations.image_generation.cost).toBe(0.009405);
    expect(table.design.rates).toEqual({ gpu_seconds: 0.0011, cpu_ms: 0.0000004, egress_mb: 0.00009 });
    expect(table.price.basis).toBe('blended');
    expect(table.operations.embeddings.volume).toBe(4200000);
  });

  it('aggregates raw samples with --stat', () => {
    const mean = JSON.parse(credits(['design', join(FIXTURES, 'search-api-samples.csv'), '--dry-run', '--json']).stdout);
    expect(mean.operations.search.cost).toBe(0.0001375);
    expect(mean.operations.search.volume).toBe(4);
    const p90 = JSON.parse(credits(['design', join(FIXTURES, 'search-api-samples.csv'), '--dry-run', '--json', '--stat', 'p90']).stdout);
    // search samples sorted: 0.00011, 0.00012, 0.00013, 0.00019; h = 2.7 → 0.00013 + 0.7 × 0.00006
    expect(p90.operations.search.cost).toBe(0.000172);
    expect(p90.design.stat).toBe('p90');
  });
});

describe('a large file of raw samples', () => {
  /**
   * Over 16 MiB of samples, the size from which they are read on worker threads, in few enough rows (each with a long
   * note, as exports carry) for the general reader to read quickly; `edit` changes lines (0 is the header).
   */
  function samplesFile(dir: string, edit: (lines: string[]) => void = () => undefined, withMultiplier = false): string {
    const lines = [withMultiplier ? 'operation,cost,note,multiplier' : 'operation,cost,note'];
    const note = 'traced request; '.repeat(7);
    for (let i = 0; i < 150_000; i++) lines.push(`op_${i % 7},0.000${100 + ((i * 7919) % 900)},${note}${i}${withMultiplier ? (i % 7 === 3 ? ',1.5' : ',') : ''}`);
    edit(lines);
    writeFileSync(join(dir, 'samples.csv'), `${lines.join('\n')}\n`);
    expect(statSync(join(dir, 'samples.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    return join(dir, 'samples.csv');
  }
  /** The table designed from the file by path (worker threads) and from stdin (read whole), with the source's name left out. */
  function bothWays(dir: string, ...args: string[]) {
    const byPath = credits(['design', 'samples.csv', '--json', '--dry-run', ...args], { cwd: dir });
    const byStdin = credits(['design', '-', '--json', '--dry-run', ...args], { cwd: dir, input: readFileSync(join(dir, 'samples.csv')) });
    const table = (run: typeof byPath) => {
      expect(run.code, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout);
      delete doc.source.file;
      return doc;
    };
    return [table(byPath), table(byStdin)];
  }

  it('reads the same on worker threads as whole, for every statistic', () => {
    const dir = tempDir();
    samplesFile(dir, undefined, true);
    for (const stat of ['p95', 'p50', 'mean', 'max']) {
      const [threads, whole] = bothWays(dir, '--stat', stat);
      expect(threads, stat).toEqual(whole);
      expect(threads.operations.op_3.multiplier).toBe(1.5);
    }
  }, 120_000);

  it('leaves a late quote, and a late bad row, to the general reader, which names its line', () => {
    const dir = tempDir();
    samplesFile(dir, (lines) => (lines[140_000] = 'op_2,"0.000150",quoted'));
    const [threads, whole] = bothWays(dir, '--stat', 'p95');
    expect(threads).toEqual(whole);
    samplesFile(dir, (lines) => (lines[140_000] = 'op_2,abc,bad'));
    const bad = credits(['design', 'samples.csv', '--dry-run'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('samples.csv:140001:2: cost: "abc" is not a number');
  }, 120_000);

  it('refuses samples that disagree on the multiplier in different parts of the file', () => {
    const dir = tempDir();
    // Each thread reads half the file: the first finds only 1.5, the second only 2.
    samplesFile(dir, (lines) => lines.forEach((line, i) => i > 76_000 && line.endsWith(',1.5') && (lines[i] = `${line.slice(0, -4)},2`)), true);
    const run = credits(['design', 'samples.csv', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/op_3.*multiplier/);
  }, 120_000);

  it('shows a progress bar on a terminal, and none when stderr is not one', async () => {
    const { Terminal } = await import('../support/pty.js');
    const dir = tempDir();
    const rows = Array.from({ length: 1_400_000 }, (_, i) => `op_${i % 7},0.000${100 + (i % 900)}`);
    writeFileSync(join(dir, 'samples.csv'), `operation,cost\n${rows.join('\n')}\n`);
    // Over the size from which reading shows its progress.
    expect(statSync(join(dir, 'samples.csv')).size).toBeGreaterThan(16 * 1024 * 1024);
    const term = new Terminal(['design', 'samples.csv', '--stat', 'p95', '--dry-run'], dir);
    expect(await term.exited).toBe(0);
    expect(term.text).toMatch(/\[#+-*\] \d+% [\d.]+ MB/);
    const piped = credits(['design', 'samples.csv', '--stat', 'p95', '--dry-run'], { cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('Dry run: credits.yaml not written.\n');
  }, 60_000);
});
