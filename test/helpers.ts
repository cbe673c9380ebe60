import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'credits.js');
export const FIXTURES = join(ROOT, 'fixtures');

/**
 * The clean environment every spawned credits gets. Under `npm run coverage`
 * the child also writes its V8 coverage, which the coverage script maps back
 * to src/ and merges with the in-process tests'.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const coverage = process.env['CREDITS_CHILD_COVERAGE'];
  return { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...(coverage && { NODE_V8_COVERAGE: coverage }), ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built binary with a clean environment: no colour, no CI variables,
 * and, unless told otherwise, a working directory of its own (never the
 * repository, where the quick start leaves a credits.yaml).
 */
export function credits(args: readonly string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir(),
    input: options.input ?? '',
    env: childEnv(options.env),
    encoding: 'utf8',
    timeout: 60_000,
    // Documents of tens of thousands of customers run to megabytes.
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As credits(), without blocking the test's event loop (for servers that run inside the test process). */
export function creditsAsync(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? tempDir(),
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const made: string[] = [];

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credits-test-'));
  made.push(dir);
  return dir;
}

/** A temporary directory shared by the tests of a describe block, removed after them; call it in the block's body. */
export function suiteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credits-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
