/**
 * Summary statistics of a tensor's values, as the probe records them: moments here, quantiles in
 * quantiles.ts, histograms in histogram.ts.
 *
 * Moments accumulate in float64 with two passes (mean first, then squared deviations), over the
 * **finite** values only; NaN, +Inf and −Inf are counted apart so that one bad value does not
 * hide the shape of the rest. `std` is the population standard deviation (divides by n).
 */
import { ValueError } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

export type Values = Float32Array | Float64Array | Tensor;

export interface Moments {
  /** Number of elements, finite or not. */
  count: number;
  /** Number of finite elements (the moments below are over these). */
  finite: number;
  mean: number;
  /** Population variance (divides by the number of finite values). */
  variance: number;
  std: number;
  /** Root mean square, √(mean² + variance). */
  rms: number;
  /** Euclidean norm of the finite values. */
  norm: number;
  min: number;
  max: number;
  /** Share of exact zeros among all elements. */
  zeros: number;
  nan: number;
  posInf: number;
  negInf: number;
}

export function valuesOf(x: Values, op: string): Float32Array | Float64Array {
  if (x instanceof Tensor) return x.data;
  if (x instanceof Float32Array || x instanceof Float64Array) return x;
  throw new ValueError(op, `expected a Tensor, Float32Array or Float64Array, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a plain array (wrap it with tensor(...) or Float32Array.from(...))';
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'object' : typeof x;
}

/** Mean, variance, extremes and non-finite counts, in float64. */
export function moments(x: Values): Moments {
  const d = valuesOf(x, 'moments');
  const n = d.length;
  // Fast path: one pass for the sum and extremes; a finite sum means every value is finite (a
  // float64 sum of float32 values cannot overflow). Both passes keep four independent sums, so
  // that each add waits for the one four elements back instead of the previous one (2–3× faster).
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let i = 0; i < n4; i += 4) {
    const a = d[i]!;
    const b = d[i + 1]!;
    const c = d[i + 2]!;
    const e = d[i + 3]!;
    s0 += a;
    s1 += b;
    s2 += c;
    s3 += e;
    if (a < min) min = a;
    if (a > max) max = a;
    if (b < min) min = b;
    if (b > max) max = b;
    if (c < min) min = c;
    if (c > max) max = c;
    if (e < min) min = e;
    if (e > max) max = e;
    zeros += (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0) + (c === 0 ? 1 : 0) + (e === 0 ? 1 : 0);
  }
  for (let i = n4; i < n; i++) {
    const v = d[i]!;
    s0 += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const s = s0 + s1 + (s2 + s3);
  if (s - s === 0) {
    const mean = n > 0 ? s / n : NaN;
    let ss0 = 0;
    let ss1 = 0;
    let sq0 = 0;
    let sq1 = 0;
    for (let i = 0; i < n4; i += 4) {
      const a = d[i]!;
      const b = d[i + 1]!;
      const c = d[i + 2]!;
      const e = d[i + 3]!;
      const ca = a - mean;
      const cb = b - mean;
      const cc = c - mean;
      const ce = e - mean;
      ss0 += ca * ca + cb * cb;
      ss1 += cc * cc + ce * ce;
      sq0 += a * a + b * b;
      sq1 += c * c + e * e;
    }
    for (let i = n4; i < n; i++) {
      const v = d[i]!;
      const c = v - mean;
      ss0 += c * c;
      sq0 += v * v;
    }
    return finish(n, n, mean, n > 0 ? (ss0 + ss1) / n : NaN, sq0 + sq1, min, max, zeros, 0, 0, 0);
  }
  return momentsSlow(d);
}

function finish(n: number, fin: number, mean: number, variance: number, sq: number, min: number, max: number, zeros: number, nan: number, posInf: number, negInf: number): Moments {
  return {
    count: n,
    finite: fin,
    mean,
    variance,
    std: Math.sqrt(variance),
    rms: fin > 0 ? Math.sqrt(sq / fin) : NaN,
    norm: Math.sqrt(sq),
    min: fin > 0 ? min : NaN,
    max: fin > 0 ? max : NaN,
    zeros: n > 0 ? zeros / n : 0,
    nan,
    posInf,
    negInf,
  };
}

/** The careful path: some values are NaN or ±Inf; moments over the finite ones. */
function momentsSlow(d: Float32Array | Float64Array): Moments {
  const n = d.length;
  let s = 0;
  let fin = 0;
  let nan = 0;
  let pinf = 0;
  let ninf = 0;
  let zeros = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (v - v === 0) {
      s += v;
      fin++;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
    } else if (v !== v) nan++;
    else if (v > 0) pinf++;
    else ninf++;
  }
  const mean = fin > 0 ? s / fin : NaN;
  let ss = 0;
  let sq = 0;
  if (fin > 0)
    for (let i = 0; i < n; i++) {
      const v = d[i]!;
      if (v - v !== 0) continue;
      const c = v - mean;
      ss += c * c;
      sq += v * v;
    }
  return finish(n, fin, mean, fin > 0 ? ss / fin : NaN, sq, min, max, zeros, nan, pinf, ninf);
}

/** Euclidean norm in float64 (non-finite values propagate, as in PyTorch's `norm`). */
export function l2norm(x: Values): number {
  const d = valuesOf(x, 'l2norm');
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

/** Number of NaN / ±Inf entries. */
export function countNonFinite(x: Values): number {
  const d = valuesOf(x, 'countNonFinite');
  let c = 0;
  for (let i = 0; i < d.length; i++) if (d[i]! - d[i]! !== 0) c++;
  return c;
}
