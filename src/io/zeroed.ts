/**
 * A new typed array, written through once. A large one comes from the system
 * as pages not yet given: a page read before it is written is first mapped to
 * the shared page of zeros, then copied when written, and the copy makes the
 * system flush that page from every core running a thread of the process,
 * interrupting the other reader thread. A hash table's slots are read before
 * they are written. Written first, each page is given once.
 */
export function zeroed<T extends { fill(value: number): T }>(array: T): T {
  return array.fill(0);
}
