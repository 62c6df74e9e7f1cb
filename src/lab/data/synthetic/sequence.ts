import { ValueError } from '../../../tensor/errors.js';
import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { intOption, type Synthetic } from './common.js';

export type SequenceTask = 'adding' | 'adding-class';

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, experiment 4), in the form used by Le,
 * Jaitly & Hinton (2015) and Arjovsky et al. (2016) to test long-range memory in recurrent nets:
 * each sequence has `length` steps of two channels — a value U(0, 1) and a marker, 1 at exactly
 * two steps (one uniform in the first half, one in the second half), 0 elsewhere. The target is
 * the sum of the two marked values: x [n, length, 2] (batch first), y [n, 1].
 *
 * Predicting the mean (1) gives mean squared error Var(u₁ + u₂) = 2/12 ≈ 0.167: a net has learned
 * something only below that. The gradient linking the target to the first marker crosses up to
 * `length` steps — where vanishing and exploding gradients show.
 *
 * `adding-class` is a classification twin: y [n] = 1 when the sum exceeds 1, else 0 (balanced,
 * the sum being symmetric about 1).
 */
export function makeSequence(opts: { n: number; length: number; task: SequenceTask; generator: Generator }): Synthetic {
  const n = intOption('sequence', 'n', opts.n, 1);
  const T = intOption('sequence', 'length', opts.length, 2);
  if (opts.task !== 'adding' && opts.task !== 'adding-class')
    throw new ValueError('sequence', `task must be 'adding' or 'adding-class', got ${String(opts.task)}`);
  const g = opts.generator;
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const half = Math.floor(T / 2);
  const values = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    g.fillUniform(values, 0, 1);
    const a = g.randint(0, half);
    const b = g.randint(half, T);
    const base = i * T * 2;
    for (let t = 0; t < T; t++) x[base + 2 * t] = values[t]!;
    x[base + 2 * a + 1] = 1;
    x[base + 2 * b + 1] = 1;
    // The sum of the float32 values the net sees, so the target is exact for its inputs.
    const sum = x[base + 2 * a]! + x[base + 2 * b]!;
    y[i] = opts.task === 'adding' ? sum : sum > 1 ? 1 : 0;
  }
  return { x: new Tensor(x, [n, T, 2]), y: opts.task === 'adding' ? new Tensor(y, [n, 1]) : new Tensor(y, [n]) };
}
