/**
 * The training parts a spec names: the loss, the optimizer, the learning-rate schedule and the
 * gradient clipping, each made from the parsed spec with PyTorch's classes.
 */
import type { Module } from '../../nn/module.js';
import { clipGradNorm_, clipGradValue_ } from '../../nn/utils/clip-grad.js';
import { crossEntropy } from '../../ops/loss-nll.js';
import { binaryCrossEntropyWithLogits, mseLoss } from '../../ops/loss.js';
import { div } from '../../ops/binary.js';
import { Adagrad } from '../../optim/adagrad.js';
import { Adam, AdamW } from '../../optim/adam.js';
import { LRScheduler } from '../../optim/lr-scheduler/base.js';
import { CosineAnnealingLR } from '../../optim/lr-scheduler/cosine.js';
import { ExponentialLR, StepLR } from '../../optim/lr-scheduler/step.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { RMSprop } from '../../optim/rmsprop.js';
import { SGD } from '../../optim/sgd.js';
import { Tensor } from '../../tensor/tensor.js';
import { SpecError } from '../spec/errors.js';
import type { Spec } from '../spec/schema.js';

export type LossName = 'crossEntropy' | 'mse' | 'bce';
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** One-hot rows [N, classes] from class indices [N]. */
export function oneHot(y: Tensor, classes: number): Tensor {
  const n = y.shape[0]!;
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + y.data[i]!] = 1;
  return new Tensor(out, [n, classes]);
}

/** The spec's loss ('auto': cross-entropy for classes, MSE for regression), checked against the data. */
export function resolveLoss(spec: Spec, numClasses: number | null): LossName {
  const l = spec.loss === 'auto' ? (numClasses === null ? 'mse' : 'crossEntropy') : spec.loss;
  if (numClasses === null && l !== 'mse')
    throw new SpecError([{ path: 'loss', message: `'${l}' needs class labels, but data '${spec.data.name}' is a regression task; use mse (or 'auto')` }]);
  return l;
}

/**
 * The loss function. With classes, `mse` compares the outputs with one-hot targets (the quadratic
 * cost of the early literature) and `bce` is Nielsen's cross-entropy on sigmoid outputs,
 * C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], summed over the outputs and averaged over the batch
 * (computed from the logits, for stability).
 */
export function makeLoss(name: LossName, numClasses: number | null): LossFn {
  if (name === 'crossEntropy') return (o, y) => crossEntropy(o, y);
  if (name === 'bce') return (o, y) => div(binaryCrossEntropyWithLogits(o, oneHot(y, numClasses!), { reduction: 'sum' }), o.shape[0]!);
  if (numClasses !== null) return (o, y) => mseLoss(o, oneHot(y, numClasses));
  return (o, y) => mseLoss(o, y.ndim === o.ndim ? y : new Tensor(y.data, o.shape));
}

export function makeOptimizer(spec: Spec, model: Module): Optimizer<any> {
  const o = spec.optimizer as Record<string, any>;
  const params = model.parameters();
  switch (o.type) {
    case 'sgd':
    case 'momentum':
      return new SGD(params, { lr: o.lr, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov, weightDecay: o.weightDecay });
    case 'adam':
      return new Adam(params, { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad });
    case 'adamw':
      return new AdamW(params, { lr: o.lr, betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad });
    case 'rmsprop':
      return new RMSprop(params, { lr: o.lr, alpha: o.alpha, eps: o.eps, momentum: o.momentum, weightDecay: o.weightDecay });
    default:
      return new Adagrad(params, { lr: o.lr, eps: o.eps, weightDecay: o.weightDecay });
  }
}

/** The schedule, stepped once per optimizer step; null without one. */
export function makeScheduler(spec: Spec, optimizer: Optimizer<any>, totalSteps: number): LRScheduler | null {
  const s = spec.schedule;
  if (s === null) return null;
  if (s.type === 'step') return new StepLR(optimizer, s.stepSize, { gamma: s.gamma });
  if (s.type === 'cosine') return new CosineAnnealingLR(optimizer, s.tMax ?? totalSteps, { etaMin: s.etaMin });
  return new ExponentialLR(optimizer, s.gamma);
}

/** Clip the gradients as the spec says; returns the total norm before clipping (norm clipping), else null. */
export function clipGradients(spec: Spec, model: Module): number | null {
  const c = spec.clip;
  if (c === null) return null;
  if (c.type === 'norm') return clipGradNorm_(model.parameters(), c.maxNorm, { normType: c.normType === 'inf' ? Infinity : c.normType }).item();
  clipGradValue_(model.parameters(), c.clipValue);
  return null;
}
