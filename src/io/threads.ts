import { Worker } from 'node:worker_threads';
import { EXIT } from '../exit-codes.js';
import { CliError } from './errors.js';

/**
 * Runs one worker thread over `task` and resolves with its answer: the first
 * message `answer` turns into one (it returns undefined for a progress note),
 * or `fallback` when the worker fails. A worker that ends without a word
 * (killed, out of memory) fails the read with exit 70 and `what` in the
 * message, rather than leaving it waiting forever.
 */
export function runWorker<M, R>(url: URL, task: unknown, answer: (message: M) => R | undefined, fallback: R, what: string): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(url, { workerData: task });
    let answered = false;
    worker.on('message', (message: M) => {
      const result = answer(message);
      if (result === undefined) return;
      answered = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', () => {
      answered = true;
      resolve(fallback);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new CliError(`${what} stopped unexpectedly (exit code ${code}); nothing was reported`, EXIT.INTERNAL));
    });
  });
}
