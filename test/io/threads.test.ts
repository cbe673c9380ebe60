import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/io/errors.js';
import { runWorker, stopWorkers, warmWorkers } from '../../src/io/threads.js';

describe('reader threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credits-threads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A thread that answers its task, saying how it came (as workerData or as the first message), when the task asks; else it runs on.
  const script = join(dir, 'worker.cjs');
  writeFileSync(
    script,
    `const { parentPort, workerData } = require('node:worker_threads');
     const go = (how) => (task) => (task.answer ? parentPort.postMessage({ echo: how + ' ' + task.answer }) : setInterval(() => undefined, 1000));
     if (workerData === 'credits:task-follows') parentPort.once('message', go('message')); else go('workerData')(workerData);`,
  );
  const url = pathToFileURL(script);

  it('hands a task to a thread started ahead of it, and to a fresh one when none is', async () => {
    warmWorkers(url, 1);
    const answer = (m: { echo: string }) => m.echo;
    await expect(runWorker(url, { answer: 'one' }, answer, 'failed', 'a test thread')).resolves.toBe('message one');
    await expect(runWorker(url, { answer: 'two' }, answer, 'failed', 'a test thread')).resolves.toBe('workerData two');
  });

  it('ends the threads still running when told to, failing their reads with exit 70 rather than waiting', async () => {
    const reading = runWorker(url, { answer: undefined }, () => 'done', 'failed', 'a test thread');
    stopWorkers();
    const error = await reading.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(70);
    expect((error as CliError).message).toMatch(/^a test thread stopped unexpectedly \(exit code \d+\); nothing was reported$/);
  });
});
