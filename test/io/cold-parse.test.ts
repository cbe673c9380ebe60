import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { V8_INTERRUPT_BUDGET, coldParse, coldParseApplies, tuneColdParses } from '../../src/io/cold-parse.js';
import { BIN, FIXTURES, childEnv, credits, tempDir } from '../helpers.js';

const NODE_20_V8 = '11.3.244.8-node.38';

/** The flags coldParse sets around one parse, tuned with a recording stand-in for V8. */
function flagsAround<T>(parse: (flags: readonly string[]) => T): { flags: string[]; result?: T; error?: unknown } {
  const flags: string[] = [];
  tuneColdParses(true, (text) => flags.push(text));
  try {
    return { flags, result: coldParse(() => parse(flags)) };
  } catch (error) {
    return { flags, error };
  }
}

afterEach(() => tuneColdParses(false));

describe('when a table parse is tuned', () => {
  it('applies on Node 20’s V8 without tiering flags, and nowhere else', () => {
    expect(coldParseApplies(NODE_20_V8, [], undefined)).toBe(true);
    expect(coldParseApplies(NODE_20_V8, ['--require', '/tmp/peak-rss.cjs', '--max-old-space-size=4096'], '--enable-source-maps')).toBe(true);
    expect(coldParseApplies(NODE_20_V8, ['--optimize-for-size'], undefined)).toBe(true);
    expect(coldParseApplies('12.4.254.21-node.33', [], undefined)).toBe(false);
    expect(coldParseApplies('13.6.233.10-node.27', [], undefined)).toBe(false);
    for (const flag of ['--no-opt', '--opt', '--max-opt=1', '--jitless', '--interrupt-budget=1000', '--no-turbofan', '--maglev', '--always-sparkplug', '--lite-mode']) {
      expect(coldParseApplies(NODE_20_V8, [flag], undefined), flag).toBe(false);
      expect(coldParseApplies(NODE_20_V8, [], `--max-old-space-size=512 ${flag}`), `NODE_OPTIONS ${flag}`).toBe(false);
    }
  });
});

describe('coldParse', () => {
  it('raises V8’s budget fourfold for the parse and puts it back', () => {
    const seen: string[][] = [];
    const { flags, result } = flagsAround((during) => {
      seen.push([...during]);
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual([[`--interrupt-budget=${4 * V8_INTERRUPT_BUDGET}`]]);
    expect(flags).toEqual([`--interrupt-budget=${4 * V8_INTERRUPT_BUDGET}`, `--interrupt-budget=${V8_INTERRUPT_BUDGET}`]);
  });

  it('puts the budget back when the parse throws, and lets the error through', () => {
    const problem = new Error('not valid YAML');
    const { flags, error } = flagsAround(() => {
      throw problem;
    });
    expect(error).toBe(problem);
    expect(flags.at(-1)).toBe(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
    expect(flags).toHaveLength(2);
  });

  it('sets the flags once around parses inside parses', () => {
    const { flags, result } = flagsAround(() => coldParse(() => coldParse(() => 'inner')));
    expect(result).toBe('inner');
    expect(flags).toHaveLength(2);
    // And the next parse sets them again.
    coldParse(() => undefined);
    expect(flags).toHaveLength(4);
  });

  it('leaves V8 alone when not tuned (the library, another V8, the user’s own flags)', () => {
    const flags: string[] = [];
    tuneColdParses(false, (text) => flags.push(text));
    expect(coldParse(() => 'parsed')).toBe('parsed');
    expect(flags).toEqual([]);
  });

  it.runIf(coldParseApplies(process.versions.v8, process.execArgv, process.env['NODE_OPTIONS']))('uses flags this V8 knows, and puts back its own default', () => {
    const { flags } = flagsAround(() => undefined);
    // An unknown flag is no exception: V8 prints an error on stderr and goes on.
    const script = `const v8 = require('node:v8'); for (const f of ${JSON.stringify(flags)}) v8.setFlagsFromString(f);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toMatch(new RegExp(`default: --interrupt-budget=${V8_INTERRUPT_BUDGET}\\b`));
  });
});

describe('the command line', () => {
  /** Runs `credits price` on a designed table with a preload that logs every V8 flag the process sets, on stderr. */
  function flagsSetBy(nodeFlags: string[] = [], env: Record<string, string> = {}): { code: number | null; set: string[] } {
    const dir = tempDir();
    const spy = join(dir, 'spy.cjs');
    writeFileSync(spy, "const v8 = require('node:v8'); const set = v8.setFlagsFromString; v8.setFlagsFromString = (f) => { process.stderr.write(`flag ${f}\\n`); set(f); };\n");
    expect(credits(['design', join(FIXTURES, 'image-api.csv'), '-o', 'credits.yaml'], { cwd: dir }).code).toBe(0);
    const run = spawnSync(process.execPath, [...nodeFlags, '--require', spy, BIN, 'price', '--margin', '0.7'], { cwd: dir, encoding: 'utf8', env: childEnv(env) });
    return { code: run.status, set: [...run.stderr.matchAll(/^flag (.*)$/gm)].map((m) => m[1]!) };
  }

  it.runIf(coldParseApplies(process.versions.v8, [], undefined))('raises the budget around the table’s parse and puts it back', () => {
    const { code, set } = flagsSetBy();
    expect(code).toBe(0);
    expect(set).toEqual([`--interrupt-budget=${4 * V8_INTERRUPT_BUDGET}`, `--interrupt-budget=${V8_INTERRUPT_BUDGET}`]);
  });

  it('leaves V8 alone when the user set a tiering flag, on node’s command line or in NODE_OPTIONS', () => {
    for (const [nodeFlags, env] of [[[`--interrupt-budget=${V8_INTERRUPT_BUDGET}`], {}], [['--max-opt=2'], {}], [[], { NODE_OPTIONS: '--jitless' }]] as const) {
      const { code, set } = flagsSetBy([...nodeFlags], env);
      expect(code, `${nodeFlags.join(' ')} ${JSON.stringify(env)}`).toBe(0);
      expect(set).toEqual([]);
    }
  });
});
