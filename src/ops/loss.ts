import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { add, div, mul, neg, sub } from './binary.js';
import { mean, sum } from './reduce.js';
import { softplus } from './activations.js';
import { log, pointwise } from './unary.js';
import { checkTensor } from './util.js';
import { checkReduction, type Reduction } from './loss-nll.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export { crossEntropy, nllLoss, checkReduction } from './loss-nll.js';
export type { Reduction, NllLossOptions, CrossEntropyOptions } from './loss-nll.js';

/**
 * Regression and binary losses with PyTorch's formulas. Each takes `{ reduction }` ('mean'
 * default, 'sum', 'none'). The target must have the input's shape, or broadcast to it; a target
 * that would broadcast the input to a bigger shape (the classic [N] vs [N,1] slip) is an error.
 */
export interface LossOptions {
  reduction?: Reduction;
}

const LOSS_KEYS = optionKeys<LossOptions>({ reduction: true });
const SMOOTH_L1_KEYS = optionKeys<SmoothL1Options>({ reduction: true, beta: true });
const HUBER_KEYS = optionKeys<HuberOptions>({ reduction: true, delta: true });
const BCE_LOGITS_KEYS = optionKeys<BceWithLogitsOptions>({ reduction: true, weight: true, posWeight: true });
const BCE_KEYS = optionKeys<BceOptions>({ reduction: true, weight: true });

export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

function pair(op: string, input: Tensor, target: Tensor): void {
  checkTensor(input, op, 'input');
  checkTensor(target, op, 'target');
  const b = broadcastShapes(input.shape, target.shape, op);
  if (!shapesEqual(b, input.shape))
    throw new ShapeError(
      op,
      `target shape ${fmtShape(target.shape)} does not match input shape ${fmtShape(input.shape)} (they would broadcast ` +
        `to ${fmtShape(b)}); reshape the target, e.g. target.reshape(${JSON.stringify(input.shape)})`,
    );
}

/** Mean (or sum) of (input − target)². */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  opts = checkOptions('mseLoss', opts, LOSS_KEYS);
  const reduction = checkReduction(opts.reduction ?? 'mean', 'mseLoss');
  pair('mseLoss', input, target);
  const d = sub(input, target);
  const sq = pointwise(d, {
    name: 'square',
    forward(s, o) {
      for (let i = 0; i < o.length; i++) o[i] = s[i]! * s[i]!;
    },
    backward(g, s, o) {
      for (let i = 0; i < o.length; i++) o[i] = 2 * g[i]! * s[i]!;
    },
    second: (x) => new Tensor(new Float32Array(x.data.length).fill(2), x.shape),
  });
  return applyReduction(sq, reduction);
}

const ABS_SPEC = {
  name: 'abs',
  forward(s: Float32Array, o: Float32Array) {
    for (let i = 0; i < o.length; i++) o[i] = Math.abs(s[i]!);
  },
  backward(g: Float32Array, s: Float32Array, o: Float32Array) {
    for (let i = 0; i < o.length; i++) {
      const v = s[i]!;
      o[i] = v > 0 ? g[i]! : v < 0 ? -g[i]! : v === 0 ? 0 : NaN;
    }
  },
  second: null,
};

/** Mean (or sum) of |input − target|; the gradient at 0 is 0 (sign(0)). */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  opts = checkOptions('l1Loss', opts, LOSS_KEYS);
  const reduction = checkReduction(opts.reduction ?? 'mean', 'l1Loss');
  pair('l1Loss', input, target);
  return applyReduction(pointwise(sub(input, target), ABS_SPEC), reduction);
}

export interface SmoothL1Options extends LossOptions {
  /**
   * Quadratic below |d| < beta, linear above. Default 1; 0 is exactly the L1 loss, gradient 0 at
   * d = 0 included (PyTorch ≥ 2.1 dispatches beta = 0 to l1_loss; 1.13 gave −1 there).
   */
  beta?: number;
}

/** 0.5·d²/beta where |d| < beta, |d| − 0.5·beta elsewhere. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  opts = checkOptions('smoothL1Loss', opts, SMOOTH_L1_KEYS);
  const op = 'smoothL1Loss';
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  const beta = opts.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw new ValueError(op, `beta must be a non-negative number, got ${beta}`);
  pair(op, input, target);
  if (beta === 0) return applyReduction(pointwise(sub(input, target), ABS_SPEC), reduction);
  const loss = pointwise(sub(input, target), {
    name: op,
    forward(s, o) {
      for (let i = 0; i < o.length; i++) {
        const z = Math.abs(s[i]!);
        o[i] = z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
      }
    },
    backward(g, s, o) {
      for (let i = 0; i < o.length; i++) {
        const v = s[i]!;
        o[i] = v <= -beta ? -g[i]! : v >= beta ? g[i]! : (g[i]! * v) / beta;
      }
    },
    second: beta > 0 ? (x) => bandMask(x, beta, 1 / beta) : null,
  });
  return applyReduction(loss, reduction);
}

export interface HuberOptions extends LossOptions {
  /** Quadratic below |d| < delta, linear (slope delta) above. Default 1. */
  delta?: number;
}

