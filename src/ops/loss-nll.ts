import { takeScalar, takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { add, mul, neg } from './binary.js';
import { sum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import { checkTensor } from './util.js';
import { reshape } from './view.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

/**
 * Class-index losses: nllLoss and crossEntropy, with PyTorch's weighted mean (divide by the sum
 * of the targets' class weights), ignoreIndex, label smoothing and probability targets.
 */

export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(r: unknown, op: string): Reduction {
  if (r === 'mean' || r === 'sum' || r === 'none') return r;
  throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
}

export interface NllLossOptions {
  /** Per-class weights, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute neither loss nor weight. Default -100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix the target with the uniform distribution: (1−ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/** What nllLoss needs to know about the targets, computed once and shared with its backward. */
interface NllPlan {
  readonly inputShape: readonly number[];
  readonly targetShape: readonly number[];
  readonly N: number;
  readonly C: number;
  readonly inner: number;
  /** class per (n, i), or -1 where ignored */
  readonly cls: Int32Array;
  /** class weight per (n, i), 0 where ignored */
  readonly w: Float64Array;
  readonly totalWeight: number;
  readonly reduction: Reduction;
}

const NLL_KEYS = optionKeys<NllLossOptions>({ weight: true, ignoreIndex: true, reduction: true });
const CE_KEYS = optionKeys<CrossEntropyOptions>({ weight: true, ignoreIndex: true, reduction: true, labelSmoothing: true });

function plan(op: string, input: Tensor, target: Tensor, opts: NllLossOptions): NllPlan {
  checkTensor(input, op, 'input');
  checkTensor(target, op, 'target');
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (input.ndim < 1)
    throw new ShapeError(op, `input must have at least 1 dim ([C], [N,C] or [N,C,d1,...]), got ${fmtShape(input.shape)}`);
  const unbatched = input.ndim === 1;
  const C = unbatched ? input.shape[0]! : input.shape[1]!;
  const N = unbatched ? 1 : input.shape[0]!;
  const spatial = unbatched ? [] : input.shape.slice(2);
  const expected = unbatched ? [] : [N, ...spatial];
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i]))
    throw new ShapeError(
      op,
      `target has shape ${fmtShape(target.shape)} but input ${fmtShape(input.shape)} needs class indices of shape ` +
        `${fmtShape(expected)} (input is [N,C,...], target drops the class dim C)`,
    );
  let weight: Float32Array | null = null;
  if (opts.weight !== undefined && opts.weight !== null) {
    checkTensor(opts.weight, op, 'weight');
    if (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C)
      throw new ShapeError(op, `weight must have shape [${C}] (one per class), got ${fmtShape(opts.weight.shape)}`);
    weight = opts.weight.data;
  }
  const inner = spatial.reduce((a, b) => a * b, 1);
  const cls = new Int32Array(target.data.length);
  const w = new Float64Array(target.data.length);
  let totalWeight = 0;
  const td = target.data;
  for (let k = 0; k < td.length; k++) {
    const t = td[k]!;
    if (t === ignoreIndex) {
      cls[k] = -1;
      continue;
    }
    if (!Number.isInteger(t))
      throw new ValueError(op, `target holds ${t} at flat index ${k}; class-index targets must be integers (for class probabilities pass a target of the input's shape)`);
    if (t < 0 || t >= C)
      throw new ValueError(op, `target ${t} at flat index ${k} is out of bounds for ${C} classes (expected 0..${C - 1} or ignoreIndex ${ignoreIndex})`);
    cls[k] = t;
    const wk = weight ? weight[t]! : 1;
    w[k] = wk;
    totalWeight += wk;
  }
  return { inputShape: input.shape, targetShape: target.shape, N, C, inner, cls, w, totalWeight, reduction };
}

/** The linear map input ↦ loss of nllLoss; its adjoint is nllScatter, and vice versa. */
function nllGather(x: Tensor, p: NllPlan): Tensor {
  const { C, inner, cls, w, reduction } = p;
  const xd = x.data;
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(new Float32Array(cls.length), p.targetShape);
    const od = out.data;
    for (let k = 0; k < cls.length; k++) {
      const c = cls[k]!;
      if (c < 0) continue;
      const n = (k / inner) | 0;
      const i = k - n * inner;
      od[k] = -w[k]! * xd[(n * C + c) * inner + i]!;
    }
  } else {
    let s = 0;
    for (let k = 0; k < cls.length; k++) {
      const c = cls[k]!;
      if (c < 0) continue;
      const n = (k / inner) | 0;
      const i = k - n * inner;
      s -= w[k]! * xd[(n * C + c) * inner + i]!;
    }
    out = new Tensor(takeScalar(reduction === 'mean' ? s / p.totalWeight : s), []);
  }
  return record(out, 'nllLoss', [x], (g) => [nllScatter(g, p)]);
}

