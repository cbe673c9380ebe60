import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';

let dir: string;
let tableBefore: Buffer;

/** Every case runs next to an existing table that must come out byte for byte the same. */
beforeEach(() => {
  dir = tempDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  const first = credits(['design', 'costs.csv'], { cwd: dir });
  expect(first.code).toBe(0);
  tableBefore = readFileSync(join(dir, 'credits.yaml'));
});

function designBad(csv: string | Buffer, args: string[] = []) {
  writeFileSync(join(dir, 'bad.csv'), csv);
  return credits(['design', 'bad.csv', ...args], { cwd: dir });
}

function expectRefused(run: { code: number | null; stdout: string; stderr: string }, message: string) {
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`error: ${message}\n`);
  expect(run.stdout).toBe('');
  expect(readFileSync(join(dir, 'credits.yaml')).equals(tableBefore)).toBe(true);
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('bad costs files', () => {
  const cases: [string, string, string][] = [
    ['an empty file', '', 'bad.csv:1: the file is empty; expected a header row and one row per operation'],
    ['blank lines only', '\n\r\n  \n', 'bad.csv:1: the file is empty; expected a header row and one row per operation'],
    ['a header only', 'operation,cost\n', 'bad.csv:2: has a header row but no operations'],
    [
      'no operation column',
      'thing,cost\na,1\n',
      'bad.csv:1: no operation column (expected one of operation, op, name, endpoint, or --column operation=HEADER); columns: thing, cost',
    ],
    ['a non-numeric cost', 'operation,cost\na,1\nb,abc\n', 'bad.csv:3:2: cost: "abc" is not a number'],
    ['a negative cost', 'operation,cost\na,-0.5\n', 'bad.csv:2:2: cost: -0.5 is negative'],
    ['NaN', 'operation,cost\na,NaN\n', 'bad.csv:2:2: cost: "NaN" is not a number'],
    ['an empty cost', 'operation,cost\na,\n', 'bad.csv:2:2: cost: the cost is empty'],
    ['a zero cost', 'operation,cost\nbase,0\nb,1\n', 'bad.csv:2:2: cost: must be greater than 0, got 0'],
    ['an unterminated quote', 'operation,cost\na,1\nb,"0.5\nc,1\n', 'bad.csv:3: a quoted field is never closed (unterminated quote)'],
    ['text after a closing quote', 'operation,cost\na,"1"x\n', 'bad.csv:2:2: text after a closing quote; quote the whole field and double any quote inside it'],
    ['a ragged row', 'operation,cost\na,1\nb,2,3\n', 'bad.csv:3:3: row has 3 fields but the header has 2'],
    ['a short row', 'operation,cost,volume\na,1,2\nb,2\n', 'bad.csv:3:3: row has 2 fields but the header has 3'],
    [
      'resource columns without rates',
      'operation,cpu_ms,memory_mb,notes\na,50,100,cheap\n',
      'bad.csv:1:2: no cost column, and no rate for resource columns cpu_ms, memory_mb; give --rate cpu_ms=AMOUNT --rate memory_mb=AMOUNT or add a cost column',
    ],
    ['duplicate headers', 'operation,Cost,cost\na,1,1\n', 'bad.csv:1:3: duplicate column "cost" (same as column 2, "Cost")'],
    [
      'two cost columns',
      'operation,cost,total_cost\na,1,1\n',
      'bad.csv:1:3: columns "cost" and "total_cost" could both be the cost column; choose one with --column cost=HEADER',
    ],
    ['an empty operation name', 'operation,cost\n ,1\n', 'bad.csv:2:1: operation: the operation name is empty'],
    ['samples that disagree on the multiplier', 'operation,cost,multiplier\na,1,1.5\na,2,2\n', 'bad.csv:3:3: samples of a disagree on the multiplier: 1.5 (line 2) and 2'],
    ['a zero multiplier', 'operation,cost,multiplier\na,1,0\n', 'bad.csv:2:3: multiplier: must be greater than 0, got 0'],
    ['a negative volume', 'operation,cost,volume\na,1,-5\n', 'bad.csv:2:3: volume: -5 is negative'],
  ];
  for (const [what, csv, message] of cases) {
    it(`refuses ${what}`, () => expectRefused(designBad(csv), message));
  }

  it('names the line a multi-line record starts on', () => {
    expectRefused(designBad('operation,cost\n"two\nlines",1\nb,x\n'), 'bad.csv:4:2: cost: "x" is not a number');
  });

  it('refuses a zero-cost base whatever the cost is computed from', () => {
    expectRefused(designBad('operation,cpu_ms\na,0\nb,10\n', ['--rate', 'cpu_ms=0.001']), 'bad.csv:2:2: the computed cost of this row is 0 (every resource × rate is 0); every operation must cost something');
  });

  it('refuses a missing file', () => {
    expectRefused(credits(['design', 'nope.csv'], { cwd: dir }), 'nope.csv: no such costs file');
  });

  it('refuses a directory', () => {
    expectRefused(credits(['design', '.'], { cwd: dir }), '.: is a directory, not a costs file');
  });
});

