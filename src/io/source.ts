import { readFile, stat } from 'node:fs/promises';
import { CliError } from './errors.js';

export const STDIN = '-';

/** What a command read: the name used in messages and the bytes. */
export interface Source {
  name: string;
  bytes: Buffer;
}

/** Files read whole are tables and small lists: anything far larger is a mistake, refused before it fills memory. */
const READ_LIMIT = 64 * 1024 * 1024;

/**
 * Costs files may be raw samples, millions of rows: those in the simple form
 * (a plain cost column, no quotes) are read by the fast path in a few bytes
 * of memory a row, so up to this size; others are read in full as CSV and
 * must stay under READ_LIMIT (see pipeline/derive.ts).
 */
export const COSTS_LIMIT = 256 * 1024 * 1024;
/**
 * Raw samples in that form in a file of 16 MiB or more are streamed on worker
 * threads instead, never held whole: memory is then about 8 bytes a sample
 * for a percentile (some 500 MB at this size) and next to nothing for a mean
 * or a max. Past this, aggregate first.
 */
export const STREAMED_COSTS_LIMIT = 1024 * 1024 * 1024;
export const GENERAL_CSV_LIMIT = READ_LIMIT;

export function tooLarge(name: string, what: string, limit: number): CliError {
  return new CliError(`${name}: larger than the ${limit / 1024 / 1024} MiB a ${what} may be`);
}

async function readStdin(limit = READ_LIMIT, what = 'file'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      process.stdin.destroy();
      throw tooLarge('<stdin>', what, limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a file, or standard input for "-", turning fs errors into one clear message. */
export async function readSource(path: string, what = 'file', limit = READ_LIMIT): Promise<Source> {
  if (path === STDIN) return { name: '<stdin>', bytes: await readStdin(limit, what) };
  try {
    if ((await stat(path)).size > limit) throw tooLarge(path, what, limit);
    return { name: path, bytes: await readFile(path) };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path}: ${describeFsError(error, what)}`);
  }
}

export function describeFsError(error: unknown, what = 'file'): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no such ${what}`;
    case 'EISDIR':
      return `is a directory, not a ${what}`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}
