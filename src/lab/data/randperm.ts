import type { Generator } from '../../tensor/rng.js';

/**
 * A uniformly random permutation of 0..n−1 (PyTorch: `torch.randperm`), by Fisher–Yates with
 * the generator's 53-bit uniforms: the same generator state gives the same permutation.
 */
export function randperm(n: number, generator: Generator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(generator.random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
