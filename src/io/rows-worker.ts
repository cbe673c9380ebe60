import { parentPort, workerData } from 'node:worker_threads';
import { onTask } from './threads.js';
import { type RowTask, rowsOfTask } from '../render/usage-rows.js';

/**
 * A thread that writes part of the usage document's rows (the half after
 * the main thread's) while the main thread writes the rest, and hands the
 * bytes back moved, not copied.
 */
if (parentPort) {
  const port = parentPort;
  // For the robustness tests only: a thread that dies without a word, as one killed by the system would.
  if (process.env['CREDITS_TEST_ROWS_WORKER_EXIT'] === '1') process.exit(3);
  onTask<RowTask>(port, workerData, (task) => {
    const pieces = rowsOfTask(task);
    port.postMessage(
      pieces,
      pieces.map((p) => p.buffer as ArrayBuffer),
    );
  });
}
