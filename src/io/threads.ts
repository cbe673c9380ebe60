import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EXIT } from '../exit-codes.js';
import { CliError } from './errors.js';

/** How many threads read a large file: one a CPU, at most four; under two, the file is read in order. */
export const readerThreads = (): number => Math.min(availableParallelism(), 4);

/** The workerData of a thread started ahead of its task, which then comes as its first message. */
export const WARM_TASK = 'credits:task-follows';

/** Threads given a task and not yet ended. */
const running = new Set<Worker>();

/**
 * Ends every thread that is reading for a command that failed: a reading
 * started early holds the process open until it ends, and an error should
 * not wait for a large file to be read to the end.
 */
export function stopWorkers(): void {
  for (const worker of running) void worker.terminate();
}

/** Threads started ahead of their tasks, by script, not yet handed one. */
const warm = new Map<string, Worker[]>();

/**
 * Starts `count` threads of `url` now, each to be handed its task later by
 * runWorker, so that their start-up (a fresh Node context and the script's
 * modules, over 100 ms on a small machine) runs beside what this thread does
 * first. Until given a task they keep no process alive; one that fails to
 * start is dropped, and runWorker starts a fresh one in its place.
 */
export function warmWorkers(url: URL, count: number): void {
  const list = warm.get(url.href) ?? [];
  warm.set(url.href, list);
  while (list.length < count) {
    const worker = new Worker(url, { workerData: WARM_TASK });
    worker.unref();
    const drop = () => {
      const at = list.indexOf(worker);
      if (at >= 0) list.splice(at, 1);
    };
    worker.once('error', drop);
    worker.once('exit', drop);
    list.push(worker);
  }
}

/** Whether a script's tasks are to come as a message (WARM_TASK) or as workerData, in the worker. */
export function onTask<T>(port: { once(event: 'message', listener: (task: T) => void): unknown }, data: unknown, run: (task: T) => void): void {
  if (data === WARM_TASK) port.once('message', run);
  else run(data as T);
}

/** A worker kept after its first answer (runWorker's `stay`), to be asked more. */
export interface WorkerLine {
  /** Posts `message` and resolves with the worker's next message. */
  ask<A>(message: unknown): Promise<A>;
  /** Ends the worker. */
  end(): void;
}

/**
 * Runs one worker thread over `task` and resolves with its answer: the first
 * message `answer` turns into one (it returns undefined for a progress note),
 * or `fallback` when the worker fails. A worker that ends without a word
 * (killed, out of memory) fails the read with exit 70 and `what` in the
 * message, rather than leaving it waiting forever. The worker then ends,
 * unless `stay` says its answer is one it is to be asked more about: it is
 * handed over, keeping no process alive.
 */
export function runWorker<M, R>(url: URL, task: unknown, answer: (message: M) => R | undefined, fallback: R, what: string, stay?: (result: R, line: WorkerLine) => boolean): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const ready = warm.get(url.href)?.shift();
    const worker = ready ?? new Worker(url, { workerData: task });
    if (ready) {
      ready.ref();
      ready.postMessage(task);
    }
    running.add(worker);
    worker.once('exit', () => running.delete(worker));
    let answered = false;
    worker.on('message', (message: M) => {
      if (answered) return;
      const result = answer(message);
      if (result === undefined) return;
      answered = true;
      if (!stay?.(result, lineTo(worker, what))) void worker.terminate();
      else worker.unref();
      resolve(result);
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

/** Questions to a worker that has answered its task: each waits for the next message, or fails when the worker ends first. */
function lineTo(worker: Worker, what: string): WorkerLine {
  let exited: number | undefined;
  worker.once('exit', (code) => (exited = code));
  return {
    ask: <A>(message: unknown) =>
      new Promise<A>((resolve, reject) => {
        const ended = (code: number) => reject(new CliError(`${what} stopped unexpectedly (exit code ${code}); nothing was reported`, EXIT.INTERNAL));
        if (exited !== undefined) return ended(exited);
        worker.once('exit', ended);
        worker.once('message', (reply: A) => {
          worker.off('exit', ended);
          worker.unref();
          resolve(reply);
        });
        worker.ref();
        worker.postMessage(message);
      }),
    end: () => void worker.terminate(),
  };
}
