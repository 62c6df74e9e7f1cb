/**
 * Mean-field predictions the catalogue prints beside its measurements (docs/lab.md derives them).
 *
 * For a wide layer y = f(W h) with W_ij ~ N(0, σ_w²) and zero biases, each pre-activation is
 * Gaussian with variance q = n σ_w² · mean(h²) (a sum of n independent terms), so the statistics
 * of the next layer are one-dimensional Gaussian integrals E[g(√q ξ)], ξ ~ N(0, 1).
 */
import { erfScalar } from '../../ops/erf.js';

const H = 1 / 256;
const HALF_RANGE = 12;

/**
 * E[g(s ξ)] for ξ ~ N(0, 1), by the trapezoid rule on ξ ∈ [−12, 12] with step 1/256. For an
 * integrand analytic in a strip of half-width d around the real axis the error falls like
 * e^{−2πd/h}: tanh(sξ) has its poles at ξ = ±iπ/(2s), so even s = 10 (d ≈ 0.16) leaves an
 * error near 1e-100, far below float64 — unlike Gauss–Hermite rules, which converge slowly on
 * such functions.
 */
export function gaussMean(g: (z: number) => number, s: number): number {
  let acc = 0;
  const n = Math.round(HALF_RANGE / H);
  for (let i = -n; i <= n; i++) {
    const x = i * H;
    acc += Math.exp(-0.5 * x * x) * g(s * x);
  }
  return (acc * H) / Math.sqrt(2 * Math.PI);
}

/** P(|N(0, s²)| > a). */
export function twoSidedTail(a: number, s: number): number {
  return s === 0 ? 0 : 1 - erfScalar(a / (s * Math.SQRT2));
}

/**
 * The lecture's tanh net: input std `inStd`, `depth` layers of width n with W ~ N(0, σ_w²), zero
 * biases. Layer l's pre-activation std is σ_w √n · std_{l−1} (`c` = σ_w √n), its output std
 * √E[tanh(zσ)²] (tanh is odd, so the mean is 0). Returns each layer's output std, the factor
 * std_l / std_{l−1}, and the share of outputs beyond ±`threshold`.
 */
export function tanhForward(c: number, depth: number, threshold = 0.99, inStd = 1): { std: number[]; factor: number[]; beyond: number[] } {
  const std: number[] = [];
  const factor: number[] = [];
  const beyond: number[] = [];
  let s = inStd;
  const a = Math.atanh(threshold);
  for (let l = 0; l < depth; l++) {
    const z = c * s;
    const next = Math.sqrt(gaussMean((v) => Math.tanh(v) ** 2, z));
    beyond.push(twoSidedTail(a, z));
    factor.push(next / s);
    std.push(next);
    s = next;
  }
  return { std, factor, beyond };
}
