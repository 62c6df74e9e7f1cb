/**
 * Statistics about units (features / channels) rather than single values: the share of
 * saturated outputs of a squashing activation, the share of dead units of a ReLU-family layer,
 * and the share of duplicated units of a weight matrix (broken symmetry).
 *
 * A **unit** is an index along dim 1 (a feature of a [batch, features] tensor, a channel of a
 * [batch, channels, …] tensor); a 1-D tensor is one sample of units.
 */
import { ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { valuesOf, type Values } from './stats.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface SaturationThresholds {
  /** tanh output counts as saturated when |y| > tanh. Default 0.97 (derivative 1 − y² < 0.06). */
  tanh?: number;
  /** sigmoid output counts as saturated when y > sigmoid or y < 1 − sigmoid. Default 0.97. */
  sigmoid?: number;
}

export const DEFAULT_SATURATION = Object.freeze({ tanh: 0.97, sigmoid: 0.97 });

/**
 * Share of elements of a tanh or sigmoid output beyond the saturation threshold (NaN counts as
 * not saturated; ±Inf cannot come out of these functions).
 */
export function saturationShare(y: Values, kind: 'tanh' | 'sigmoid', thresholds: SaturationThresholds = {}): number {
  const d = valuesOf(y, 'saturationShare');
  if (kind !== 'tanh' && kind !== 'sigmoid')
    throw new ValueError('saturationShare', `kind must be 'tanh' or 'sigmoid', got '${String(kind)}'`);
  const t = kind === 'tanh' ? thresholds.tanh ?? DEFAULT_SATURATION.tanh : thresholds.sigmoid ?? DEFAULT_SATURATION.sigmoid;
  if (!(t > (kind === 'tanh' ? 0 : 0.5) && t < 1))
    throw new ValueError(
      'saturationShare',
      `${kind} threshold must be in ${kind === 'tanh' ? '(0, 1)' : '(0.5, 1)'}, got ${t}`,
    );
  if (d.length === 0) return 0;
  let c = 0;
  if (kind === 'tanh') {
    for (let i = 0; i < d.length; i++) if (Math.abs(d[i]!) > t) c++;
  } else {
    const lo = 1 - t;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v > t || v < lo) c++;
    }
  }
  return c / d.length;
}

/** [samples, units, inner] view of a shape: units along dim 1, everything else is samples. */
export function unitLayout(shape: readonly number[], op: string): { outer: number; units: number; inner: number } {
  if (shape.length === 0) throw new ValueError(op, 'a 0-d tensor has no units; pass a tensor of shape [batch, features, …]');
  if (shape.length === 1) return { outer: 1, units: shape[0]!, inner: 1 };
  let inner = 1;
  for (let i = 2; i < shape.length; i++) inner *= shape[i]!;
  return { outer: shape[0]!, units: shape[1]!, inner };
}

/**
 * Share of units whose output is ≤ 0 for every sample (and every position, for channels): for
 * ReLU that is "zero for the whole batch"; for LeakyReLU, ELU, GELU, SiLU it is "negative input
 * for the whole batch", i.e. the unit sits in the flat or near-flat part of its activation.
 * A NaN output does not count as dead.
 */
export function deadUnitShare(y: Tensor): number {
  if (!(y instanceof Tensor)) throw new ValueError('deadUnitShare', 'expected a Tensor of shape [batch, units, …]');
  const { outer, units, inner } = unitLayout(y.shape, 'deadUnitShare');
  if (units === 0) return 0;
  const d = y.data;
  const alive = new Uint8Array(units);
  for (let b = 0; b < outer; b++) {
    const base = b * units * inner;
    for (let u = 0; u < units; u++) {
      if (alive[u]) continue;
      const o = base + u * inner;
      for (let k = 0; k < inner; k++) {
        const v = d[o + k]!;
        if (!(v <= 0)) {
          alive[u] = 1;
          break;
        }
      }
    }
  }
  let dead = 0;
  for (let u = 0; u < units; u++) if (!alive[u]) dead++;
  return dead / units;
}

export interface DuplicateUnits {
  /** Share of rows equal to an earlier row (0 when all rows differ, (r−1)/r when all are equal). */
  share: number;
  /** Number of distinct rows. */
  distinct: number;
  rows: number;
}

/**
 * Duplicated rows of a weight tensor [out, in, …] (one row per output unit): two units with the
 * same incoming weights compute the same function and receive the same gradient, so gradient
 * descent can never tell them apart (the symmetry a constant initialization creates). Rows are
 * equal when they differ by at most `rtol` times the larger row's max-abs value (default 1e-6).
 * Cost O(size + rows·log rows): rows are sorted by two float64 signatures and only neighbours
 * with equal signatures are compared element by element.
 */
export function duplicateRows(w: Tensor, opts: { rtol?: number } = {}): DuplicateUnits {
  opts = checkOptions('duplicateRows', opts, ['rtol']);
  if (!(w instanceof Tensor) || w.ndim < 2)
    throw new ValueError('duplicateRows', `expected a weight tensor with at least 2 dims [out, in, …], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
  const rtol = opts.rtol ?? 1e-6;
  const rows = w.shape[0]!;
  const len = rows === 0 ? 0 : w.data.length / rows;
  const d = w.data;
  const sig1 = new Float64Array(rows);
  const sig2 = new Float64Array(rows);
  const scale = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let a = 0;
    let b = 0;
    let m = 0;
    for (let k = 0, o = r * len; k < len; k++) {
      const v = d[o + k]!;
      a += v;
      b += v * ((k % 7) - 3); // a second, position-weighted signature
      const av = Math.abs(v);
      if (av > m) m = av;
    }
    sig1[r] = a;
    sig2[r] = b;
    scale[r] = m;
  }
  const order = Array.from({ length: rows }, (_, i) => i).sort((i, j) => sig1[i]! - sig1[j]! || sig2[i]! - sig2[j]!);
  const dup = new Uint8Array(rows);
  const near = (i: number, j: number): boolean => {
    const tol = rtol * Math.max(scale[i]!, scale[j]!) * Math.max(1, len);
    if (Math.abs(sig1[i]! - sig1[j]!) > tol || Math.abs(sig2[i]! - sig2[j]!) > 3 * tol) return false;
    const t = rtol * Math.max(scale[i]!, scale[j]!);
    for (let k = 0, a = i * len, b = j * len; k < len; k++) if (!(Math.abs(d[a + k]! - d[b + k]!) <= t)) return false;
    return true;
  };
  for (let p = 0; p < rows; p++) {
    const i = order[p]!;
    if (dup[i]) continue;
    for (let q = p + 1; q < rows; q++) {
      const j = order[q]!;
      if (sig1[j]! - sig1[i]! > rtol * Math.max(scale[i]!, scale[j]!) * Math.max(1, len)) break;
      if (!dup[j] && near(i, j)) dup[j] = 1;
    }
  }
  let n = 0;
  for (let r = 0; r < rows; r++) n += dup[r]!;
  return { share: rows > 0 ? n / rows : 0, distinct: rows - n, rows };
}
