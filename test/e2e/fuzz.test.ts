import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, suiteDir } from '../helpers.js';

/**
 * The binary's contract under any input: exit 0 (or 1 for findings) with a
 * result on stdout, or exit 2 with one line on stderr naming the file —
 * never a stack trace, never a hang.
 */
function expectContract(run: ReturnType<typeof credits>, file: string, findings: boolean): void {
  expect(run.code).not.toBeNull();
  expect(run.stderr).not.toMatch(/\n\s+at /);
  if (run.code === 2) {
    // One line a problem (a damaged table tells each of its problems), each naming the file.
    expect(run.stderr).toMatch(new RegExp(`^(?:error: [^\\n]*${file.replace('.', '\\.')}[^\\n]*\\n)+$`));
  } else {
    expect(findings ? [0, 1] : [0]).toContain(run.code);
    // A result: on stdout, or a file written and said so.
    expect(run.stdout.length > 0 || /^Wrote /.test(run.stderr)).toBe(true);
  }
}

type Damage = { kind: 'bytes'; bytes: Buffer } | { kind: 'edit'; at: number; cut: number; insert: string };

/** Random bytes, or the original with a stretch cut out and a string put in. */
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ kind: 'bytes' as const, bytes: Buffer.from(b) })),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 12 })).map(([at, cut, insert]) => ({ kind: 'edit' as const, at, cut: cut % 20, insert })),
);

describe('the binary given damaged input', () => {
  const dir = suiteDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
  const table = readFileSync(join(dir, 'credits.yaml'));
  const costs = readFileSync(join(dir, 'costs.csv'));

  const damaged = (original: Buffer, d: Damage) => {
    if (d.kind === 'bytes') return d.bytes;
    const text = original.toString('utf8');
    const at = d.at % (text.length + 1);
    return Buffer.from(text.slice(0, at) + d.insert + text.slice(at + d.cut));
  };

  it('design, audit and check with a damaged costs file keep the contract', () => {
    fc.assert(
      fc.property(damage, fc.constantFrom(['design', 'bad.csv', '--dry-run'], ['audit', 'bad.csv'], ['check', '--costs', 'bad.csv']), (d, args) => {
        writeFileSync(join(dir, 'bad.csv'), damaged(costs, d));
        expectContract(credits(args, { cwd: dir }), 'bad.csv', args[0] !== 'design');
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('price, check, plans, docs and report with a damaged table keep the contract', () => {
    fc.assert(
      fc.property(damage, fc.constantFrom(['price'], ['check'], ['plans'], ['docs'], ['report', '-o', 'r.html']), (d, args) => {
        writeFileSync(join(dir, 'bad.yaml'), damaged(table, d));
        expectContract(credits([...args, '--table', 'bad.yaml'], { cwd: dir }), 'bad.yaml', args[0] === 'check');
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
