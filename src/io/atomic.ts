import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.js';
import { describeFsError } from './source.js';
import type { Document } from './output.js';

/** Temporary files are named .<target>.<pid>.<random>.tmp beside their target. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A writer killed outright (SIGKILL, power loss) leaves its temporary file
 * behind; the next write to the same target removes those of processes that
 * are gone.
 */
async function removeStale(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a part:
 * the bytes go to a temporary file beside the target, are flushed to disk,
 * and the temporary file is renamed over the target. An existing file's mode
 * is kept. Concurrent writers each rename a whole file; the last one wins.
 */
export async function writeFileAtomic(path: string, content: Document): Promise<void> {
  await removeStale(path);
  const temporary = temporaryName(path);
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      if (typeof content === 'string') await handle.writeFile(content, 'utf8');
      else if (Symbol.asyncIterator in content) for await (const piece of content) await (typeof piece === 'string' ? handle.write(piece, null, 'utf8') : handle.writeFile(piece));
      else for (const piece of content) await handle.write(piece, null, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await faultInjection();
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CliError(`${path}: could not write: ${describeFsError(error)}`);
  }
}

/**
 * For the robustness tests only: CREDITS_TEST_PAUSE_BEFORE_RENAME=ms holds
 * the finished temporary file that long before the rename, so a test can kill
 * the process at the worst moment.
 */
async function faultInjection(): Promise<void> {
  const pause = Number(process.env['CREDITS_TEST_PAUSE_BEFORE_RENAME'] ?? 0);
  if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
}
