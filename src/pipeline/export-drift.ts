import { EXPORT_TARGETS, type ExportTarget } from '../core/choices.js';
import type { Finding } from '../core/check.js';
import { JSON_TARGETS } from '../export/index.js';
import { HEADER_KEY, readHeader } from '../export/model.js';
import { CliError } from '../io/errors.js';
import { readSource } from '../io/source.js';
import type { LoadedTable } from '../io/table.js';
import { exportTable } from './export.js';

const clip = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}…` : text);

/** Where two JSON values first differ, as "path: a in the file, b from the table". */
function jsonDifference(file: unknown, table: unknown, path: string): string | undefined {
  const show = (v: unknown) => (v === undefined ? 'nothing' : clip(JSON.stringify(v)));
  if (file === null || table === null || typeof file !== 'object' || typeof table !== 'object' || Array.isArray(file) !== Array.isArray(table)) {
    return JSON.stringify(file) === JSON.stringify(table) ? undefined : `${path || 'the document'}: ${show(file)} in the file, ${show(table)} from the table`;
  }
  const keys = [...new Set([...Object.keys(table), ...Object.keys(file)])];
  for (const key of keys) {
    const at = Array.isArray(table) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = jsonDifference((file as Record<string, unknown>)[key], (table as Record<string, unknown>)[key], at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first line that differs, line endings and trailing spaces aside. */
function textDifference(file: string, table: string): string | undefined {
  const a = file.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trimEnd());
  const b = table.split('\n').map((l) => l.trimEnd());
  while (a.at(-1) === '') a.pop();
  while (b.at(-1) === '') b.pop();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: ${a[i] === undefined ? 'nothing' : clip(a[i]!)} in the file, ${b[i] === undefined ? 'nothing' : clip(b[i]!)} from the table`;
  }
  return undefined;
}

/**
 * An exported file compared with what `credits export` writes from the table
 * now (with the file's own header, so only the table's content counts): an
 * `export-drift` finding when they differ. A file that is no export is exit 2.
 */
export async function exportDrift(loaded: LoadedTable, tableName: string, file: string, to: ExportTarget | undefined): Promise<Finding[]> {
  const text = (await readSource(file, 'export', 16 * 1024 * 1024)).bytes.toString('utf8');
  const header = readHeader(text);
  if (header === undefined) throw new CliError(`${file}: not a credits export (no ${HEADER_KEY} header); write it with credits export --to ${to ?? 'TARGET'} -o ${file}`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(header.target)) throw new CliError(`${file}: the header names target ${clip(header.target)}, which credits does not export to`);
  const target = header.target as ExportTarget;
  if (to !== undefined && to !== target) throw new CliError(`${file}: an export to ${target}, not ${to}; give --to ${target} or export again with --to ${to}`);
  const expected = exportTable(loaded, target, header.table, header.credits_version).text;
  let difference: string | undefined;
  if (JSON_TARGETS.has(target)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    difference = parsed === undefined ? 'the file is no longer valid JSON' : jsonDifference(parsed, JSON.parse(expected), '');
  } else difference = textDifference(text, expected);
  if (difference === undefined) return [];
  return [
    {
      code: 'export-drift',
      severity: 'error',
      path: [],
      file,
      message: `${file} no longer matches ${tableName} (${difference}); run credits export --to ${target} -o ${file}`,
    },
  ];
}
