import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { ones, zeros } from '../../tensor/creation.js';
import { batchNorm, groupNorm, instanceNorm, layerNorm } from '../../ops/norm.js';
import { reshape } from '../../ops/view.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkSize } from './args.js';
import { pyBool, pyNum, pyTuple } from './repr.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

/**
 * Normalization layers (PyTorch: `nn.BatchNorm1d/2d`, `nn.LayerNorm`, `nn.GroupNorm`,
 * `nn.InstanceNorm1d/2d`) over the fused ops of ops/norm.ts.
 *
 * The running-statistics buffers are registered under PyTorch's snake_case names
 * (`running_mean`, `running_var`, `num_batches_tracked`) — the one deliberate exception to the
 * camelCase rule — so that state-dict keys, and therefore checkpoints, match PyTorch's exactly.
 * camelCase getters (`runningMean`, `runningVar`, `numBatchesTracked`) read the same tensors.
 */
export interface NormOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Running-average factor (default 0.1); `null` for a cumulative moving average (BatchNorm). */
  momentum?: number | null;
  /** Learnable per-channel weight and bias. */
  affine?: boolean;
  /** Keep running statistics for eval mode. */
  trackRunningStats?: boolean;
}

const NORM_KEYS = optionKeys<NormOptions>({ eps: true, momentum: true, affine: true, trackRunningStats: true });

abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, opts: NormOptions, defaults: { affine: boolean; track: boolean }) {
    super();
    const name = this.constructor.name;
    checkSize(name, 'numFeatures', numFeatures);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? defaults.affine;
    this.trackRunningStats = opts.trackRunningStats ?? defaults.track;
    if (!(this.eps >= 0)) throw new ValueError(name, `eps must be a non-negative number, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1))
      throw new ValueError(name, `momentum must be in [0, 1] or null (cumulative average), got ${this.momentum}`);
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([]) : null);
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  /** Number of training batches seen (a 0-d tensor in the state dict, a number here). */
  get numBatchesTracked(): number {
    return this.num_batches_tracked ? this.num_batches_tracked.data[0]! : 0;
  }

  /** Running mean 0, running variance 1, batch count 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.data.fill(0);
      this.running_var?.data.fill(1);
      this.num_batches_tracked?.data.fill(0);
    });
  }

  /** Running statistics reset; weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }

  protected checkChannels(x: Tensor, dim: number): void {
    if (x.shape[dim] !== this.numFeatures)
      throw new ShapeError(
        this.constructor.name,
        `expected ${this.numFeatures} channels (numFeatures) in dim ${dim}, got input of shape ${fmtShape(x.shape)}`,
      );
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyNum(this.momentum);
    return `${this.numFeatures}, eps=${pyNum(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, checkOptions(new.target.name, opts, NORM_KEYS), { affine: true, track: true });
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    this.checkChannels(x, 1);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const nb = this.num_batches_tracked;
      nb.data[0] = nb.data[0]! + 1;
      nb._version++;
      factor = this.momentum === null ? 1 / nb.data[0]! : this.momentum;
    }
    // Eval without running statistics falls back to batch statistics, as in PyTorch.
    const useBatch = this.training || (this.running_mean === null && this.running_var === null);
    const useBuffers = !this.training || this.trackRunningStats;
    return batchNorm(
      x,
      useBuffers ? this.running_mean : null,
      useBuffers ? this.running_var : null,
      this.weight,
      this.bias,
      useBatch,
      factor,
      this.eps,
    );
  }
}

/** Batch norm over [N, C] or [N, C, L] (statistics per channel over N and L). */
export class BatchNorm1d extends BatchNormBase {
  static override readonly typeName = 'BatchNorm1d';
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3)
      throw new ShapeError('BatchNorm1d', `expected 2D or 3D input ([N, C] or [N, C, L]), got ${x.ndim}D input of shape ${fmtShape(x.shape)}`);
  }
}

