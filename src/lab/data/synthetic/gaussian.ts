import { ValueError } from '../../../tensor/errors.js';
import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { intOption, nonNegOption, type Synthetic } from './common.js';

/**
 * The lecture's inputs: every feature i.i.d. N(0, std²) (std 1 by default). Labels come from a
 * fixed random linear teacher — W ~ N(0, 1) of shape [features, classes], drawn from the
 * generator before the inputs, and y = argmax_c (x·W)_c — so the task is learnable (a linear
 * model can reach 100 %) and the classes are balanced in expectation (the projections x·W_c are
 * exchangeable). `labels: 'random'` draws uniform labels instead (nothing to learn: a net can only
 * memorise them). x [n, features], y [n].
 */
export function makeGaussian(opts: {
  n: number;
  features: number;
  classes: number;
  std: number;
  labels: 'teacher' | 'random';
  generator: Generator;
}): Synthetic & { teacher: Float64Array | null } {
  const n = intOption('gaussian', 'n', opts.n, 1);
  const f = intOption('gaussian', 'features', opts.features, 1);
  const k = intOption('gaussian', 'classes', opts.classes, 2);
  const std = nonNegOption('gaussian', 'std', opts.std);
  if (opts.labels !== 'teacher' && opts.labels !== 'random')
    throw new ValueError('gaussian', `labels must be 'teacher' or 'random', got ${String(opts.labels)}`);
  const g = opts.generator;
  const teacher = opts.labels === 'teacher' ? new Float64Array(f * k) : null;
  if (teacher !== null) g.fillNormal(teacher, 0, 1);
  const x = new Float32Array(n * f);
  g.fillNormal(x, 0, std);
  const y = new Float32Array(n);
  const score = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (teacher === null) {
      y[i] = g.randint(0, k);
      continue;
    }
    score.fill(0);
    for (let j = 0; j < f; j++) {
      const v = x[i * f + j]!;
      for (let c = 0; c < k; c++) score[c]! += v * teacher[j * k + c]!;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (score[c]! > score[best]!) best = c;
    y[i] = best;
  }
  return { x: new Tensor(x, [n, f]), y: new Tensor(y, [n]), teacher };
}
