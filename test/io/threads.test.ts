import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/io/errors.js';
import { runWorker, stopWorkers, type WorkerLine, warmWorkers } from '../../src/io/threads.js';

describe('reader threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credits-threads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A thread that answers its task, saying how it came (as workerData or as the first message), when the task asks; else it runs on.
  const script = join(dir, 'worker.cjs');
  writeFileSync(
    script,
    `const { parentPort, workerData } = require('node:worker_threads');
     // Asked more after its answer (task.more), it answers each question, or ends without a word when the question says so.
     const more = () => parentPort.once('message', (q) => (q === 'die' ? process.exit(3) : (parentPort.postMessage({ echo: 'again ' + q }), more())));
     const go = (how) => (task) => (task.answer ? (parentPort.postMessage({ echo: how + ' ' + task.answer }), task.more && more()) : setInterval(() => undefined, 1000));
     if (workerData === 'credits:task-follows') parentPort.once('message', go('message')); else go('workerData')(workerData);`,
  );
  const url = pathToFileURL(script);

  it('hands a task to a thread started ahead of it, and to a fresh one when none is', async () => {
    warmWorkers(url, 1);
    const answer = (m: { echo: string }) => m.echo;
    await expect(runWorker(url, { answer: 'one' }, answer, 'failed', 'a test thread')).resolves.toBe('message one');
    await expect(runWorker(url, { answer: 'two' }, answer, 'failed', 'a test thread')).resolves.toBe('workerData two');
  });

  it('keeps a thread its answer says is to be asked more, until it is ended, and fails a question it dies on with exit 70', async () => {
    let line: WorkerLine | undefined;
    const answer = (m: { echo: string }) => m.echo;
    const first = await runWorker(url, { answer: 'one', more: true }, answer, 'failed', 'a test thread', (result, l) => ((line = l), result === 'workerData one'));
    expect(first).toBe('workerData one');
    await expect(line!.ask<{ echo: string }>('two')).resolves.toEqual({ echo: 'again two' });
    await expect(line!.ask<{ echo: string }>('three')).resolves.toEqual({ echo: 'again three' });
    const error = await line!.ask('die').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(70);
    expect((error as CliError).message).toBe('a test thread stopped unexpectedly (exit code 3); nothing was reported');
    // An answer not to be asked more about ends the thread: a question then finds it gone.
    const ended = await runWorker(url, { answer: 'four', more: true }, answer, 'failed', 'a test thread', (_, l) => ((line = l), false));
    expect(ended).toBe('workerData four');
    await expect(line!.ask('five')).rejects.toBeInstanceOf(CliError);
    // And once it has ended, at once.
    await expect(line!.ask('six')).rejects.toBeInstanceOf(CliError);
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
