import { ValueError } from '../tensor/errors.js';
import { defaultGenerator } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, optionKeys } from '../tensor/options.js';
import type { RandomOptions } from '../tensor/creation.js';

const KEYS = optionKeys<RandomOptions>({ generator: true, requiresGrad: true });

/**
 * A random permutation of 0 … n−1 (PyTorch: `torch.randperm`), as float32 whole numbers, e.g. to
 * shuffle a dataset: `x.indexSelect(0, randperm(n))`. A Fisher–Yates shuffle driven by
 * `generator` (default: the global one seeded by `manualSeed`), so a seed gives the same
 * permutation everywhere — but not torch's, whose generator differs. Exact up to n = 2^24.
 */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const o = checkOptions('randperm', opts, KEYS);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 24)
    throw new ValueError('randperm', `n must be an integer in [0, 2^24] (float32 holds whole numbers exactly up to 2^24), got ${String(n)}`);
  const g = o.generator ?? defaultGenerator;
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = d[i]!;
    d[i] = d[j]!;
    d[j] = t;
  }
  return new Tensor(d, [n], o.requiresGrad ?? false);
}
