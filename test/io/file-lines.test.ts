import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lineBounds, lineStart } from '../../src/io/file-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'credits-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where the threads' parts start, worked out from the bytes in memory: just after the first LF at or after each cut. */
function expected(bytes: Buffer, first: number, parts: number): number[] {
  const after = (from: number) => {
    const nl = bytes.indexOf(0x0a, from);
    return nl < 0 ? bytes.length : nl + 1;
  };
  const bounds = [first];
  for (let i = 1; i < parts; i++) bounds.push(Math.max(bounds[i - 1]!, after(first + Math.floor(((bytes.length - first) * i) / parts))));
  bounds.push(bytes.length);
  return bounds;
}

describe('cutting a file at line starts', () => {
  it('finds the line start after each cut, for lines shorter and far longer than a read, and a file without a last LF', async () => {
    // Lines of a few bytes to past 64 KiB (the reads are 4 KiB, then 64 KiB).
    const line = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 80 }) }, { weight: 1, arbitrary: fc.integer({ min: 4000, max: 140_000 }) });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 12 }), async (lengths, lastLf, parts) => {
        const text = lengths.map((length) => 'x'.repeat(length)).join('\n') + (lastLf && lengths.length > 0 ? '\n' : '');
        const bytes = Buffer.from(text);
        const path = join(dir, `log-${n++}.csv`);
        writeFileSync(path, bytes);
        const handle = await open(path, 'r');
        try {
          const first = await lineStart(handle, 0, bytes.length);
          const nl = bytes.indexOf(0x0a);
          expect(first).toBe(nl < 0 ? bytes.length : nl + 1);
          expect(await lineBounds(handle, first, bytes.length, parts)).toEqual(expected(bytes, first, parts));
        } finally {
          await handle.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
