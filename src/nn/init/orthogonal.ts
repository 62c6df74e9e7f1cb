import { ValueError, fmtShape } from '../../tensor/errors.js';
import { defaultGenerator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensorArg, touched, type GeneratorOption } from './basic.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

/**
 * Thin QR of a tall m×n matrix (m ≥ n, row-major float64) by Householder reflections.
 * Returns Q (m×n, orthonormal columns, row-major) and the diagonal of R.
 */
export function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  const r = a.slice();
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const len = m - k;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      v[i] = r[(k + i) * n + k]!;
      norm2 += v[i]! * v[i]!;
    }
    const norm = Math.sqrt(norm2);
    const alpha = v[0]! >= 0 ? -norm : norm;
    v[0]! -= alpha;
    let vn2 = 0;
    for (let i = 0; i < len; i++) vn2 += v[i]! * v[i]!;
    if (vn2 > 0) {
      const inv = 1 / Math.sqrt(vn2);
      for (let i = 0; i < len; i++) v[i]! *= inv;
      // R[k:, k:] -= 2 v (vᵀ R[k:, k:])
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = 0; i < len; i++) dot += v[i]! * r[(k + i) * n + j]!;
        dot *= 2;
        for (let i = 0; i < len; i++) r[(k + i) * n + j]! -= dot * v[i]!;
      }
      rDiag[k] = alpha;
    } else {
      rDiag[k] = r[k * n + k]!;
    }
    vs.push(vn2 > 0 ? v : new Float64Array(len));
  }
  // Q = H0 H1 … H(n−1) · I[:, :n]
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    const len = m - k;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[i]! * q[(k + i) * n + j]!;
      if (dot === 0) continue;
      dot *= 2;
      for (let i = 0; i < len; i++) q[(k + i) * n + j]! -= dot * v[i]!;
    }
  }
  return { q, rDiag };
}

export interface OrthogonalOptions extends GeneratorOption {
  /** Multiplier of the orthogonal matrix; default 1. */
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013; PyTorch: `nn.init.orthogonal_`). The tensor is
 * viewed as [rows, numel/rows]; the Q factor of the QR decomposition of a standard-normal matrix
 * (transposed first when wide), with columns multiplied by the signs of R's diagonal so that Q is
 * Haar-distributed, is written into it and scaled by `gain`. Tall results have orthonormal columns
 * (WᵀW = I), wide ones orthonormal rows (WWᵀ = I). Empty tensors are left as they are.
 */
export function orthogonal_<T extends Tensor>(t: T, opts: OrthogonalOptions = {}): T {
  tensorArg(t, 'orthogonal_');
  opts = checkOptions('orthogonal_', opts, optionKeys<OrthogonalOptions>({ gain: true, generator: true }));
  if (t.ndim < 2)
    throw new ValueError('orthogonal_', `only tensors with 2 or more dimensions are supported, got shape ${fmtShape(t.shape)}`);
  const gain = opts.gain ?? 1;
  if (typeof gain !== 'number' || !Number.isFinite(gain))
    throw new ValueError('orthogonal_', `gain must be a finite number, got ${String(gain)}`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  const g = opts.generator ?? defaultGenerator;
  const wide = rows < cols;
  const m = wide ? cols : rows;
  const n = wide ? rows : cols;
  // Draw the rows×cols normal matrix in row-major order, stored as the tall m×n matrix.
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const z = g.normal();
      if (wide) a[j * n + i] = z;
      else a[i * n + j] = z;
    }
  const { q, rDiag } = householderQr(a, m, n);
  const d = t.data;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const s = Math.sign(rDiag[j]!);
      const v = gain * s * q[i * n + j]!;
      if (wide) d[j * cols + i] = v;
      else d[i * cols + j] = v;
    }
  return touched(t);
}

export interface SparseOptions extends GeneratorOption {
  /** Std of the normal distribution of the non-zero values; default 0.01. */
  std?: number;
}

/**
 * A sparse 2-D matrix (Martens 2010; PyTorch: `nn.init.sparse_`): N(0, std²) values, then in
 * every column ⌈sparsity·rows⌉ randomly chosen entries set to zero.
 */
export function sparse_<T extends Tensor>(t: T, sparsity: number, opts: SparseOptions = {}): T {
  tensorArg(t, 'sparse_');
  opts = checkOptions('sparse_', opts, optionKeys<SparseOptions>({ std: true, generator: true }));
  if (t.ndim !== 2)
    throw new ValueError('sparse_', `only tensors with 2 dimensions are supported, got shape ${fmtShape(t.shape)}`);
  if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity <= 1))
    throw new ValueError('sparse_', `sparsity is the fraction of zeros per column and must be in [0, 1], got ${String(sparsity)}`);
  const std = opts.std ?? 0.01;
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0)
    throw new ValueError('sparse_', `std must be a finite number >= 0, got ${String(std)}`);
  const [rows, cols] = t.shape as [number, number];
  const g = opts.generator ?? defaultGenerator;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = std * g.normal();
  const numZeros = Math.ceil(sparsity * rows);
  const perm = new Int32Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < rows; i++) perm[i] = i;
    // Partial Fisher–Yates: the first numZeros entries are a uniform random subset.
    for (let i = 0; i < numZeros; i++) {
      const j = i + Math.floor(g.random() * (rows - i));
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
      d[perm[i]! * cols + c] = 0;
    }
  }
  return touched(t);
}
