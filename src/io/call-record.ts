/**
 * The calls a reader thread has read, per operation id, as they came: each
 * call's customer id and cost units, in typed arrays. Appending is a write at
 * the end of one of a few arrays, where summing by (operation, customer) pair
 * as the log is read is a lookup and an update at a random place in
 * megabytes; and only the operations the audit flags are ever summed by
 * customer. A log of 500 operations and 2,000 customers is nearly a pair a
 * row. At most `limit` calls are kept; past that the reader sums them into
 * its pair table and sums the rest there (Aggregator.fold), so memory stays
 * bounded by the pairs, not the rows.
 */
export class CallRecord {
  /** Per operation id, its chunks: each full but the last, which holds counts[op] % CHUNK calls (or is full). */
  private chunks: Chunk[][] = [];
  private counts: number[] = [];
  /** Calls kept, over all operations. */
  size = 0;

  constructor(public limit: number) {}

  /** One call of operation `op` by `customer` costing `units` (a non-negative integer under SAFE_UNITS). */
  add(op: number, customer: number, units: number): void {
    while (op >= this.counts.length) {
      this.counts.push(0);
      this.chunks.push([chunk(16)]);
    }
    const n = this.counts[op]!;
    const chunks = this.chunks[op]!;
    let last = chunks[chunks.length - 1]!;
    let at = n - (chunks.length - 1) * CHUNK;
    if (at === last.customers.length) {
      // Small operations' arrays double up to a chunk; past that chunks are added, so that nothing is copied or left to collect.
      if (at < CHUNK) {
        const bigger = chunk(Math.min(CHUNK, 2 * at));
        bigger.customers.set(last.customers);
        bigger.units.set(last.units);
        chunks[chunks.length - 1] = last = bigger;
      } else {
        chunks.push((last = chunk(CHUNK)));
        at = 0;
      }
    }
    last.customers[at] = customer;
    last.units[at] = units;
    this.counts[op] = n + 1;
    this.size++;
  }

  /** Operation `op`'s calls: views of its chunks, as long as the calls in each. */
  of(op: number): Chunk[] {
    const n = this.counts[op] ?? 0;
    if (n === 0) return [];
    const chunks = this.chunks[op]!;
    const rest = n - (chunks.length - 1) * CHUNK;
    return chunks.map((c, i) => (i < chunks.length - 1 ? c : { customers: c.customers.subarray(0, rest), units: c.units.subarray(0, rest) }));
  }

  /** How many operation ids have calls kept (some may have none). */
  get operations(): number {
    return this.counts.length;
  }

  /** Forgets every call and keeps no more. */
  close(): void {
    this.chunks = [];
    this.counts = [];
    this.size = 0;
    this.limit = 0;
  }
}

/** Calls of one operation: each one's customer id and cost units. */
export interface Chunk {
  customers: Int32Array<ArrayBuffer>;
  units: Float64Array<ArrayBuffer>;
}

/** Calls a chunk holds: 96 KB of them. */
const CHUNK = 8192;

function chunk(length: number): Chunk {
  return { customers: new Int32Array(length), units: new Float64Array(length) };
}
