import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { detectDelimiter } from './csv.js';
import { CliError, InputError } from './errors.js';
import { STDIN, describeFsError } from './source.js';
import { PARALLEL_FROM } from './usage-warm.js';
import { type Aggregator, type Ledger, MAX_LINE, type UsageOptions, type UsageRole, type UsageTotals, columnOf, headerFields, ledgerOf, newAggregator, scanChunks, totalsOf } from './usage-scan.js';

const NEWLINES = /\r\n|\n|\r/g;

function countNewlines(record: readonly string[]): number {
  let n = 0;
  for (const field of record) n += field.match(NEWLINES)?.length ?? 0;
  return n;
}

const LF = 0x0a;
const CR = 0x0d;

/** The header line, what followed it in the chunks read so far, and whether lines end in a bare CR (old Mac exports). */
interface Head {
  header: Buffer;
  rest: Buffer;
  crOnly: boolean;
}

/** Index of the first CR or LF in `buf`, or −1. */
function firstLineEnd(buf: Buffer): number {
  const lf = buf.indexOf(LF);
  const cr = buf.indexOf(CR);
  return cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
}

/** Reads up to the end of the first line, however lines end (LF, CRLF or CR). */
async function readHeader(file: string, chunks: AsyncIterator<Buffer>): Promise<Head | undefined> {
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  for (;;) {
    const end = firstLineEnd(head);
    if (end >= 0 && head[end] === LF) return { header: head.subarray(0, end), rest: head.subarray(end + 1), crOnly: false };
    if (end >= 0 && end + 1 < head.length) {
      const crlf = head[end + 1] === LF;
      return { header: head.subarray(0, end), rest: head.subarray(end + (crlf ? 2 : 1)), crOnly: !crlf };
    }
    if (done) return head.length > 0 ? { header: end >= 0 ? head.subarray(0, end) : head, rest: Buffer.alloc(0), crOnly: false } : undefined;
    if (head.length > MAX_LINE) throw new InputError(file, `the first line is longer than ${MAX_LINE / 1024 / 1024} MiB; is this a usage log?`, { line: 1 });
    const next = await chunks.next();
    if (next.done) done = true;
    else head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
}

/** Hands the rest of the input, from line `firstLine` on, to csv-parse. */
async function parseRest(aggregator: Aggregator, firstLine: number, rest: Buffer, chunks: AsyncIterator<Buffer>, delimiter = ','): Promise<void> {
  const { parse } = await import('csv-parse');
  const parser = parse({ delimiter, skip_empty_lines: true, info: true, max_record_size: MAX_LINE });
  const done = (async () => {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      aggregator.addFields(record, firstLine + info.lines - 1 - countNewlines(record));
    }
  })();
  // Its failure is reported by the next write or the end, whichever comes first.
  done.catch(() => undefined);
  // Waiting for the parser to drain keeps memory to a chunk or two.
  const write = async (chunk: Buffer) => {
    if (!parser.write(chunk)) await Promise.race([once(parser, 'drain'), done]);
  };
  await write(rest);
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) await write(next.value);
  parser.end();
  await done.catch((error: { lines?: number; message: string }) => {
    if (error instanceof CliError) throw error;
    throw new InputError(aggregator.file, `not valid CSV: ${error.message.replace(/ at line \d+/, '')}`, { line: firstLine + (error.lines ?? 1) - 1 });
  });
}

/**
 * Streams a usage log and sums it per operation. Memory holds a chunk and the
 * totals, whatever the size of the file. Plain lines are split by a fast byte
 * scanner; from the first quote on, the rest of the file goes through
 * csv-parse, which handles quoted fields, embedded newlines and the like.
 * A large file is split between worker threads when it holds no quote at all.
 */
