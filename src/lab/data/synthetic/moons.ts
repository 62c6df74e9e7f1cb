import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { intOption, nonNegOption, shuffleRows, type Synthetic } from './common.js';

/**
 * Two interleaving half circles, as scikit-learn's `make_moons` defines them: ⌊n/2⌋ points of
 * class 0 on (cos t, sin t) and the rest of class 1 on (1 − cos t, ½ − sin t), t evenly spaced
 * over [0, π] (both ends included) in each moon; Gaussian noise of std `noise` added to both
 * coordinates; rows shuffled. x [n, 2], y [n] (0 or 1).
 */
export function makeMoons(opts: { n: number; noise: number; generator: Generator }): Synthetic {
  const n = intOption('moons', 'n', opts.n, 1);
  const noise = nonNegOption('moons', 'noise', opts.noise);
  const g = opts.generator;
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  // np.linspace(0, π, m): step π/(m − 1), a single point at 0 when m = 1.
  const at = (i: number, m: number): number => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  const noiseBuf = new Float64Array(2 * n);
  if (noise > 0) g.fillNormal(noiseBuf, 0, noise);
  for (let i = 0; i < nOut; i++) {
    const t = at(i, nOut);
    x[2 * i] = Math.cos(t) + noiseBuf[2 * i]!;
    x[2 * i + 1] = Math.sin(t) + noiseBuf[2 * i + 1]!;
  }
  for (let i = 0; i < nIn; i++) {
    const t = at(i, nIn);
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(t) + noiseBuf[2 * r]!;
    x[2 * r + 1] = 0.5 - Math.sin(t) + noiseBuf[2 * r + 1]!;
    y[r] = 1;
  }
  shuffleRows(x, 2, y, 1, g);
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}
