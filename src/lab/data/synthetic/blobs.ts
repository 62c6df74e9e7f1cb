import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { intOption, nonNegOption, shuffleRows, type Synthetic } from './common.js';

/**
 * Isotropic Gaussian blobs, as scikit-learn's `make_blobs` defines them: `classes` centres drawn
 * uniformly in the box [−10, 10]^features (`center_box`), then ⌊n/classes⌋ points per centre
 * (the first n mod classes centres get one more), each centre + N(0, std²) per coordinate
 * (`cluster_std`, default 1), rows shuffled. x [n, features], y [n] = index of the centre.
 */
export function makeBlobs(opts: { n: number; classes: number; features: number; std: number; generator: Generator }): Synthetic {
  const n = intOption('blobs', 'n', opts.n, 1);
  const k = intOption('blobs', 'classes', opts.classes, 1);
  const f = intOption('blobs', 'features', opts.features, 1);
  const std = nonNegOption('blobs', 'noise (cluster std)', opts.std);
  const g = opts.generator;
  const centers = new Float64Array(k * f);
  g.fillUniform(centers, -10, 10);
  const x = new Float32Array(n * f);
  const y = new Float32Array(n);
  const row = new Float64Array(f);
  let r = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let i = 0; i < count; i++, r++) {
      g.fillNormal(row, 0, std);
      for (let j = 0; j < f; j++) x[r * f + j] = centers[c * f + j]! + row[j]!;
      y[r] = c;
    }
  }
  shuffleRows(x, f, y, 1, g);
  return { x: new Tensor(x, [n, f]), y: new Tensor(y, [n]) };
}
