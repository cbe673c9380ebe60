import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DesignFlags, deriveTable, resolveSettings } from '../../src/pipeline/derive.js';
import { parseTable, renderTable } from '../../src/io/table.js';

const costsCsv = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z_]{0,11}$/),
      cost: fc.integer({ min: 1, max: 5_000_000 }).map((n) => (n / 1e6).toString()),
      multiplier: fc.constantFrom('', '1.5', '2', '0.8'),
    }),
    { minLength: 1, maxLength: 10, selector: (r) => r.name },
  )
  .map((rows) => `operation,cost,multiplier\n${rows.map((r) => `${r.name},${r.cost},${r.multiplier}`).join('\n')}\n`);

const flags = fc.record(
  {
    ladder: fc.constantFrom('friendly', '1-2-5', '1-5', 'integer'),
    rounding: fc.constantFrom('nearest' as const, 'up' as const, 'down' as const),
    margin: fc.constantFrom('0', '0.5', '0.7', '0.85'),
    maxLevels: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: [] },
);

describe('designing again over its own output', () => {
  it('changes nothing', () => {
    fc.assert(
      fc.property(costsCsv, flags, (csv, chosen: DesignFlags) => {
        const source = { name: 'costs.csv', bytes: Buffer.from(csv) };
        const first = deriveTable(source, 'costs.csv', resolveSettings(chosen), { tablePath: 'credits.yaml' });
        const firstYaml = renderTable(first.table, 'credits.yaml');
        const loaded = parseTable({ name: 'credits.yaml', bytes: Buffer.from(firstYaml) });
        const second = deriveTable(source, 'costs.csv', resolveSettings({}, loaded.table), { tablePath: 'credits.yaml', previous: loaded.table });
        expect(renderTable(second.table, 'credits.yaml', loaded)).toBe(firstYaml);
      }),
      { numRuns: 60 },
    );
  });
});
