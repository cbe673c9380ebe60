import Table from 'cli-table3';

/** A plain terminal table: right-aligned numbers, no colours in the borders; `wrap` word-wraps one wide column. */
export function textTable(head: string[], rows: string[][], alignRight: readonly number[], options: { wrap?: number } = {}): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? 'right' : 'left')),
    ...(options.wrap !== undefined && {
      wordWrap: true,
      colWidths: head.map((_, i) => (i === options.wrap ? 60 : null)),
    }),
  });
  for (const row of rows) table.push(row);
  return table.toString();
}