describe('bad flags', () => {
  const run = (...args: string[]) => credits(['design', 'costs.csv', ...args], { cwd: dir });
  const usage = (r: ReturnType<typeof run>, message: string) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${message}\n(run with --help for usage)\n`);
    expect(readFileSync(join(dir, 'credits.yaml')).equals(tableBefore)).toBe(true);
  };

  it('refuses an unknown flag', () => usage(run('--bogus'), "unknown option '--bogus'"));
  it('refuses a margin of 1', () => usage(run('--margin', '1'), "option '--margin <ratio>' argument '1' is invalid. --margin must be at least 0 and below 1 (0% to 99.9…%), got 1"));
  it('refuses a non-numeric margin', () => usage(run('--margin', 'abc'), "option '--margin <ratio>' argument 'abc' is invalid. --margin must be a ratio such as 0.7 or 70%, got \"abc\""));
  it('refuses an unknown ladder rounding', () => usage(run('--rounding', 'sideways'), "option '--rounding <mode>' argument 'sideways' is invalid. Allowed choices are nearest, up, down."));
  it('refuses a malformed --rate', () => usage(run('--rate', 'cpu_ms'), "option '--rate <column=amount>' argument 'cpu_ms' is invalid. --rate takes KEY=VALUE, got \"cpu_ms\""));
  it('refuses --max-levels 0', () => usage(run('--max-levels', '0'), "option '--max-levels <n>' argument '0' is invalid. --max-levels must be a whole number ≥ 1, got \"0\""));
  it('refuses a missing costs argument', () => usage(credits(['design'], { cwd: dir }), "missing required argument 'costs'"));

  it('refuses an unknown base operation and lists the known ones', () => {
    expectRefused(run('--base', 'nope'), 'base operation "nope" is not an operation of the costs (known: image_upload, basic_resize, ai_analysis, background_removal, video_processing)');
  });
  it('refuses a multiplier for an unknown operation', () => {
    expectRefused(run('--multiplier', 'ghost=2'), '--multiplier "ghost" is not an operation of the costs (known: image_upload, basic_resize, ai_analysis, background_removal, video_processing)');
  });
  it('refuses a value above the largest step of a custom ladder, naming the operation', () => {
    expectRefused(run('--ladder', '1,5,100,250'), 'video_processing needs 2500 credits, above the largest step of ladder 1,5,100,250');
  });
  it('refuses a nonsense ladder', () => {
    expectRefused(run('--ladder', 'fibonacci'), 'ladder "fibonacci" is neither friendly, 1-2-5, 1-5, integer nor a comma list of positive numbers ("fibonacci")');
  });
  it('refuses a rate for a column that is not there', () => {
    writeFileSync(join(dir, 'usage.csv'), 'operation,cpu_ms\na,5\n');
    expectRefused(credits(['design', 'usage.csv', '--rate', 'cpu_ms=0.1', '--rate', 'gpu=1'], { cwd: dir }), '--rate gpu: usage.csv has no resource column "gpu" (resource columns: cpu_ms)');
  });
  it('refuses a --column mapping to a header that is not there', () => {
    expectRefused(run('--column', 'cost=price'), '--column cost=price: costs.csv has no such column (columns: operation, cpu_ms, memory_mb, bandwidth_kb, cost, multiplier)');
  });
  it('refuses both --base and --unit-cost', () => {
    expectRefused(run('--base', 'image_upload', '--unit-cost', '0.0001'), '--base and --unit-cost both set the unit; give one');
  });
  it('refuses a bad currency', () => {
    expectRefused(run('--currency', 'dollars'), '--currency takes a three-letter ISO 4217 code such as USD or EUR, got "dollars"');
  });
  it('refuses --json with -o -', () => {
    expectRefused(run('--json', '-o', '-'), '--json and -o - would both print the table on stdout; choose one');
  });
  it('refuses blended without volumes', () => {
    expectRefused(run('--basis', 'blended'), 'costs.csv: basis blended needs volumes, and image_upload has none (add a volume column or use --basis worst)');
  });
});

describe('a damaged existing table', () => {
  it('is left as it is, with a message naming its line', () => {
    writeFileSync(join(dir, 'credits.yaml'), 'version: 1\noperations: [\n');
    tableBefore = readFileSync(join(dir, 'credits.yaml'));
    const run = credits(['design', 'costs.csv'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: credits\.yaml:3:1: not valid YAML: .+ \(the existing table credits\.yaml was left as it is; fix it, or write elsewhere with -o\)\n$/);
    expect(readFileSync(join(dir, 'credits.yaml')).equals(tableBefore)).toBe(true);
  });

  it('names the key path of a schema violation', () => {
    const text = tableBefore.toString().replace('basic_resize: { credits: 5,', 'basic_resize: { credits: -5,');
    writeFileSync(join(dir, 'credits.yaml'), text);
    const run = credits(['price'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: credits.yaml:15:28: operations.basic_resize.credits: must be > 0\n');
  });
});
