/**
 * Reads `values[2 × places[q]]` for the first `count` places and returns
 * their sum, which the caller keeps so that the reads are not left out. The
 * reads do not depend on one another, so the memory fetches them all at once,
 * and the work after the loop finds them in the cache (see flushCalls).
 */
export function readAhead(values: Float64Array, places: Int32Array, count: number): number {
  let seen = 0;
  for (let q = 0; q < count; q++) seen += values[2 * places[q]!]!;
  return seen;
}
