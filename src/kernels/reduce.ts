import { takeStorage } from '../tensor/storage-pool.js';

/**
 * Reductions along one axis of a contiguous array seen as [outer, n, inner]. Sums accumulate in
 * float64 so that statistics and norms that feed decisions stay exact to float32 precision.
 */
export function sumAxis(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let k = 0; k < n; k++) s += x[base + k]!;
      out[o] = s;
    }
    return;
  }
  const acc = new Float64Array(inner);
  if (outer === 1 && n >= 4) {
    // column sums of an [n, inner] matrix (bias gradients): four rows per pass over acc
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      const b0 = k * inner;
      const b1 = b0 + inner;
      const b2 = b1 + inner;
      const b3 = b2 + inner;
      for (let i = 0; i < inner; i++) acc[i] += x[b0 + i]! + x[b1 + i]! + (x[b2 + i]! + x[b3 + i]!);
    }
    for (; k < n; k++) {
      const b = k * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[b + i]!;
    }
    for (let i = 0; i < inner; i++) out[i] = acc[i]!;
    return;
  }
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let base = o * n * inner;
    for (let k = 0; k < n; k++, base += inner) for (let i = 0; i < inner; i++) acc[i] += x[base + i]!;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = acc[i]!;
  }
}

/** Max (or min) and its first index along one axis; NaN propagates (as in PyTorch). */
export function extremeAxis(
  x: Float32Array,
  outer: number,
  n: number,
  inner: number,
  out: Float32Array,
  idx: Float32Array,
  wantMax: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let bi = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = x[base + k * inner]!;
          if (v !== v) {
            best = v;
            bi = k;
            break;
          }
          if (wantMax ? v > best : v < best) {
            best = v;
            bi = k;
          }
        }
      }
      out[o * inner + i] = best;
      idx[o * inner + i] = bi;
    }
  }
}

/** Split a shape around `dim` into [outer, n, inner]. */
export function splitAt(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i]!;
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[dim] ?? 1, inner];
}

/** Sum over a sorted list of dims; returns the data for the shape with those dims set to 1. */
export function sumDims(x: Float32Array, shape: readonly number[], dims: readonly number[]): Float32Array {
  let cur = x;
  const s = [...shape];
  for (const d of dims) {
    const [outer, n, inner] = splitAt(s, d);
    // from the engine's allocator: the result is a tensor's storage (a bias gradient, a sum)
    const out = takeStorage(outer * inner);
    sumAxis(cur, outer, n, inner, out);
    cur = out;
    s[d] = 1;
  }
  if (cur !== x) return cur;
  const copy = takeStorage(x.length, false);
  copy.set(x);
  return copy;
}
