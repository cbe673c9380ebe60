/**
 * The `top` of `count` entries, costliest first and ties by name, where each
 * entry's cost is a whole number of units (exact in a Number): their indices,
 * in that order. With far more entries than asked for they are chosen in one
 * pass, the best so far kept in order, so that most entries are passed over
 * at one comparison; otherwise they are sorted.
 */
export function chooseTop(count: number, units: (i: number) => number, name: (i: number) => string, top: number): number[] {
  const before = (a: number, b: number) => units(b) - units(a) || name(a).localeCompare(name(b));
  if (top * 16 >= count) {
    const all = Array.from({ length: count }, (_, i) => i);
    return all.sort(before).slice(0, Math.max(top, 0));
  }
  const best: number[] = [];
  for (let i = 0; i < count; i++) {
    if (best.length === top && before(i, best[top - 1]!) >= 0) continue;
    let at = best.length === top ? top - 1 : best.length;
    while (at > 0 && before(i, best[at - 1]!) < 0) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}