function nllScatter(g: Tensor, p: NllPlan): Tensor {
  const { C, inner, cls, w, reduction } = p;
  const out = new Tensor(takeStorage(p.N * C * inner), p.inputShape);
  const od = out.data;
  const gd = g.data;
  const scale = reduction === 'mean' ? 1 / p.totalWeight : 1;
  for (let k = 0; k < cls.length; k++) {
    const c = cls[k]!;
    if (c < 0) continue;
    const n = (k / inner) | 0;
    const i = k - n * inner;
    od[(n * C + c) * inner + i] = -w[k]! * (reduction === 'none' ? gd[k]! : gd[0]! * scale);
  }
  return record(out, 'nllLossBackward', [g], (gg) => [nllGather(gg, p)]);
}

/**
 * Negative log-likelihood of log-probabilities `input` ([C], [N,C] or [N,C,d1,...]) at class
 * indices `target` ([], [N] or [N,d1,...], float tensors holding integers).
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  opts = checkOptions('nllLoss', opts, NLL_KEYS);
  return nllGather(input, plan('nllLoss', input, target, opts));
}

/**
 * logSoftmax over the class dim followed by nllLoss; or, when `target` has the input's shape,
 * the cross entropy against class probabilities. PyTorch's formulas for weights, ignoreIndex and
 * label smoothing (the smoothing term is normalised like the main term).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  opts = checkOptions('crossEntropy', opts, CE_KEYS);
  const op = 'crossEntropy';
  checkTensor(input, op, 'input');
  checkTensor(target, op, 'target');
  const eps = opts.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1))
    throw new ValueError(op, `labelSmoothing must be in [0, 1], got ${eps}`);
  const reduction = checkReduction(opts.reduction ?? 'mean', op);
  if (input.ndim < 1) throw new ShapeError(op, `input must have at least 1 dim ([C] or [N,C,...]), got ${fmtShape(input.shape)}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const logp = logSoftmax(input, classDim);
  const wShape = input.shape.map((d, i) => (i === classDim ? d : 1));
  let wB: Tensor | null = null;
  if (opts.weight !== undefined && opts.weight !== null) {
    checkTensor(opts.weight, op, 'weight');
    if (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C)
      throw new ShapeError(op, `weight must have shape [${C}] (one per class), got ${fmtShape(opts.weight.shape)}`);
    wB = reshape(opts.weight, wShape);
  }

  if (target.ndim === input.ndim && target.shape.every((d, i) => d === input.shape[i])) {
    // Class probabilities.
    let t: Tensor = target;
    if (eps > 0) t = add(mul(target, 1 - eps), eps / C);
    let prod = mul(logp, t);
    if (wB) prod = mul(prod, wB);
    if (reduction === 'none') return neg(sum(prod, classDim));
    const total = neg(sum(prod));
    return reduction === 'sum' ? total : mul(total, 1 / (input.data.length / Math.max(C, 1)));
  }

  const p = plan(op, logp, target, opts);
  const nll = nllGather(logp, p);
  if (eps === 0) return nll;
  // Smoothing term: −Σ_c w_c·logp_c per element, zero where ignored, normalised like nll.
  const keep = new Tensor(new Float32Array(p.cls.length), p.targetShape);
  for (let k = 0; k < p.cls.length; k++) keep.data[k] = p.cls[k]! < 0 ? 0 : 1;
  let smooth = neg(sum(wB ? mul(logp, wB) : logp, classDim));
  smooth = mul(smooth, keep);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = sum(smooth);
  else {
    let denom = 0;
    if (wB) denom = p.totalWeight;
    else for (let k = 0; k < p.cls.length; k++) denom += p.cls[k]! < 0 ? 0 : 1;
    // Every target ignored: the mean over zero elements is NaN, as in PyTorch, but its gradient
    // is 0 (PyTorch's), not the NaN that 0·(1/0) would give.
    ret = denom === 0 ? add(mul(sum(smooth), 0), NaN) : mul(sum(smooth), 1 / denom);
  }
  return add(mul(nll, 1 - eps), mul(ret, eps / C));
}
