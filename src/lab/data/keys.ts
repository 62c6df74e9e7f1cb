import { ValueError } from '../../tensor/errors.js';

/**
 * Unknown keys and names, refused with the closest valid one ("did you mean 'batchSize'?").
 * A misspelled option that is silently ignored (`{ shufle: true }` never shuffling) is the bug
 * this prevents.
 */

/** Edit distance counting a swap of neighbours as one edit ("mnsit" is one typo from "mnist"). */
function distance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, prev2[j - 2]! + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The valid word closest to `word` (case and `_`/`-` ignored), or undefined when none is close. */
export function closest(word: string, valid: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = distance(norm(word), norm(v));
    if (d < bestD) [best, bestD] = [v, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)) ? best : undefined;
}

/** " — did you mean 'x'?" or "". */
export function didYouMean(word: string, valid: readonly string[]): string {
  const near = closest(word, valid);
  return near !== undefined ? ` — did you mean '${near}'?` : '';
}

type ErrorClass = new (op: string, message: string) => Error;

/** Refuse anything but a plain object, and any key outside `allowed`. */
export function checkKeys<T extends object>(op: string, value: unknown, allowed: readonly string[], E: ErrorClass = ValueError): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new E(op, `expected an options object { ${allowed.map((k) => `${k}?`).join(', ')} }, got ${Array.isArray(value) ? 'an array' : String(value)}`);
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      throw new E(op, `unknown option '${key}'${didYouMean(key, allowed)}. Valid options: ${allowed.join(', ')}.`);
  return value as T;
}
