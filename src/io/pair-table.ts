import { Dec, ZERO } from '../core/decimal.js';
import { SAFE_UNITS } from '../core/exact-sum.js';
import { CliError } from './errors.js';
import { readAhead } from './read-ahead.js';
import { zeroed } from './zeroed.js';

/** Operation ids below this: a pair's key is customer × OP_SPAN + operation, exact in a double for 2^33 customers. */
const OP_SPAN = 2 ** 20;

/**
 * Calls and cost per (operation, customer) pair, both given as small
 * integer ids, held in typed arrays: a lookup is a hash of two integers and
 * a probe or two, and a new pair costs a few array slots rather than
 * objects. A log of 500 operations and 2,000 customers has a million pairs,
 * so the layout is for the cache: a slot holds the pair's key beside its
 * index, and a pair's calls beside its cost, so that a call touches two
 * places in memory.
 *
 * Cost is summed in integer units exact while under SAFE_UNITS; a pair's
 * total past that spills into a BigInt, and a value that fits no integer
 * unit is summed as a decimal, both kept sparse beside the arrays.
 */
export class PairTable {
  /** Per slot: the pair's key + 1 (0 when empty), then its index; empty while the dense index answers. */
  private slots = new Float64Array(2048);
  private mask = 1023;
  /** Per pair: calls, then cost units. */
  private sums = new Float64Array(1024);
  /** Per pair: its key, for listing pairs by operation. */
  private keys = new Float64Array(512);
  readonly big = new Map<number, bigint>();
  readonly extra = new Map<number, Dec>();
  size = 0;
  /**
   * Each pair's index + 1 at customer × stride + operation (0: not met yet),
   * while customers × operations stays under `denseLimit` (8 MB of index): a
   * lookup is then one read, where the hash table below takes a hash and a
   * probe, and a pair costs 4 bytes of index where the hash table takes 16 at
   * half full. While there is an index the hash table is left empty: filling
   * it as pairs came took 130 ms a thread for 250,000 pairs, all of it trips
   * to memory. 2,000 customers of 500 operations (a million pairs, a 4 MB
   * index) read in 0.77 s with the index against 0.97 s without. Past the
   * limit the index is dropped, every pair is put in the hash table, and it
   * answers alone.
   */
  private dense: Int32Array | undefined = new Int32Array(8 * 256);
  private denseStride = 8;

  constructor(private readonly denseLimit = 2 ** 21) {}

  /** The index of the pair, added when new. */
  index(op: number, customer: number): number {
    const { dense } = this;
    if (dense !== undefined) {
      if (op < this.denseStride) {
        const at = customer * this.denseStride + op;
        if (at < dense.length) {
          const known = dense[at]!;
          if (known !== 0) return known - 1;
        }
      }
      // Every pair met is in the dense index while there is one: a pair it does not hold is new.
      if (this.cover(op, customer)) {
        const pair = this.append(customer * OP_SPAN + op + 1);
        this.dense![customer * this.denseStride + op] = pair + 1;
        return pair;
      }
    }
    return this.find(op, customer);
  }

  /** The index of the pair, or −1 when it was never met (nothing is added). */
  pairOf(op: number, customer: number): number {
    const { dense } = this;
    if (dense !== undefined) {
      // While there is a dense index every pair met is in it.
      const at = customer * this.denseStride + op;
      return op < this.denseStride && at < dense.length ? dense[at]! - 1 : -1;
    }
    if (op >= OP_SPAN) return -1;
    // find's probe, without adding: kept apart from it, as find is on the reading's hot path.
    const key = customer * OP_SPAN + op + 1;
    const { slots, mask } = this;
    for (let i = hashPair(op, customer) & mask; ; i = (i + 1) & mask) {
      const at = slots[2 * i]!;
      if (at === key) return slots[2 * i + 1]!;
      if (at === 0) return -1;
    }
  }

  /** Reads where each pair's index is (the dense index, or its first slot), so that the lookups after find them in the cache. */
  touch(ops: Int32Array, customers: Int32Array, count: number): void {
    const { dense, denseStride, slots, mask } = this;
    let seen = 0;
    for (let q = 0; q < count; q++) {
      const op = ops[q]!;
      const customer = customers[q]!;
      const at = customer * denseStride + op;
      if (dense !== undefined) {
        if (op < denseStride && at < dense.length) seen += dense[at]!;
      } else seen += slots[2 * (hashPair(op, customer) & mask)]!;
    }
    this.touched = seen;
  }

  /** Reads each pair's sums, so that the additions after find them in the cache. */
  touchSums(pairs: Int32Array, count: number): void {
    this.touched = readAhead(this.sums, pairs, count);
  }

  /** What touch read (kept, so the reads are not left out). */
  touched = 0;

  /** The pair's index in the hash table, added when new. */
  private find(op: number, customer: number): number {
    if (op >= OP_SPAN) throw new CliError(`a log with more than ${OP_SPAN.toLocaleString('en-US')} operations is past what credits reads by customer`);
    const key = customer * OP_SPAN + op + 1;
    const { slots, mask } = this;
    for (let i = hashPair(op, customer) & mask; ; i = (i + 1) & mask) {
      const at = slots[2 * i]!;
      if (at === key) return slots[2 * i + 1]!;
      if (at === 0) return this.add(key, i);
    }
  }

