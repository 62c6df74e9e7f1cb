/** "Did you mean …": the closest candidate by edit distance, when it is close enough to be a typo. */

/** Damerau–Levenshtein distance (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, or null when none is plausibly meant: a distance of at most
 * a third of the longer word (at least 1, at least 2 for words of 5+ letters), or a candidate that
 * starts with the input or contains it (`xavier` → `xavierUniform`).
 */
export function closest(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === null) return null;
  const limit = Math.max(input.length >= 5 ? 2 : 1, Math.floor(Math.max(input.length, best.length) / 3));
  if (bestD <= limit) return best;
  const low = input.toLowerCase();
  if (low.length >= 3) {
    const hit = candidates.find((c) => c.toLowerCase().startsWith(low)) ?? candidates.find((c) => c.toLowerCase().includes(low));
    if (hit) return hit;
  }
  return null;
}
