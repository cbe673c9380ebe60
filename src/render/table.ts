import Table from 'cli-table3';
// cli-table3's own measure of a cell, so that the widths given to blocks are the widths it would choose.
import utils from 'cli-table3/src/utils.js';

/**
 * Rows rendered by one cli-table3 table at most. Its layout checks every cell
 * against every cell above it, so a table of 500 operations took 120 ms;
 * longer tables are drawn as blocks of this many rows at the widths of the
 * whole and stitched, which gives the same text.
 */
const BLOCK = 40;
const PADDING = 2;

/** A plain terminal table: right-aligned numbers, no colours in the borders; `wrap` word-wraps one wide column. */
export function textTable(head: string[], rows: string[][], alignRight: readonly number[], options: { wrap?: number } = {}): string {
  const colAligns = head.map((_, i) => (alignRight.includes(i) ? ('right' as const) : ('left' as const)));
  const style = { head: [], border: [], compact: true };
  if (options.wrap !== undefined || rows.length <= BLOCK) {
    const table = new Table({
      head,
      style,
      colAligns,
      ...(options.wrap !== undefined && { wordWrap: true, colWidths: head.map((_, i) => (i === options.wrap ? 60 : null)) }),
    });
    for (const row of rows) table.push(row);
    return table.toString();
  }
  // The widths cli-table3 would give the whole table: each column's widest line, padded.
  const colWidths = head.map((h, i) => Math.max(...[h, ...rows.map((r) => r[i] ?? '')].map((cell) => utils.strlen(cell))) + PADDING);
  const blocks: string[][] = [];
  for (let start = 0; start < rows.length; start += BLOCK) {
    const table = new Table({ head: start === 0 ? head : [], style, colAligns, colWidths });
    for (const row of rows.slice(start, start + BLOCK)) table.push(row);
    blocks.push(table.toString().split('\n'));
  }
  // The first block up to its last row, the rows of the others without their borders, and one bottom border.
  const bottom = blocks[0]!.at(-1)!;
  return [...blocks.flatMap((lines, i) => (i === 0 ? lines.slice(0, -1) : lines.slice(1, -1))), bottom].join('\n');
}
