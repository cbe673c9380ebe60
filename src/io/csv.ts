import { parse } from 'csv-parse/sync';
import type { Source } from './source.js';
import { InputError } from './errors.js';

export interface CsvColumn {
  /** The header as written, trimmed. */
  header: string;
  /** Its snake_case key: "Avg CPU (ms)" → avg_cpu_ms. */
  key: string;
  /** 1-based field number. */
  column: number;
}

export interface CsvRow {
  line: number;
  cells: string[];
}

export interface CsvTable {
  file: string;
  columns: CsvColumn[];
  rows: CsvRow[];
}

export function snakeCase(header: string): string {
  return header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
  index?: number;
  records?: number;
  record?: string[];
}

const NEWLINES = /\r\n|\n|\r/g;

/** No row of costs is anywhere near this long; a longer one is refused before it fills memory. */
const MAX_RECORD = 1024 * 1024;

function countNewlines(text: string): number {
  return text.match(NEWLINES)?.length ?? 0;
}

/** Line where record number `complete + 1` begins: the first non-blank line after the last complete record. */
function lineAfterRecords(bytes: Buffer, complete: number): number {
  let end = 0;
  if (complete > 0) {
    const records = parse(bytes, { bom: true, info: true, skip_empty_lines: true, to: complete }) as unknown as { info: { lines: number } }[];
    end = records[records.length - 1]?.info.lines ?? 0;
  }
  const lines = bytes.toString('utf8').split(NEWLINES);
  let line = end;
  while (line < lines.length - 1 && lines[line]!.trim() === '') line++;
  return line + 1;
}

function csvError(source: Source, error: CsvParseError, header: () => string[]): InputError {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InputError(
        source.name,
        'a quoted field is never closed (unterminated quote)',
        { line: lineAfterRecords(source.bytes, error.records ?? 0) },
        true,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new InputError(
        source.name,
        'text after a closing quote; quote the whole field and double any quote inside it',
        { line: error.lines ?? 1, column: (error.index ?? 0) + 1 },
        true,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new InputError(source.name, `a row is longer than ${MAX_RECORD / 1024 / 1024} MiB; is this a costs file?`, { line: error.lines ?? 1 }, true);
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH': {
      const got = error.record?.length ?? 0;
      const head = header();
      const expected = head.length;
      const other = expected === 1 ? [';', '\t', ','].find((d) => head[0]!.includes(d)) : undefined;
      return new InputError(
        source.name,
        `row has ${got} fields but the header has ${expected}${other ? `; the header holds "${delimiterName(other)}": give --delimiter ${other === ';' ? '";"' : delimiterName(other)}` : ''}`,
        { line: (error.lines ?? 1) - countNewlines((error.record ?? []).join('')), column: Math.min(got, expected) + 1 },
        true,
      );
    }
    default:
      return new InputError(source.name, `not valid CSV: ${error.message}`, error.lines ? { line: error.lines } : undefined);
  }
}

/** How a delimiter is written in a message or a table. */
function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : delimiter;
}

/**
 * The delimiter of a file, from the separators its header line holds outside
 * quotes: exactly one kind, or none (a single column). A header with several
 * kinds could be split more than one way, so it is refused, not guessed.
 */
export function detectDelimiter(name: string, bytes: Buffer): string {
  const text = bytes.subarray(0, Math.min(bytes.length, MAX_RECORD)).toString('utf8').replace(/^\uFEFF/, '');
  const seen = new Set<string>();
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) seen.add(c);
  }
  if (seen.size > 1) {
    const kinds = [...seen].map((d) => `"${delimiterName(d)}"`).join(' and ');
    throw new InputError(name, `the header line holds both ${kinds}, so the delimiter is not clear; give --delimiter , or --delimiter ";" or --delimiter tab`, { line: 1 }, true);
  }
  return [...seen][0] ?? ',';
}

/**
 * Parses RFC 4180 CSV (quotes, embedded delimiters and newlines, CRLF or CR,
 * a UTF-8 BOM) with a header row. The delimiter is `delimiter`, else detected
 * from the header line. Blank lines are skipped; every row must have as many
 * fields as the header. Rows carry the line they start on.
 */
export function parseCsv(source: Source, delimiter = detectDelimiter(source.name, source.bytes)): CsvTable {
  if (source.bytes.length === 0 || /^\s*$/.test(source.bytes.toString('utf8').replace(/^\uFEFF/, ''))) {
    throw new InputError(source.name, 'the file is empty; expected a header row and one row per operation', { line: 1 }, true);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source.bytes, { bom: true, delimiter, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD }) as unknown as typeof records;
  } catch (error) {
    throw csvError(source, error as CsvParseError, () => firstRecord(source, delimiter));
  }
  const [head, ...body] = records;
  const columns = head!.record.map((header, i) => ({ header: header.trim(), key: snakeCase(header), column: i + 1 }));
  const rows = body
    .map(({ record, info }) => ({ line: info.lines - countNewlines(record.join('')), cells: record }))
    .filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  return { file: source.name, columns, rows };
}

function firstRecord(source: Source, delimiter: string): string[] {
  try {
    return parse(source.bytes, { bom: true, delimiter, to_line: 1, relax_quotes: true })[0] ?? [];
  } catch {
    return [];
  }
}
