import Table from 'cli-table3';

/** A plain terminal table: right-aligned numbers, no colours in the borders. */
export function textTable(head: string[], rows: string[][], alignRight: readonly number[]): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? 'right' : 'left')),
  });
  for (const row of rows) table.push(row);
  return table.toString();
}
