import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** The offset just after the first LF at or after `from`, or the end of the file: where a thread's part of a file may start. */
export async function lineStart(handle: FileHandle, from: number, size: number): Promise<number> {
  // A log's lines are well under 4 KiB: one small read finds the end of most; past it, reads of 64 KiB.
  let buffer = Buffer.allocUnsafe(4 * 1024);
  for (let at = from; at < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) break;
    const nl = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (nl >= 0) return at + nl + 1;
    at += bytesRead;
    if (buffer.length < 64 * 1024) buffer = Buffer.allocUnsafe(64 * 1024);
  }
  return size;
}

/**
 * Offsets that cut [first, size) into `parts` ranges at line starts: parts + 1 of them, from `first` to `size`.
 * The line starts are looked for all at once (a hundred reads one after another took 8–14 ms).
 */
export async function lineBounds(handle: FileHandle, first: number, size: number, parts: number): Promise<number[]> {
  const starts = await Promise.all(Array.from({ length: parts - 1 }, (_, i) => lineStart(handle, first + Math.floor(((size - first) * (i + 1)) / parts), size)));
  const bounds = [first];
  for (const start of starts) bounds.push(Math.max(bounds[bounds.length - 1]!, start));
  bounds.push(size);
  return bounds;
}

/** A buffer that reads of several parts of a file take in turn (forEachLines). */
export interface LineBuffer {
  buf?: Buffer;
}

/**
 * Calls `take` with the bytes of [start, end) of a file, a chunk at a time,
 * each ending just after a LF (the last may end without one), and the file
 * offset of the chunk's first byte. One buffer is used again for every chunk
 * (and for the next read given the same `reuse`): reading a file of any size
 * holds a megabyte or two. `take` must not keep the buffer. A line longer
 * than `maxLine` stops the read with false, as does `take` returning false.
 *
 * The reads are synchronous: this runs in reader threads, which have nothing
 * else to do meanwhile. An asynchronous read goes through libuv's pool, whose
 * thread waits for a core that the readers and the main thread (parsing the
 * table) already share: on two cores, under the profiler, each reader sat
 * idle 7–14 ms in every 25, and a 1M-row audit took 12–16 ms longer.
 */
export function forEachLines(
  path: string,
  start: number,
  end: number,
  maxLine: number,
  take: (buf: Buffer, length: number, last: boolean, offset: number) => boolean,
  reuse: LineBuffer = {},
): boolean {
  const fd = openSync(path, 'r');
  try {
    let buf = (reuse.buf ??= Buffer.allocUnsafe(Math.max(1 << 20, maxLine * 2)));
    let kept = 0;
    for (let at = start; at < end || kept > 0; ) {
      // The file offset of buf[0]: the kept start of a line is just before what this read adds.
      const offset = at - kept;
      const bytesRead = at < end ? readSync(fd, buf, kept, Math.min(buf.length - kept, end - at), at) : 0;
      at += bytesRead;
      const length = kept + bytesRead;
      if (bytesRead === 0 || at >= end) return take(buf, length, true, offset);
      const last = buf.lastIndexOf(0x0a, length - 1);
      if (last < 0) {
        if (length > maxLine) return false;
        if (length === buf.length) reuse.buf = buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
        kept = length;
        continue;
      }
      if (!take(buf, last + 1, false, offset)) return false;
      // The start of the line the next read ends moves to the front.
      kept = length - last - 1;
      buf.copy(buf, 0, last + 1, length);
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The sha256 of a file, read through one buffer. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
