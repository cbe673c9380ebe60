import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Stat } from '../core/samples.js';
import { type FastCosts, type FastOptions, finish, sampleLayout } from './costs-fast.js';
import type { SampleMessage, SampleTask } from './costs-worker.js';
import { hashFile, lineBounds, lineStart } from './file-lines.js';
import { MAX_LINE, SampleScanner } from './sample-scan.js';
import { readerThreads, runWorker } from './threads.js';

/** The bundled worker sits at dist/io/costs-worker.cjs; this module lives in dist/chunks/. */
const WORKER = new URL('../io/costs-worker.cjs', import.meta.url);

/** A large costs file read by the fast path on worker threads: what it read, its header line and its sha256. */
export interface ParallelSamples {
  fast: FastCosts;
  header: Buffer;
  sha256: string;
}

/**
 * Reads raw samples on several threads, each streaming its part of the file
 * (cut at line starts) through the fast path, while this thread hashes the
 * file: the file is never held whole, so memory is that of the samples kept.
 * Undefined when the file is not for the fast path (the caller then reads it
 * whole and lets the general reader decide), or when there is one core.
 */
export async function readSamplesInParallel(
  path: string,
  size: number,
  /** How to read the file, once its header line is known (the delimiter may be detected from it). */
  optionsFor: (header: Buffer) => FastOptions,
  stat: Stat,
  overridden: ReadonlySet<string>,
  progress?: (read: number, total: number) => void,
): Promise<ParallelSamples | undefined> {
  const threads = readerThreads();
  if (threads < 2 || !existsSync(fileURLToPath(WORKER))) return undefined;
  const handle = await open(path, 'r');
  let header: Buffer;
  let bounds: number[];
  try {
    const first = await lineStart(handle, 0, size);
    if (first > MAX_LINE || first >= size) return undefined;
    header = Buffer.alloc(first - 1);
    await handle.read(header, 0, header.length, 0);
    bounds = await lineBounds(handle, first, size, threads);
  } finally {
    await handle.close();
  }
  const layout = sampleLayout(path, header, optionsFor(header), stat, overridden);
  if (!layout) return undefined;

  let read = header.length + 1;
  const digest = hashFile(path);
  digest.catch(() => undefined);
  const results = await Promise.all(
    bounds.slice(0, -1).map((start, i) =>
      runWorker<SampleMessage, SampleMessage>(
        WORKER,
        { path, start, end: bounds[i + 1]!, layout } satisfies SampleTask,
        (message) => {
          if (message.kind !== 'progress') return message;
          read += message.bytes;
          progress?.(read, size);
          return undefined;
        },
        { kind: 'general' },
        `${path}: a thread reading the costs`,
      ),
    ),
  );
  const parts = results.flatMap((r) => (r.kind === 'samples' ? [r.parts] : []));
  if (parts.length !== results.length) return undefined;
  const scanner = new SampleScanner(layout);
  if (!scanner.mergeAll(parts)) return undefined;
  const fast = finish(scanner, layout, stat);
  if (!fast) return undefined;
  return { fast, header, sha256: await digest };
}
