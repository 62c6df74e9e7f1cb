/**
 * Spec → Module. `buildModel(spec, data)` builds the net the spec's `model` describes for the
 * data's input shape and number of classes, then applies the spec's init (./models/init.ts).
 * Parameters are drawn from the global generator: call `manualSeed(spec.seed)` first (runSpec
 * does) for a repeatable net.
 */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { buildCnn } from './models/cnn.js';
import { applyInit } from './models/init.js';
import { buildMlp } from './models/mlp.js';
import { buildResnet } from './models/resnet.js';
import { buildRecurrent } from './models/rnn.js';
import { SpecError } from './spec/errors.js';
import type { Spec } from './spec/schema.js';

/** What the model needs to know of the data (a `LabData` has it all). */
export interface ModelData {
  name: string;
  inputShape: readonly number[];
  imageShape?: readonly [number, number, number];
  numClasses: number | null;
  train?: { tensors: readonly Tensor[] };
}

/** Outputs of the net: one per class, or the target's size for regression. */
export function outputSize(data: ModelData): number {
  if (data.numClasses !== null) return data.numClasses;
  const y = data.train?.tensors[1];
  return y && y.ndim > 1 ? y.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
}

function imageOf(data: ModelData): readonly [number, number, number] | null {
  if (data.imageShape) return data.imageShape;
  const s = data.inputShape;
  return s.length === 3 ? [s[0]!, s[1]!, s[2]!] : null;
}

export function buildModel(spec: Spec, data: ModelData): Module {
  const m = spec.model;
  const out = outputSize(data);
  let model: Module;
  switch (m.type) {
    case 'mlp':
      model = buildMlp(m, data.inputShape, out);
      break;
    case 'cnn':
    case 'resnet':
    case 'plain': {
      const image = imageOf(data);
      if (image === null)
        throw new SpecError([
          {
            path: 'model.type',
            message: `a ${m.type} needs images, but data '${data.name}' has samples of shape [${data.inputShape.join(', ')}]; use mnist or fashion-mnist, or model.type mlp`,
          },
        ]);
      model = m.type === 'cnn' ? buildCnn(m, data.inputShape, image, out) : buildResnet(m, data.inputShape, image, out, m.type === 'resnet');
      break;
    }
    default:
      model = buildRecurrent(m, data.inputShape, data.imageShape, out);
  }
  applyInit(model, m);
  return model;
}
