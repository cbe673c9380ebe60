/**
 * A map keyed by byte ranges, so the hot loop makes no string for a key it
 * has seen. Open addressing over typed arrays: keys are copied once into one
 * growing byte arena, slots hold entry numbers, and a lookup is a hash, a
 * probe or two and a byte comparison, with no object or Map per key. Tens of
 * thousands of customers cost what five operations do.
 */
export class ByteKeyMap<V> {
  /** Per slot, its key's hash and its entry number + 1 (0: empty), side by side so a probe reads one cache line. */
  private slots = new Int32Array(128);
  private mask = 63;
  /** Per entry, where its key starts in the arena and its length, side by side. */
  private keys = new Int32Array(64);
  private arena = new Uint8Array(1024);
  private used = 0;
  private readonly entries: V[] = [];

  get size(): number {
    return this.entries.length;
  }

  get(buf: Uint8Array, start: number, end: number): V | undefined {
    return this.getHashed(buf, start, end, hashBytes(buf, start, end));
  }

  /** The same, given the key's hash: finishHash over FNV-1a of the bytes, as a scanner that reads them anyway works it out. */
  getHashed(buf: Uint8Array, start: number, end: number, hash: number): V | undefined {
    const { slots, mask, keys, arena } = this;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!;
      if (entry === 0) return undefined;
      const e = entry - 1;
      if (slots[2 * i] === hash && keys[2 * e + 1] === length) {
        const from = keys[2 * e]!;
        let j = 0;
        while (j < length && arena[from + j] === buf[start + j]) j++;
        if (j === length) return this.entries[e];
      }
    }
  }

  /** Adds a key that is not in the map (get it first). */
  set(buf: Uint8Array, start: number, end: number, value: V): void {
    const e = this.entries.length;
    const length = end - start;
    if (2 * e === this.keys.length) this.keys = grow(this.keys, e * 4);
    if (this.used + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(buf.subarray(start, end), this.used);
    this.keys[2 * e] = this.used;
    this.keys[2 * e + 1] = length;
    this.used += length;
    this.entries.push(value);
    const hash = hashBytes(buf, start, end);
    // At most half full, so probes stay short.
    if ((e + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    this.place(e, hash);
  }

  /** Values in the order their keys were added. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  private place(e: number, hash: number): void {
    let i = hash & this.mask;
    while (this.slots[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    this.slots[2 * i] = hash;
    this.slots[2 * i + 1] = e + 1;
  }

  /** Moves every placed entry to a table of `capacity` slots (entries not yet placed are placed by the caller). */
  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(old[i + 1]! - 1, old[i]!);
  }
}

function grow(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
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

function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return finishHash(h);
}
