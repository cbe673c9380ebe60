import { parentPort, workerData } from 'node:worker_threads';
import { forEachLines } from './file-lines.js';
import { MAX_LINE, type SampleLayout, type SampleParts, SampleScanner } from './sample-scan.js';

/** One worker's share of a costs file of raw samples: a byte range that starts and ends on line boundaries. */
export interface SampleTask {
  path: string;
  start: number;
  end: number;
  layout: SampleLayout;
}

/** What a worker reports: bytes read so far, what it kept, or that the file needs the general reader. */
export type SampleMessage = { kind: 'progress'; bytes: number } | { kind: 'samples'; parts: SampleParts } | { kind: 'general' };

const PROGRESS_EVERY = 8 * 1024 * 1024;

async function run(task: SampleTask, report: (bytes: number) => void): Promise<SampleParts | undefined> {
  const scanner = new SampleScanner(task.layout);
  let unreported = 0;
  const read = forEachLines(task.path, task.start, task.end, MAX_LINE, (buf, length, last) => {
    if (!scanner.lines(buf, 0, length, last)) return false;
    unreported += length;
    if (unreported >= PROGRESS_EVERY) {
      report(unreported);
      unreported = 0;
    }
    return true;
  });
  if (!read) return undefined;
  report(unreported);
  return scanner.parts();
}

if (parentPort) {
  const port = parentPort;
  // For the robustness tests only: a worker that dies without a word, as one killed by the system would.
  if (process.env['CREDITS_TEST_WORKER_EXIT'] === '1') process.exit(3);
  const send = (message: SampleMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  run(workerData as SampleTask, (bytes) => send({ kind: 'progress', bytes })).then(
    // Each operation's costs are moved to the main thread, not copied.
    (parts) => (parts ? send({ kind: 'samples', parts }, [...new Set(parts.groups.map((g) => g.costs.buffer as ArrayBuffer))]) : send({ kind: 'general' })),
    () => send({ kind: 'general' }),
  );
}
