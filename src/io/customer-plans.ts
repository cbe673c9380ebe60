import { parseCsv } from './csv.js';
import { InputError } from './errors.js';
import { readSource } from './source.js';

/** The customer → plan mapping: a CSV with customer_id (or customer) and plan columns. */
export async function customerPlans(path: string, known: ReadonlySet<string>, unknown: string): Promise<Map<string, string>> {
  const table = parseCsv(await readSource(path, 'customer plans file'));
  const find = (keys: string[], role: string) => {
    const column = table.columns.find((c) => keys.includes(c.key));
    if (!column) throw new InputError(table.file, `no ${role} column (expected one of ${keys.join(', ')})`, { line: 1 });
    return column;
  };
  const customer = find(['customer_id', 'customer'], 'customer');
  const plan = find(['plan', 'plan_name'], 'plan');
  const mapping = new Map<string, string>();
  for (const row of table.rows) {
    const id = (row.cells[customer.column - 1] ?? '').trim();
    const name = (row.cells[plan.column - 1] ?? '').trim();
    if (!known.has(name)) {
      throw new InputError(table.file, `plan "${name}" is ${unknown} (plans: ${[...known].join(', ') || 'none'})`, { line: row.line, column: plan.column });
    }
    if (mapping.has(id)) throw new InputError(table.file, `customer "${id}" is mapped twice`, { line: row.line, column: customer.column });
    mapping.set(id, name);
  }
  return mapping;
}
