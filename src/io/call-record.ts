import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The calls a reader thread has read, as they came: where each call's
 * customer id starts in the file, its operation id and its cost units, in
 * typed arrays (16 bytes a call). The customer is not looked up as the log is
 * read: with 500 operations of 2,000 customers nearly every call is an
 * (operation, customer) pair of its own, most of them of operations nobody
 * asks about. Only the calls of the operations the audit flags are looked up
 * afterwards, from the file (forEachKept).
 *
 * Only a call of the line reader's kind is kept: its customer id unquoted, so
 * that it ends at the first comma, LF, CR before a LF or quote (as the line
 * reader read it). At most `limit` calls are kept; past that the reader sums
 * the rest into its pair table as it reads, so memory stays bounded.
 */
export class CallRecord {
  private readonly full: Chunk[] = [];
  private last: Chunk | undefined;
  private at = 0;
  /** Calls kept. */
  size = 0;
  /**
   * By operation id, the number of the last full chunk holding a call of it
   * (−1: none). An operation summed as read once it carried many calls has
   * its few kept calls in the first chunks, and its fold reads those alone,
   * not every call kept of the others (chunksOf).
   */
  private lastFull = new Int32Array(64).fill(-1);

  constructor(public limit: number) {}

  /**
   * One call of operation `op` whose customer id starts at file offset
   * `position`, costing `from[at]` units (a non-negative integer under
   * SAFE_UNITS): given in an array, as a number passed to a call is boxed.
   */
  add(op: number, position: number, from: Float64Array, at: number): void {
    let last = this.last;
    // A chunk's offsets are from its first call's, in 32 bits: a call 4 GiB on (in a part of a very large file) starts a new chunk.
    if (last === undefined || this.at === CHUNK || position - last.base >= 2 ** 32 || position < last.base) {
      if (last !== undefined) this.keepFull(this.view());
      this.last = last = chunk(CHUNK, position);
      this.at = 0;
    }
    const k = this.at;
    last.offsets[k] = position - last.base;
    last.ops[k] = op;
    last.units[k] = from[at]!;
    this.at = k + 1;
    this.size++;
  }

  /** The calls kept, in the order added: views of the chunks, each as long as the calls in it. */
  chunks(): Chunk[] {
    return this.last === undefined ? [...this.full] : [...this.full, this.view()];
  }

  /** The chunks up to the last that holds a call of an operation `wanted` has (non-zero at its id): every such call is in them. */
  chunksOf(wanted: Uint8Array): Chunk[] {
    const { lastFull } = this;
    let end = 0;
    for (let op = 0; op < wanted.length && op < lastFull.length; op++) if (wanted[op] !== 0 && lastFull[op]! >= end) end = lastFull[op]! + 1;
    return end === this.full.length ? this.chunks() : [...this.full.slice(0, end), ...(this.last === undefined ? [] : [this.view()])];
  }

  /** A chunk filled: each operation in it now last seen there. */
  private keepFull(chunk: Chunk): void {
    const index = this.full.length;
    this.full.push(chunk);
    const { ops } = chunk;
    let lastFull = this.lastFull;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (op >= lastFull.length) {
        const grown = new Int32Array(Math.max(lastFull.length * 2, op + 1)).fill(-1);
        grown.set(lastFull);
        this.lastFull = lastFull = grown;
      }
      lastFull[op] = index;
    }
  }

  /** The last chunk, as long as the calls in it. */
  private view(): Chunk {
    const { last, at } = this;
    return { base: last!.base, offsets: last!.offsets.subarray(0, at), ops: last!.ops.subarray(0, at), units: last!.units.subarray(0, at) };
  }

  /** Forgets every call and keeps no more. */
  close(): void {
    this.full.length = 0;
    this.lastFull.fill(-1);
    this.last = undefined;
    this.at = 0;
    this.size = 0;
    this.limit = 0;
  }
}

/** Calls in the order read: each one's customer's file offset (base + its offset), operation id and cost units. */
export interface Chunk {
  base: number;
  offsets: Uint32Array<ArrayBuffer>;
  ops: Int32Array<ArrayBuffer>;
  units: Float64Array<ArrayBuffer>;
}

/** Calls a chunk holds: 128 KB of them. */
const CHUNK = 8192;

function chunk(length: number, base: number): Chunk {
  return { base, offsets: new Uint32Array(length), ops: new Int32Array(length), units: new Float64Array(length) };
}

/** Bytes of a file (or of a buffer, in the tests) by offset. */
export interface ByteSource {
  size: number;
  /** Reads from `position` into `into`, as many bytes as fit or are left; returns how many. */
  read(into: Buffer, position: number): number;
}

/** A file as a ByteSource, open until close(), with its time of last change. */
export function fileSource(path: string): ByteSource & { mtimeMs: number; close(): void } {
  const fd = openSync(path, 'r');
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = fstatSync(fd));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    size,
    mtimeMs,
    read: (into, position) => {
      let read = 0;
      while (read < into.length && position + read < size) {
        const n = readSync(fd, into, read, into.length - read, position + read);
        if (n === 0) break;
        read += n;
      }
      return read;
    },
    close: () => closeSync(fd),
  };
}

/**
 * Calls `each` with the customer id of every kept call whose operation
 * `wanted` has (non-zero at its id), in the order kept: the bytes of the id
 * (buf[start, end)), as the line reader read them, and the call's units. The
 * file is read forward a block at a time, so calls in file order read it
 * once (a block of `blockSize` bytes at a time, more for an id that does not
 * fit); `before` is called before the block is read over (the bytes given so
 * far are then gone). Returns false when a call's offset is past the
 * file's end (the file changed since it was read).
 */
export function forEachKept(source: ByteSource, chunks: readonly Chunk[], wanted: Uint8Array, each: (op: number, buf: Buffer, start: number, end: number, units: number) => void, before?: () => void, blockSize = BLOCK): boolean {
  let block = Buffer.allocUnsafe(blockSize);
  let from = 0;
  let length = 0;
  const { size } = source;
  for (const { base, offsets, ops, units } of chunks) {
    for (let k = 0; k < offsets.length; k++) {
      const op = ops[k]!;
      if (wanted[op] !== 1) continue;
      const position = base + offsets[k]!;
      if (position >= size) return false;
      for (;;) {
        if (position < from || position >= from + length) {
          before?.();
          from = position;
          length = source.read(block, from);
          if (length === 0) return false;
        }
        // The same end as the line reader's: a comma, a LF, a quote or a CR before a LF; or the end of the file.
        let i = position - from;
        let c = block[i]!;
        while (i < length && (c > 44 || !(c === 44 || c === 10 || c === 34 || (c === 13 && (i + 1 === length || block[i + 1] === 10))))) c = block[++i]!;
        const more = from + length < size;
        // An id (or a CR) that runs to the block's end is read again from its start, in a bigger block when it began this one.
        if (more && (i === length || (c === 13 && i + 1 === length))) {
          before?.();
          if (from === position) block = Buffer.allocUnsafe(block.length * 2);
          from = position;
          length = source.read(block, from);
          if (length === 0) return false;
          continue;
        }
        each(op, block, position - from, i, units[k]!);
        break;
      }
    }
  }
  return true;
}

/** How much of the file is read at a time. */
const BLOCK = 1 << 20;
