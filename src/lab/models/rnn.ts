/**
 * Recurrent nets for sequences: an RNN / LSTM / GRU layer stack (batch first) read at its last
 * time step by a Linear head. Images are read row by row (28 steps of 28 pixels), flat vectors
 * one feature per step.
 */
import { Linear } from '../../nn/layers/linear.js';
import { RNN } from '../../nn/layers/rnn.js';
import { Module } from '../../nn/module.js';
import { select } from '../../ops/indexing.js';
import { reshape } from '../../ops/view.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ModelSpec } from '../spec/schema.js';
import { SpecError } from '../spec/errors.js';
import { recurrentLayer } from './available.js';

export class SequenceModel extends Module {
  /** [T, F] of one sample as the recurrent layer reads it. */
  readonly steps: readonly [number, number];
  rnn: Module;
  head: Linear;
  constructor(rnn: Module, hidden: number, steps: readonly [number, number], outFeatures: number) {
    super();
    this.steps = steps;
    this.rnn = rnn;
    this.head = new Linear(hidden, outFeatures);
  }
  forward(x: Tensor): Tensor {
    const n = x.shape[0]!;
    const seq = x.ndim === 3 && x.shape[1] === this.steps[0] && x.shape[2] === this.steps[1] ? x : reshape(x, [n, ...this.steps]);
    const out = this.rnn.forward(seq) as Tensor | Tensor[];
    const y = Array.isArray(out) ? out[0]! : out;
    return this.head.forward(select(y, 1, y.shape[1]! - 1)) as Tensor;
  }
}

/** How a sample is read as a sequence: [T, F] sequences as they are, images by rows, vectors by feature. */
export function sequenceShape(inputShape: readonly number[], image?: readonly [number, number, number]): [number, number] {
  if (inputShape.length === 2) return [inputShape[0]!, inputShape[1]!];
  if (image) return [image[1], image[0] * image[2]];
  const f = inputShape.reduce((a, b) => a * b, 1);
  return [f, 1];
}

export function buildRecurrent(m: ModelSpec, inputShape: readonly number[], image: readonly [number, number, number] | undefined, outFeatures: number): SequenceModel {
  const steps = sequenceShape(inputShape, image);
  const opts = { numLayers: m.depth, batchFirst: true, dropout: m.dropout };
  let layer: Module;
  if (m.type === 'rnn') layer = new RNN(steps[1], m.width, { ...opts, nonlinearity: m.activation === 'relu' ? 'relu' : 'tanh' });
  else {
    const Ctor = recurrentLayer(m.type === 'lstm' ? 'LSTM' : 'GRU');
    if (Ctor === null) throw new SpecError([{ path: 'model.type', message: `model.type '${m.type}' is not available in this version (its layer is missing from nn); use rnn` }]);
    layer = new Ctor(steps[1], m.width, opts);
  }
  return new SequenceModel(layer, m.width, steps, outFeatures);
}
