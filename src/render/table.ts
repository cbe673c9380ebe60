import Table from 'cli-table3';
// cli-table3's own measure of a cell, so that plain tables get the widths it would give them.
import utils from 'cli-table3/src/utils.js';

const STYLE = { head: [], border: [], compact: true };

/**
 * A plain terminal table: right-aligned numbers, no colours in the borders; `wrap` word-wraps one wide column.
 * A table without wrapping or line breaks in its cells is drawn here, line by line, as cli-table3 draws it (a
 * property test holds the two together): cli-table3 merges options for every cell and checks every cell against
 * every cell above it, so 500 operations took 200 ms.
 */
export function textTable(head: string[], rows: string[][], alignRight: readonly number[], options: { wrap?: number } = {}): string {
  const colAligns = head.map((_, i) => (alignRight.includes(i) ? ('right' as const) : ('left' as const)));
  if (options.wrap !== undefined || [head, ...rows].some((row) => row.some((cell) => cell.includes('\n')))) {
    const table = new Table({
      head,
      style: STYLE,
      colAligns,
      ...(options.wrap !== undefined && { wordWrap: true, colWidths: head.map((_, i) => (i === options.wrap ? 60 : null)) }),
    });
    for (const row of rows) table.push(row);
    return table.toString();
  }
  const lengths = [head, ...rows].map((row) => head.map((_, i) => width(row[i] ?? '')));
  const widths = head.map((_, i) => Math.max(...lengths.map((row) => row[i]!)));
  const rule = (left: string, mid: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`;
  const line = (row: string[], at: number) =>
    `│${head.map((_, i) => {
      const gap = ' '.repeat(widths[i]! - lengths[at]![i]!);
      const text = row[i] ?? '';
      return ` ${colAligns[i] === 'right' ? gap + text : text + gap} `;
    }).join('│')}│`;
  return [rule('┌', '┬', '┐'), line(head, 0), ...(rows.length > 0 ? [rule('├', '┼', '┤')] : []), ...rows.map((row, r) => line(row, r + 1)), rule('└', '┴', '┘')].join('\n');
}

/** A cell's width on the terminal: its length when it is printable ASCII (most cells), else as cli-table3 measures it. */
function width(cell: string): number {
  return PRINTABLE_ASCII.test(cell) ? cell.length : utils.strlen(cell);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