  /**
   * Grows the dense index to hold the pair (more customers, or a wider
   * stride for more operations) while under the limit; past it, drops the
   * index and puts every pair in the hash table, which answers from then on.
   */
  private cover(op: number, customer: number): boolean {
    const { dense, denseStride } = this;
    if (dense === undefined) return false;
    const rows = dense.length / denseStride;
    let stride = denseStride;
    while (op >= stride) stride *= 2;
    if (stride === denseStride && customer < rows) return true;
    let grownRows = rows;
    while (grownRows <= customer) grownRows *= 2;
    if (grownRows * stride > this.denseLimit) grownRows = Math.max(rows, customer + 1);
    if (grownRows * stride > this.denseLimit || op >= OP_SPAN) {
      this.dense = undefined;
      let capacity = 1024;
      while (capacity < 2 * (this.size + 1)) capacity *= 2;
      this.rehash(capacity);
      return false;
    }
    const grown = zeroed(new Int32Array(grownRows * stride));
    if (stride === denseStride) grown.set(dense);
    else for (let c = 0; c < rows; c++) grown.set(dense.subarray(c * denseStride, (c + 1) * denseStride), c * stride);
    this.dense = grown;
    this.denseStride = stride;
    return true;
  }

  /** One call of the pair costing `units` (a non-negative integer under SAFE_UNITS), or a decimal cost. */
  addCall(pair: number, cost: number | Dec): void {
    if (typeof cost === 'number') {
      this.addUnits(pair, cost);
      return;
    }
    this.sums[2 * pair]!++;
    this.extra.set(pair, (this.extra.get(pair) ?? ZERO).plus(cost));
  }

  /** One call of the pair costing `units` (a non-negative integer under SAFE_UNITS). */
  addUnits(pair: number, units: number): void {
    const { sums } = this;
    sums[2 * pair]!++;
    const sum = sums[2 * pair + 1]! + units;
    if (sum > SAFE_UNITS) {
      this.big.set(pair, (this.big.get(pair) ?? 0n) + BigInt(sum));
      sums[2 * pair + 1] = 0;
    } else sums[2 * pair + 1] = sum;
  }

  calls(pair: number): number {
    return this.sums[2 * pair]!;
  }

  /** The pair's cost in integer units, less what spilled into `big` and `extra`. */
  units(pair: number): number {
    return this.sums[2 * pair + 1]!;
  }

  /** The arrays that hold each pair's key and sums, to hand to another thread (moved, not copied: the table is done with). */
  parts(): PairParts {
    return { keys: this.keys, sums: this.sums };
  }

  operation(pair: number): number {
    return (this.keys[pair]! - 1) % OP_SPAN;
  }

  customer(pair: number): number {
    return pairCustomer(this.keys, pair);
  }

  /** Each operation's pairs, in the order they were added, by operation id. */
  byOperation(operations: number): Int32Array[] {
    const counts = new Int32Array(operations);
    for (let p = 0; p < this.size; p++) counts[this.operation(p)]!++;
    const lists = Array.from(counts, (n) => new Int32Array(n));
    counts.fill(0);
    for (let p = 0; p < this.size; p++) {
      const op = this.operation(p);
      lists[op]![counts[op]!++] = p;
    }
    return lists;
  }

  /** A new pair in the arrays, not yet in the hash table. */
  private append(key: number): number {
    const pair = this.size++;
    if (pair === this.keys.length) {
      this.keys = grown(this.keys, zeroed(new Float64Array(pair * 2)));
      this.sums = grown(this.sums, zeroed(new Float64Array(pair * 4)));
    }
    this.keys[pair] = key;
    return pair;
  }

  /** A new pair, in the hash table at `slot`. */
  private add(key: number, slot: number): number {
    const pair = this.append(key);
    // At most half full, so probes stay short.
    if (this.size * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    else {
      this.slots[2 * slot] = key;
      this.slots[2 * slot + 1] = pair;
    }
    return pair;
  }

  /** Places every pair in a table of `capacity` slots. */
  private rehash(capacity: number): void {
    this.slots = zeroed(new Float64Array(2 * capacity));
    this.mask = capacity - 1;
    for (let pair = 0; pair < this.size; pair++) {
      let i = hashPair(this.operation(pair), this.customer(pair)) & this.mask;
      while (this.slots[2 * i] !== 0) i = (i + 1) & this.mask;
      this.slots[2 * i] = this.keys[pair]!;
      this.slots[2 * i + 1] = pair;
    }
  }
}

/** A pair table's pairs as plain data: per pair its key (customer × OP_SPAN + operation + 1), and its calls then cost units. */
export interface PairParts {
  keys: Float64Array<ArrayBuffer>;
  sums: Float64Array<ArrayBuffer>;
}

/** The customer id of a pair, from the pairs' keys (a PairTable's, or its PairParts'). */
export function pairCustomer(keys: Float64Array, pair: number): number {
  return Math.floor((keys[pair]! - 1) / OP_SPAN);
}

function grown(from: Float64Array, to: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  to.set(from);
  return to;
}

function hashPair(op: number, customer: number): number {
  let h = Math.imul(customer, 0x9e3779b1) ^ Math.imul(op + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
