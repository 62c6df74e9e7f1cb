/**
 * Spectral radius of a square matrix by power iteration (Gelfand's formula ρ = lim ‖Wᵏv‖^{1/k}):
 * the mean log growth of ‖Wv‖ per multiplication after a burn-in. Unlike the Rayleigh quotient it
 * also converges when the largest eigenvalues are a complex pair, as they are for most random
 * recurrent matrices. For an unrolled RNN, ρ(W_hh) is the factor by which a small perturbation of
 * the hidden state grows or shrinks per time step before the activation's derivative.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/rng.js';

export function spectralRadius(w: Tensor, gen: Generator, iterations = 100, burnIn = 30): number | null {
  if (w.ndim !== 2 || w.shape[0] !== w.shape[1] || w.shape[0] === 0) return null;
  const n = w.shape[0]!;
  const a = w.data;
  let v = new Float64Array(n);
  let nv = 0;
  for (let i = 0; i < n; i++) {
    v[i] = gen.normal();
    nv += v[i]! * v[i]!;
  }
  nv = Math.sqrt(nv);
  for (let i = 0; i < n; i++) v[i]! /= nv;
  let u = new Float64Array(n);
  let logs = 0;
  for (let k = 0; k < iterations; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) acc += a[row + j]! * v[j]!;
      u[i] = acc;
      s += acc * acc;
    }
    const norm = Math.sqrt(s);
    if (!(norm > 0) || !Number.isFinite(norm)) return norm === 0 ? 0 : null;
    for (let i = 0; i < n; i++) u[i]! /= norm;
    if (k >= burnIn) logs += Math.log(norm);
    [u, v] = [v, u];
  }
  return Math.exp(logs / (iterations - burnIn));
}
