import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STDIN } from './source.js';
import { readerThreads, warmWorkers } from './threads.js';

/** The bundled worker sits at dist/io/usage-worker.cjs; this module, imported lazily, lives in dist/chunks/. */
export const USAGE_WORKER = new URL('../io/usage-worker.cjs', import.meta.url);

/** Logs smaller than this are read on one thread: starting workers would cost more than it saves. */
export const PARALLEL_FROM = 16 * 1024 * 1024;

/**
 * Starts the threads that will read the log at `path`, when it is large
 * enough to be read on several, before the command has parsed its table or
 * read the log's header. A log that turns out to need the in-order reader
 * leaves them idle; they keep no process alive.
 */
export function warmUsageWorkers(path: string, delimiter: string | undefined): void {
  if (path === STDIN || (delimiter ?? ',') !== ',' || readerThreads() < 2) return;
  try {
    const file = statSync(path);
    if (!file.isFile() || file.size < PARALLEL_FROM || !existsSync(fileURLToPath(USAGE_WORKER))) return;
  } catch {
    return;
  }
  warmWorkers(USAGE_WORKER, readerThreads());
}
