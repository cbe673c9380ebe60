import { zeroed } from './zeroed.js';

/**
 * A map keyed by byte ranges, so the hot loop makes no string for a key it
 * has seen. Open addressing over typed arrays: keys are copied once into one
 * growing byte arena, and a slot holds all a probe needs (the key's hash, its
 * entry, where its bytes are and how many), so a lookup is a hash, a probe or
 * two and a byte comparison, reading two places in memory, with no object or
 * Map per key. Tens of thousands of customers cost about what five
 * operations do.
 */
export class ByteKeyMap<V> {
  /** Per slot: its key's hash, its entry number + 1 (0: empty), and its key's start in the arena and length. */
  private slots = new Int32Array(4 * 64);
  private mask = 63;
  private arena = new Uint8Array(1024);
  private used = 0;
  /** What touch read (kept, so the reads are not left out). */
  touched = 0;
  private readonly entries: V[] = [];
  /** Per entry, where its key starts in the arena (the next one's start, or `used`, is where it ends). */
  private starts = new Int32Array(64);

  get size(): number {
    return this.entries.length;
  }

  get(buf: Uint8Array, start: number, end: number): V | undefined {
    const entry = this.find(buf, start, end, hashBytes(buf, start, end));
    return entry < 0 ? undefined : this.entries[entry];
  }

  /** The same, given the key's hash: finishHash over FNV-1a of the bytes, as a scanner that reads them anyway works it out. */
  getHashed(buf: Uint8Array, start: number, end: number, hash: number): V | undefined {
    const entry = this.find(buf, start, end, hash);
    return entry < 0 ? undefined : this.entries[entry];
  }

  /** The key's entry number (the order it was added in, from 0), or −1; `hash` as for getHashed. */
  find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const { slots, mask, arena } = this;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = 4 * i;
      const entry = slots[at + 1]!;
      if (entry === 0) return -1;
      if (slots[at] === hash && slots[at + 3] === length) {
        const from = slots[at + 2]!;
        let j = 0;
        while (j < length && arena[from + j] === buf[start + j]) j++;
        if (j === length) return entry - 1;
      }
    }
  }

  /** Reads the first slot of each hash, so that the lookups after find them in the cache. */
  touch(hashes: Int32Array, count: number): void {
    const { slots, mask } = this;
    let seen = 0;
    for (let q = 0; q < count; q++) seen ^= slots[4 * (hashes[q]! & mask)]!;
    this.touched = seen;
  }

  /** Adds a key that is not in the map (get it first); its entry number is the size before. */
  set(buf: Uint8Array, start: number, end: number, value: V): void {
    const e = this.entries.length;
    const length = end - start;
    if (this.used + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    // Byte by byte: a key is short, and subarray() makes a Buffer object for each.
    const { arena } = this;
    const offset = this.used;
    for (let j = 0; j < length; j++) arena[offset + j] = buf[start + j]!;
    this.used += length;
    if (e === this.starts.length) {
      const starts = new Int32Array(e * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.starts[e] = offset;
    this.entries.push(value);
    // At most half full, so probes stay short.
    if ((e + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    this.place(hashBytes(buf, start, end), e, offset, length);
  }

  /** Entry `e`'s key as UTF-8 text. */
  keyText(e: number): string {
    const { arena } = this;
    const end = e + 1 < this.entries.length ? this.starts[e + 1]! : this.used;
    return Buffer.from(arena.buffer, arena.byteOffset, arena.length).toString('utf8', this.starts[e]!, end);
  }

  /** Values in the order their keys were added. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  private place(hash: number, e: number, offset: number, length: number): void {
    const { slots, mask } = this;
    let i = hash & mask;
    while (slots[4 * i + 1] !== 0) i = (i + 1) & mask;
    slots[4 * i] = hash;
    slots[4 * i + 1] = e + 1;
    slots[4 * i + 2] = offset;
    slots[4 * i + 3] = length;
  }

  /** Moves every placed entry to a table of `capacity` slots (an entry not yet placed is placed by the caller). */
  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = zeroed(new Int32Array(4 * capacity));
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += 4) if (old[at + 1] !== 0) this.place(old[at]!, old[at + 1]! - 1, old[at + 2]!, old[at + 3]!);
  }
}


/** FNV-1a's start and multiplier: a key's hash is finishHash(h) after h = Math.imul(h ^ byte, FNV_PRIME) for each byte from h = FNV_OFFSET. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** Mixes an FNV-1a state so that keys differing in their last byte land far apart. */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** A key's hash as the map works it out. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return finishHash(h);
}
