import { ValueError } from '../../tensor/errors.js';

/** A size or a [h, w] pair, as layers take for kernel sizes, strides and paddings. */
export type Pair = number | readonly [number, number];

/** Throw unless `v` is an integer ≥ min. */
export function checkSize(op: string, what: string, v: number, min = 1): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(op, `${what} must be an integer ≥ ${min}, got ${v}`);
}

/** A number or [h, w] as a checked [h, w]. */
export function pair(op: string, what: string, v: Pair, min: number): [number, number] {
  const ok = typeof v === 'number' || (Array.isArray(v) && v.length === 2);
  if (!ok) throw new ValueError(op, `${what} must be a number or a pair [h, w], got ${JSON.stringify(v)}`);
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((d) => !Number.isInteger(d) || d < min)) throw new ValueError(op, `${what} must be integers ≥ ${min}, got ${JSON.stringify(v)}`);
  return p;
}
