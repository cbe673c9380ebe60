import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/render/table.js';

/** The table as one cli-table3 table draws it, however long. */
function whole(head: string[], rows: string[][], alignRight: number[]): string {
  const table = new Table({ head, style: { head: [], border: [], compact: true }, colAligns: head.map((_, i) => (alignRight.includes(i) ? 'right' : 'left')) });
  for (const row of rows) table.push(row);
  return table.toString();
}

describe('textTable', () => {
  it('draws a plain table exactly as cli-table3 draws it, however long', () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('−11.1%', '$0.000925440', '2,500', '日本語', 'é', '\u001b[31mred\u001b[39m', ''));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 130 }), fc.array(cell, { minLength: 650, maxLength: 650 }), (columns, count, cells) => {
        const head = Array.from({ length: columns }, (_, i) => `column ${i}`);
        const rows = Array.from({ length: count }, (_, r) => head.map((_, c) => cells[(r * columns + c) % cells.length]!.replace(/[\n\r]/g, ' ')));
        expect(textTable(head, rows, [1, 3])).toBe(whole(head, rows, [1, 3]));
      }),
      { numRuns: 60 },
    );
  });
});
