import { Dec, ZERO } from '../core/decimal.js';
import { SAFE_UNITS } from '../core/exact-sum.js';

/**
 * Calls and cost per (operation, customer) pair, both given as small
 * integer ids, held in typed arrays: a lookup is a hash of two integers and
 * a probe or two, and a new pair costs four array slots rather than objects.
 * A log of 500 operations and 2,000 customers has a million pairs.
 *
 * Cost is summed in integer units exact while under SAFE_UNITS; a pair's
 * total past that spills into a BigInt, and a value that fits no integer
 * unit is summed as a decimal, both kept sparse beside the arrays.
 */
export class PairTable {
  /** Per slot: the pair's index + 1, or 0 when empty. */
  private slots = new Int32Array(1024);
  private mask = 1023;
  ops = new Int32Array(512);
  customers = new Int32Array(512);
  calls = new Float64Array(512);
  units = new Float64Array(512);
  readonly big = new Map<number, bigint>();
  readonly extra = new Map<number, Dec>();
  size = 0;

  /** The index of the pair, added when new. */
  index(op: number, customer: number): number {
    const { slots, mask, ops, customers } = this;
    for (let i = hashPair(op, customer) & mask; ; i = (i + 1) & mask) {
      const pair = slots[i]! - 1;
      if (pair < 0) return this.add(op, customer, i);
      if (ops[pair] === op && customers[pair] === customer) return pair;
    }
  }

  /** `units` must be a non-negative integer under SAFE_UNITS. */
  addUnits(pair: number, units: number): void {
    const sum = this.units[pair]! + units;
    if (sum > SAFE_UNITS) {
      this.big.set(pair, (this.big.get(pair) ?? 0n) + BigInt(sum));
      this.units[pair] = 0;
    } else this.units[pair] = sum;
  }

  addDecimal(pair: number, value: Dec): void {
    this.extra.set(pair, (this.extra.get(pair) ?? ZERO).plus(value));
  }

  /** Each operation's pairs, in the order they were added, by operation id. */
  byOperation(operations: number): Int32Array[] {
    const counts = new Int32Array(operations);
    for (let p = 0; p < this.size; p++) counts[this.ops[p]!]!++;
    const lists = Array.from(counts, (n) => new Int32Array(n));
    counts.fill(0);
    for (let p = 0; p < this.size; p++) {
      const op = this.ops[p]!;
      lists[op]![counts[op]!++] = p;
    }
    return lists;
  }

  private add(op: number, customer: number, slot: number): number {
    const pair = this.size++;
    if (pair === this.ops.length) {
      const length = pair * 2;
      this.ops = grown(this.ops, new Int32Array(length));
      this.customers = grown(this.customers, new Int32Array(length));
      this.calls = grown(this.calls, new Float64Array(length));
      this.units = grown(this.units, new Float64Array(length));
    }
    this.ops[pair] = op;
    this.customers[pair] = customer;
    // At most half full, so probes stay short.
    if (this.size * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    else this.slots[slot] = pair + 1;
    return pair;
  }

  /** Places every pair in a table of `capacity` slots. */
  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let pair = 0; pair < this.size; pair++) {
      let i = hashPair(this.ops[pair]!, this.customers[pair]!) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = pair + 1;
    }
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function hashPair(op: number, customer: number): number {
  let h = Math.imul(customer, 0x9e3779b1) ^ Math.imul(op + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