export async function readUsage(path: string, options: UsageOptions): Promise<UsageTotals> {
  const file = path === STDIN ? '<stdin>' : path;
  const size = path === STDIN ? undefined : await stat(path).then((s) => s.size, (error: unknown) => {
    throw new CliError(`${path}: ${describeFsError(error, 'usage file')}`);
  });
  if (size !== undefined && size >= PARALLEL_FROM) {
    const { readUsageInParallel } = await import('./usage-parallel.js');
    const totals = await readUsageInParallel(path, size, options);
    if (totals) return totals;
  }
  return readUsageInOrder(path, file, size, options, totalsOf);
}

/** Streams a usage log into credits per customer, month and operation (options.ledger says how to charge a call). */
export async function readLedger(path: string, options: UsageOptions & Required<Pick<UsageOptions, 'ledger'>>): Promise<Ledger> {
  const file = path === STDIN ? '<stdin>' : path;
  const size = path === STDIN ? undefined : await stat(path).then((s) => s.size, (error: unknown) => {
    throw new CliError(`${path}: ${describeFsError(error, 'usage file')}`);
  });
  // Active days are counted in order: workers would each count a customer's day.
  if (size !== undefined && size >= PARALLEL_FROM && !options.ledger.activeDays) {
    const { readLedgerInParallel } = await import('./usage-parallel.js');
    const ledger = await readLedgerInParallel(path, size, options);
    if (ledger) return ledger;
  }
  return readUsageInOrder(path, file, size, options, ledgerOf);
}


async function readUsageInOrder<T>(path: string, file: string, size: number | undefined, options: UsageOptions, finish: (aggregator: Aggregator) => T): Promise<T> {
  options.started?.();
  const stream = path === STDIN ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let read = 0;
  let count = 0;
  try {
    const head = await readHeader(file, chunks);
    if (!head) throw new InputError(file, 'the file is empty; expected a header row and one row per call', { line: 1 });
    read += head.header.length + head.rest.length;
    const delimiter = options.delimiter ?? detectDelimiter(file, head.header);
    // The in-order reader sums every call as it reads it: only reader threads keep calls (their customers looked up later, from the file).
    const aggregator = newAggregator(file, headerFields(file, head.header, delimiter), { ...options, recordUpTo: 0 });
    if (delimiter !== ',' || head.crOnly) {
      // The byte scanner splits on commas and LF; anything else is csv-parse's.
      await parseRest(aggregator, 2, head.rest, chunks, delimiter);
      return finish(aggregator);
    }
    const rest = await scanChunks(chunks, aggregator, head.rest, (chunk) => {
      read += chunk.length;
      if (options.progress && ++count % 8 === 0) options.progress(read, size);
    });
    if (rest) await parseRest(aggregator, aggregator.line + 1, rest, chunks);
    options.progress?.(read, size);
    return finish(aggregator);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file}: ${describeFsError(error, 'usage file')}`);
  }
}

/**
 * Whether a log file's header has a column for `role` (by --column or
 * alias), read from its first line alone; false for stdin or a file that
 * cannot be read (the reader then says why).
 */
export async function logHasColumn(path: string, options: Pick<UsageOptions, 'columns' | 'delimiter'>, role: UsageRole): Promise<boolean> {
  if (path === STDIN) return false;
  try {
    const { open } = await import('node:fs/promises');
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const end = firstLineEnd(head.subarray(0, bytesRead));
      const line = head.subarray(0, end < 0 ? bytesRead : end);
      const header = headerFields(path, line, options.delimiter ?? detectDelimiter(path, line));
      return columnOf(header, options.columns, role) >= 0;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * Starts a read and waits until it is under way (its threads started) or
 * over, whichever comes first, so that what this thread does next (parsing
 * the table) runs beside the reading rather than before it. Its failure is
 * the caller's to report when it awaits `reading`.
 */
export async function startReading<T>(start: (started: () => void) => Promise<T>): Promise<{ reading: Promise<T> }> {
  let started: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (started = resolve));
  const reading = start(started);
  reading.catch(() => undefined);
  await Promise.race([running, reading.catch(() => undefined)]);
  return { reading };
}
