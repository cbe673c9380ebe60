import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MonthWindow } from '../core/usage.js';
import { type UsageReport, usageJsonFrame } from '../render/usage.js';
import { rowPieces, rowTask } from '../render/usage-rows.js';
import { readerThreads, runWorker, warmWorkers } from './threads.js';

/** The bundled thread sits at dist/io/rows-worker.cjs; this module, imported lazily, lives in dist/chunks/. */
const ROWS_WORKER = new URL('../io/rows-worker.cjs', import.meta.url);

/** Documents of fewer customers are written on one thread: a thread's start would cost more than half their rows. */
const PARALLEL_ROWS = 20_000;

/**
 * Whether a document of `customers` rows is written on two threads; when it
 * is, the second thread is started now, to be ready when the rows are.
 */
export function startRowsWorker(customers: number): boolean {
  if (customers < PARALLEL_ROWS || readerThreads() < 2 || !existsSync(fileURLToPath(ROWS_WORKER))) return false;
  warmWorkers(ROWS_WORKER, 1);
  return true;
}

/**
 * The usage document as usageJsonPieces writes it, byte for byte, with the
 * later rows written by another thread while this one writes the first
 * (50,000 rows take about 250 ms to write on one). Rows a plan decides are
 * all written here; so is everything when the thread fails.
 */
export async function* usageJsonInParallel(report: UsageReport, window: MonthWindow): AsyncGenerator<string | Uint8Array> {
  const frame = usageJsonFrame(report);
  yield frame.head;
  if (frame.rows === undefined) return;
  const { customers } = report;
  // This thread also writes out every piece, the other's too: it takes the smaller part.
  const split = Math.ceil(customers.length * 0.4);
  const task = rowTask(customers.slice(split), window);
  const rest = task && runWorker<Uint8Array[], Uint8Array[] | undefined>(ROWS_WORKER, task, (pieces) => pieces, undefined, 'a thread writing the rows').catch(() => undefined);
  yield* rowPieces(customers, 0, task ? split : customers.length);
  if (task) {
    const written = await rest;
    if (written) yield* written;
    else yield* rowPieces(customers, split, customers.length);
  }
  yield frame.tail;
}
