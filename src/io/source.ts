import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

export const STDIN = '-';

/** What a command read: the name used in messages and the bytes. */
export interface Source {
  name: string;
  bytes: Buffer;
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a file, or standard input for "-", turning fs errors into one clear message. */
export async function readSource(path: string, what = 'file'): Promise<Source> {
  if (path === STDIN) return { name: '<stdin>', bytes: await readStdin() };
  try {
    return { name: path, bytes: await readFile(path) };
  } catch (error) {
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