/** Batch norm over [N, C, H, W] (statistics per channel over N, H and W). */
export class BatchNorm2d extends BatchNormBase {
  static override readonly typeName = 'BatchNorm2d';
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4)
      throw new ShapeError('BatchNorm2d', `expected 4D input [N, C, H, W], got ${x.ndim}D input of shape ${fmtShape(x.shape)}`);
  }
}

abstract class InstanceNormBase extends NormBase {
  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, checkOptions(new.target.name, opts, NORM_KEYS), { affine: false, track: false });
    if (this.momentum === null)
      throw new ValueError(this.constructor.name, 'momentum null (cumulative average) is only supported by BatchNorm; pass a number');
  }

  /** Dims of one unbatched sample: 2 for InstanceNorm1d ([C, L]), 3 for InstanceNorm2d. */
  protected abstract readonly sampleDims: number;

  forward(x: Tensor): Tensor {
    const d = this.sampleDims;
    if (x.ndim !== d && x.ndim !== d + 1)
      throw new ShapeError(
        this.constructor.name,
        `expected ${d}D (unbatched) or ${d + 1}D (batched) input, got ${x.ndim}D input of shape ${fmtShape(x.shape)}`,
      );
    const unbatched = x.ndim === d;
    const xb = unbatched ? reshape(x, [1, ...x.shape]) : x;
    if (xb.shape[1] !== this.numFeatures && (this.affine || this.trackRunningStats)) this.checkChannels(xb, 1);
    const y = instanceNorm(
      xb,
      this.running_mean,
      this.running_var,
      this.weight,
      this.bias,
      this.training || !this.trackRunningStats,
      this.momentum ?? 0.1,
      this.eps,
    );
    return unbatched ? reshape(y, x.shape) : y;
  }
}

/** Instance norm over [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormBase {
  static override readonly typeName = 'InstanceNorm1d';
  protected readonly sampleDims = 2;
}

/** Instance norm over [N, C, H, W] or [C, H, W]. */
export class InstanceNorm2d extends InstanceNormBase {
  static override readonly typeName = 'InstanceNorm2d';
  protected readonly sampleDims = 3;
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable per-element weight (and bias) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the bias too (default true; only with elementwiseAffine). */
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dims of each sample (PyTorch: `nn.LayerNorm`). */
export class LayerNorm extends Module {
  static override readonly typeName = 'LayerNorm';
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    opts = checkOptions('LayerNorm', opts, optionKeys<LayerNormOptions>({ eps: true, elementwiseAffine: true, bias: true }));
    if (typeof normalizedShape !== 'number' && !Array.isArray(normalizedShape))
      throw new ValueError('LayerNorm', `normalizedShape must be a size or a list of sizes, got ${normalizedShape === null ? 'null' : typeof normalizedShape}`);
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (ns.length === 0) throw new ValueError('LayerNorm', 'normalizedShape must name at least one dim');
    for (const d of ns) checkSize('LayerNorm', 'each size in normalizedShape', d);
    this.normalizedShape = ns;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new ValueError('LayerNorm', `eps must be a non-negative number, got ${this.eps}`);
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(ns)) : null;
    this.bias = this.elementwiseAffine && (opts.bias ?? true) ? new Parameter(zeros(ns)) : null;
  }
  resetParameters(): void {
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyNum(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Normalises groups of channels of each sample (PyTorch: `nn.GroupNorm`). */
export class GroupNorm extends Module {
  static override readonly typeName = 'GroupNorm';
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(numGroups: number, numChannels: number, opts: { eps?: number; affine?: boolean } = {}) {
    super();
    opts = checkOptions('GroupNorm', opts, ['eps', 'affine']);
    checkSize('GroupNorm', 'numGroups', numGroups);
    checkSize('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0)
      throw new ValueError('GroupNorm', `numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new ValueError('GroupNorm', `eps must be a non-negative number, got ${this.eps}`);
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? new Parameter(ones([numChannels])) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels])) : null;
  }
  resetParameters(): void {
    this.weight?.data.fill(1);
    this.bias?.data.fill(0);
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels)
      throw new ShapeError('GroupNorm', `expected input [N, ${this.numChannels}, *], got ${fmtShape(x.shape)}`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyNum(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
