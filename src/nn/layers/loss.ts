import { ValueError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from '../../ops/loss.js';
import { Module } from '../module.js';
import { pyNum } from './repr.js';
import { checkOptions } from '../../tensor/options.js';

/**
 * Loss modules (PyTorch: `nn.CrossEntropyLoss`, …). Each holds its options and calls the
 * functional loss; class weights are registered as buffers named as in PyTorch (`weight`,
 * `pos_weight`) so that state dicts interoperate.
 */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  reduction?: Reduction;
}

function checkReduction(op: string, r: unknown): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(r)}'`);
  return r;
}

function checkWeight(op: string, w: unknown, what = 'weight'): Tensor | null {
  if (w === undefined || w === null) return null;
  if (!(w instanceof Tensor)) throw new ValueError(op, `${what} must be a Tensor (one value per class), got ${typeof w}`);
  return w;
}

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(opts: LossOptions) {
    super();
    this.reduction = checkReduction(this.constructor.name, opts.reduction ?? 'mean');
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

abstract class WeightedLoss extends Loss {
  constructor(opts: LossOptions & { weight?: Tensor | null }) {
    super(opts);
    this.registerBuffer('weight', checkWeight(this.constructor.name, opts.weight));
  }
  get classWeight(): Tensor | null {
    return (this as unknown as { weight: Tensor | null }).weight;
  }
}

export interface CrossEntropyLossOptions extends LossOptions {
  /** Per-class rescaling weight [C]. */
  weight?: Tensor | null;
  /** Target value that is ignored and does not count towards the mean (default -100). */
  ignoreIndex?: number;
  /** Mix the one-hot target with the uniform distribution (default 0). */
  labelSmoothing?: number;
}

/** logSoftmax + NLL over class dim 1; targets are class indices or class probabilities. */
export class CrossEntropyLoss extends WeightedLoss {
  static override readonly typeName = 'CrossEntropyLoss';
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyLossOptions = {}) {
    super(checkOptions('CrossEntropyLoss', opts, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']));
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1))
      throw new ValueError('CrossEntropyLoss', `labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.classWeight ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
  override extraRepr(): string {
    const parts = [super.extraRepr()];
    if (this.labelSmoothing !== 0) parts.push(`label_smoothing=${pyNum(this.labelSmoothing)}`);
    return parts.filter(Boolean).join(', ');
  }
}

export interface NLLLossOptions extends LossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/** Negative log-likelihood of log-probabilities [N, C, *] at integer targets [N, *]. */
export class NLLLoss extends WeightedLoss {
  static override readonly typeName = 'NLLLoss';
  readonly ignoreIndex: number;
  constructor(opts: NLLLossOptions = {}) {
    super(checkOptions('NLLLoss', opts, ['reduction', 'weight', 'ignoreIndex']));
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.classWeight ?? undefined, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Mean squared error. */
export class MSELoss extends Loss {
  static override readonly typeName = 'MSELoss';
  constructor(opts: LossOptions = {}) {
    super(checkOptions('MSELoss', opts, ['reduction']));
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  static override readonly typeName = 'L1Loss';
  constructor(opts: LossOptions = {}) {
    super(checkOptions('L1Loss', opts, ['reduction']));
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends LossOptions {
  /** Rescaling weight broadcast over the elements. */
  weight?: Tensor | null;
  /** Weight of the positive examples, one per class (broadcast over the last dim). */
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one numerically stable op. */
export class BCEWithLogitsLoss extends WeightedLoss {
  static override readonly typeName = 'BCEWithLogitsLoss';
  constructor(opts: BCEWithLogitsLossOptions = {}) {
    super(checkOptions('BCEWithLogitsLoss', opts, ['reduction', 'weight', 'posWeight']));
    this.registerBuffer('pos_weight', checkWeight('BCEWithLogitsLoss', opts.posWeight, 'posWeight'));
  }
  /** The `pos_weight` buffer (snake_case for state-dict compatibility). */
  get posWeight(): Tensor | null {
    return (this as unknown as { pos_weight: Tensor | null }).pos_weight;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      weight: this.classWeight ?? undefined,
      posWeight: this.posWeight ?? undefined,
      reduction: this.reduction,
    });
  }
}

/** Binary cross-entropy on probabilities in [0, 1] (logs clamped at −100, as in PyTorch). */
export class BCELoss extends WeightedLoss {
  static override readonly typeName = 'BCELoss';
  constructor(opts: LossOptions & { weight?: Tensor | null } = {}) {
    super(checkOptions('BCELoss', opts, ['reduction', 'weight']));
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.classWeight ?? undefined, reduction: this.reduction });
  }
}

/** 0.5·d²/beta where |d| < beta, |d| − 0.5·beta elsewhere (default beta 1). */
export class SmoothL1Loss extends Loss {
  static override readonly typeName = 'SmoothL1Loss';
  readonly beta: number;
  constructor(opts: LossOptions & { beta?: number } = {}) {
    super(checkOptions('SmoothL1Loss', opts, ['reduction', 'beta']));
    this.beta = opts.beta ?? 1;
    if (!(this.beta >= 0)) throw new ValueError('SmoothL1Loss', `beta must be a non-negative number, got ${this.beta}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** 0.5·d² where |d| < delta, delta·(|d| − 0.5·delta) elsewhere (default delta 1). */
export class HuberLoss extends Loss {
  static override readonly typeName = 'HuberLoss';
  readonly delta: number;
  constructor(opts: LossOptions & { delta?: number } = {}) {
    super(checkOptions('HuberLoss', opts, ['reduction', 'delta']));
    this.delta = opts.delta ?? 1;
    if (!(this.delta > 0)) throw new ValueError('HuberLoss', `delta must be a positive number, got ${this.delta}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}
