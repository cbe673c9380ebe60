import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type DesignFlags, deriveTable, resolveSettings } from '../../src/pipeline/derive.js';
import { DesignError } from '../../src/core/errors.js';
import { CliError, InputError, InputErrors } from '../../src/io/errors.js';
import { parseTable, renderTable } from '../../src/io/table.js';
import { readUsage } from '../../src/io/usage.js';

/** A reader's contract: a result, or an error the user can act on, named by file and line; never anything else, never slow. */
function expectUserError(error: unknown, file: string): void {
  if (error instanceof InputError) {
    expect(error.file).toBe(file);
    expect(error.at === undefined || error.at.line >= 1).toBe(true);
  } else if (!(error instanceof CliError) && !(error instanceof DesignError)) {
    throw error;
  }
}

function bounded<T>(fn: () => T): T {
  const started = Date.now();
  const result = fn();
  expect(Date.now() - started).toBeLessThan(2000);
  return result;
}

const cell = fc.oneof(
  fc.constantFrom('', ' ', '0', '-1', '0.0002', '$0.0002', '1,800,000', 'NaN', 'abc', '1e-4', '"', '""', 'a,b', '\n', '\r\n', '€5', '1.2.3', '+3', '.5'),
  fc.float({ noNaN: true }).map(String),
  fc.string({ maxLength: 6 }),
);
const header = fc.constantFrom('operation', 'op', 'name', 'endpoint', 'cost', 'total_cost', 'cost_usd', 'volume', 'calls', 'multiplier', 'third_party', 'cpu_ms', 'memory_mb', 'notes', 'Avg CPU (ms)', '', 'Cost');
const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
/** CSV that has the form of a costs file and arbitrary, mostly wrong, content. */
const costsCsv = fc
  .tuple(fc.array(header, { minLength: 1, maxLength: 6 }), fc.array(fc.array(cell, { minLength: 0, maxLength: 7 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
  .map(([head, rows, eol]) => [head.map(quote).join(','), ...rows.map((r) => r.map(quote).join(','))].join(eol));
const flags: fc.Arbitrary<DesignFlags> = fc.record(
  {
    rate: fc.constant(['cpu_ms=0.0001', 'memory_mb=0.00001']),
    ladder: fc.constantFrom('friendly', '1-5', 'integer', '1,10', '2,3'),
    stat: fc.constantFrom('mean' as const, 'p95' as const),
    basis: fc.constantFrom('worst' as const, 'blended' as const),
    base: fc.constantFrom('a', 'op', 'x'),
  },
  { requiredKeys: [] },
);

describe('readers given arbitrary input', () => {
  it('design from arbitrary bytes: a table or a user error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          bounded(() => deriveTable({ name: 'costs.csv', bytes: Buffer.from(bytes) }, 'costs.csv', resolveSettings({}), { tablePath: 'credits.yaml' }));
        } catch (error) {
          expectUserError(error, 'costs.csv');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('design from CSV of the right shape and wrong content: a table or a user error', () => {
    fc.assert(
      fc.property(costsCsv, flags, (csv, chosen) => {
        try {
          const result = bounded(() => deriveTable({ name: 'costs.csv', bytes: Buffer.from(csv) }, 'costs.csv', resolveSettings(chosen), { tablePath: 'credits.yaml' }));
          for (const op of result.design.operations) expect(op.credits.gt(0)).toBe(true);
        } catch (error) {
          expectUserError(error, 'costs.csv');
        }
      }),
      { numRuns: 400 },
    );
  });

  const valid = deriveTable({ name: 'costs.csv', bytes: Buffer.from('operation,cost\na,0.0002\nb,0.001\n') }, 'costs.csv', resolveSettings({}), { tablePath: 'credits.yaml' });
  const validYaml = renderTable(valid.table, 'credits.yaml');

  it('tables from arbitrary text: a table or a user error with a line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: validYaml.length }).map((n) => validYaml.slice(0, n))), (text) => {
        try {
          bounded(() => parseTable({ name: 'credits.yaml', bytes: Buffer.from(text) }));
        } catch (error) {
          for (const problem of error instanceof InputErrors ? error.errors : [error]) {
            expect(problem).toBeInstanceOf(InputError);
            expectUserError(problem, 'credits.yaml');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tables of the right shape with a wrong value somewhere: a table or an error naming the key path', () => {
    const plain = parseTable({ name: 'credits.yaml', bytes: Buffer.from(validYaml) }).document.toJS() as Record<string, unknown>;
    const paths = [['version'], ['currency'], ['unit', 'cost_per_credit'], ['price', 'per_credit'], ['price', 'basis'], ['price', 'target_margin'], ['design', 'ladder'], ['design', 'floor'], ['operations', 'a', 'credits'], ['operations', 'b', 'cost'], ['operations'], ['modifiers'], ['plans']];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const copy = structuredClone(plain);
        let node = copy as Record<string, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path[path.length - 1]!] = value;
        try {
          bounded(() => parseTable({ name: 'credits.yaml', bytes: Buffer.from(stringify(copy)) }));
        } catch (error) {
          for (const problem of error instanceof InputErrors ? error.errors : [error]) {
            expect(problem).toBeInstanceOf(InputError);
            expect((problem as InputError).detail).toMatch(/^[\w.[\]"()-]+[^\n]*: /);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  describe('usage logs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'credits-fuzz-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;

    it('from arbitrary bytes or CSV: totals or a user error', async () => {
      const usage = fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        fc
          .tuple(fc.array(fc.constantFrom('operation', 'actual_cost', 'cost', 'credits', 'timestamp', 'customer_id', 'x'), { minLength: 1, maxLength: 5 }), fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 8 }))
          .map(([head, rows]) => Buffer.from([head.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n'))),
      );
      await fc.assert(
        fc.asyncProperty(usage, fc.boolean(), async (bytes, windowed) => {
          const path = join(dir, `usage-${n++}.csv`);
          writeFileSync(path, bytes);
          const started = Date.now();
          try {
            const totals = await readUsage(path, { columns: {}, ...(windowed && { since: 0 }) });
            for (const op of totals.operations.values()) expect(op.calls).toBeGreaterThan(0);
          } catch (error) {
            expectUserError(error, path);
          }
          expect(Date.now() - started).toBeLessThan(2000);
        }),
        { numRuns: 200 },
      );
    });
  });
});