/** 0.5·d² where |d| < delta, delta·(|d| − 0.5·delta) elsewhere. */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  opts = checkOptions('huberLoss', opts, HUBER_KEYS);
  const op = 'huberLoss';
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  const delta = opts.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0)) throw new ValueError(op, `delta must be a positive number, got ${delta}`);
  pair(op, input, target);
  const loss = pointwise(sub(input, target), {
    name: op,
    forward(s, o) {
      for (let i = 0; i < o.length; i++) {
        const z = Math.abs(s[i]!);
        o[i] = z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
      }
    },
    backward(g, s, o) {
      for (let i = 0; i < o.length; i++) {
        const v = s[i]!;
        o[i] = v <= -delta ? -delta * g[i]! : v >= delta ? delta * g[i]! : g[i]! * v;
      }
    },
    second: (x) => bandMask(x, delta, 1),
  });
  return applyReduction(loss, reduction);
}

/** Constant `scale` where |x| ≤ r, 0 elsewhere. */
function bandMask(x: Tensor, r: number, scale: number): Tensor {
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.abs(x.data[i]!) <= r ? scale : 0;
  return out;
}

export interface BceWithLogitsOptions extends LossOptions {
  /** Rescales each element's loss; broadcast to the input. */
  weight?: Tensor | null;
  /** Weight of the positive term, broadcast to the input (usually shape [C]). */
  posWeight?: Tensor | null;
}

function checkWeight(op: string, name: string, w: Tensor | null | undefined, input: Tensor): Tensor | null {
  if (w === undefined || w === null) return null;
  checkTensor(w, op, name);
  const b = broadcastShapes(input.shape, w.shape, op);
  if (!shapesEqual(b, input.shape))
    throw new ShapeError(op, `${name} of shape ${fmtShape(w.shape)} does not broadcast to the input shape ${fmtShape(input.shape)}`);
  return w;
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  checkTensor(input, op, 'input');
  checkTensor(target, op, 'target');
  if (!shapesEqual(input.shape, target.shape))
    throw new ShapeError(op, `target size ${fmtShape(target.shape)} must be the same as input size ${fmtShape(input.shape)}`);
}

/**
 * Binary cross entropy on logits, stable for any magnitude:
 * (1 − t)·x + (1 + (posWeight − 1)·t)·log(1 + e^−x), times weight.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  opts = checkOptions('binaryCrossEntropyWithLogits', opts, BCE_LOGITS_KEYS);
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  sameShape(op, input, target);
  const weight = checkWeight(op, 'weight', opts.weight, input);
  const posWeight = checkWeight(op, 'posWeight', opts.posWeight, input);
  const sp = softplus(neg(input));
  let loss = mul(sub(1, target), input);
  loss = add(loss, posWeight ? mul(add(mul(sub(posWeight, 1), target), 1), sp) : sp);
  if (weight) loss = mul(loss, weight);
  return applyReduction(loss, reduction);
}

export interface BceOptions extends LossOptions {
  weight?: Tensor | null;
}

/**
 * Binary cross entropy on probabilities: −w·(t·log x + (1 − t)·log(1 − x)), each log clamped at
 * −100 as in PyTorch so that x = 0 or 1 gives a finite loss. Inputs must lie in [0, 1].
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  opts = checkOptions('binaryCrossEntropy', opts, BCE_KEYS);
  const op = 'binaryCrossEntropy';
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  sameShape(op, input, target);
  const weight = checkWeight(op, 'weight', opts.weight, input);
  const xd = input.data;
  for (let i = 0; i < xd.length; i++) {
    const v = xd[i]!;
    if (!(v >= 0 && v <= 1))
      throw new ValueError(op, `all elements of input should be between 0 and 1, got ${v} at flat index ${i}; apply sigmoid() first or use binaryCrossEntropyWithLogits`);
  }
  let loss = bceElementwise(input, target);
  if (weight) loss = mul(loss, weight);
  return applyReduction(loss, reduction);
}

function bceElementwise(x: Tensor, t: Tensor): Tensor {
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const xd = x.data;
  const td = t.data;
  const od = out.data;
  for (let i = 0; i < od.length; i++) {
    const v = xd[i]!;
    const y = td[i]!;
    const lx = Math.max(Math.log(v), -100);
    const l1x = Math.max(Math.log1p(-v), -100);
    od[i] = -(y * lx + (1 - y) * l1x);
  }
  return record(out, 'binaryCrossEntropy', [x, t], (g) => [
    // PyTorch: g·(x − t) / max(x(1 − x), 1e-12)
    x.requiresGrad ? div(mul(g, sub(x, t)), clampMin(mul(x, sub(1, x)), 1e-12)) : null,
    // PyTorch: −g·logit(x)
    t.requiresGrad ? mul(g, sub(log(sub(1, x)), log(x))) : null,
  ]);
}

/** max(x, lo) with gradient passing where x > lo. */
function clampMin(x: Tensor, lo: number): Tensor {
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const m = new Tensor(new Float32Array(x.data.length), x.shape);
  for (let i = 0; i < out.data.length; i++) {
    const v = x.data[i]!;
    out.data[i] = v > lo ? v : lo;
    m.data[i] = v > lo ? 1 : 0;
  }
  return record(out, 'clampMin', [x], (g) => [mul(g, m)]);
}
