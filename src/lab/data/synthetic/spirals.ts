import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { intOption, nonNegOption, shuffleRows, type Synthetic } from './common.js';

/** Turns of each arm, as in TensorFlow Playground's spiral (1.75 turns). */
const TURNS = 1.75;

/**
 * Intertwined spirals, one arm per class — the two-spirals benchmark (Lang & Witbrock 1988) in
 * the form TensorFlow Playground draws it, generalised to `classes` arms: arm c holds its share
 * of the n points (the first n mod classes arms one more), point i of m at radius r = i/m and
 * angle θ = 2π·1.75·r + 2πc/classes, at (r·sin θ, r·cos θ), plus Gaussian noise of std `noise`
 * on both coordinates; rows shuffled. x [n, 2] inside the unit disc (before noise), y [n].
 * Not linearly separable: a net needs depth or width to curl its decision boundary.
 */
export function makeSpirals(opts: { n: number; classes: number; noise: number; generator: Generator }): Synthetic {
  const n = intOption('spirals', 'n', opts.n, 1);
  const k = intOption('spirals', 'classes', opts.classes, 2);
  const noise = nonNegOption('spirals', 'noise', opts.noise);
  const g = opts.generator;
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  const eps = new Float64Array(2);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const m = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let i = 0; i < m; i++, row++) {
      const r = i / m;
      const t = 2 * Math.PI * TURNS * r + (2 * Math.PI * c) / k;
      if (noise > 0) g.fillNormal(eps, 0, noise);
      x[2 * row] = r * Math.sin(t) + eps[0]!;
      x[2 * row + 1] = r * Math.cos(t) + eps[1]!;
      y[row] = c;
    }
  }
  shuffleRows(x, 2, y, 1, g);
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}
