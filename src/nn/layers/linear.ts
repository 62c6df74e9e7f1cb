import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { normDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { flatten, reshape } from '../../ops/view.js';
import { linear } from '../../ops/linear.js';
import { Module } from '../module.js';
import { Parameter, zerosParameter } from '../parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { pyBool, pyTuple } from './repr.js';
import { checkSize } from './args.js';
import { optionKeys, positionalOptions } from '../../tensor/options.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
}

/**
 * Weight and bias init shared by Linear and Conv2d (PyTorch's `reset_parameters`):
 * kaimingUniform_(w, a=√5), i.e. U(±1/√fan_in), and the bias U(±1/√fan_in).
 */
export function resetAffine(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, { generator });
  }
}

/** y = x·Wᵀ + b for x [..., inFeatures] (PyTorch: `nn.Linear`); weight [out, in], bias [out]. */
export class Linear extends Module {
  static override readonly typeName = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts?: LinearOptions);
  /** PyTorch's positional form: nn.Linear(in_features, out_features, bias). */
  constructor(inFeatures: number, outFeatures: number, bias?: boolean);
  constructor(inFeatures: number, outFeatures: number, ...rest: unknown[]) {
    super();
    const opts = positionalOptions<LinearOptions>('Linear', rest, ['bias'], optionKeys<LinearOptions>({ bias: true, generator: true }));
    if (opts.bias !== undefined && typeof opts.bias !== 'boolean') throw new ValueError('Linear', `bias must be true or false, got ${String(opts.bias)}`);
    checkSize('Linear', 'inFeatures', inFeatures, 0);
    checkSize('Linear', 'outFeatures', outFeatures, 0);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = zerosParameter([outFeatures, inFeatures]);
    this.bias = (opts.bias ?? true) ? zerosParameter([outFeatures]) : null;
    this.resetParameters(opts.generator);
  }

  /** Re-draw weight and bias from U(±1/√inFeatures). */
  resetParameters(generator?: Generator): void {
    resetAffine(this.weight, this.bias, generator);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias ?? undefined);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (PyTorch: `nn.Identity`); handy as a placeholder. */
export class Identity extends Module {
  static override readonly typeName = 'Identity';
  forward<T>(x: T): T {
    return x;
  }
}

/** Flatten dims startDim..endDim into one (PyTorch: `nn.Flatten`, default keeps the batch dim). */
export class Flatten extends Module {
  static override readonly typeName = 'Flatten';
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim))
      throw new ValueError('Flatten', `startDim and endDim must be integers, got ${startDim} and ${endDim}`);
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Split dim `dim` into `unflattenedSize` (PyTorch: `nn.Unflatten`); one entry may be -1. */
export class Unflatten extends Module {
  static override readonly typeName = 'Unflatten';
  readonly dim: number;
  readonly unflattenedSize: readonly number[];
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new ValueError('Unflatten', `dim must be an integer, got ${dim}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || unflattenedSize.some((d) => !Number.isInteger(d) || d < -1))
      throw new ValueError('Unflatten', `unflattenedSize must be a non-empty list of sizes, got ${JSON.stringify(unflattenedSize)}`);
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }
  forward(x: Tensor): Tensor {
    const d = normDim(this.dim, x.ndim, 'Unflatten');
    const size = x.shape[d]!;
    const known = this.unflattenedSize.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? size / known : s));
    if (sizes.reduce((a, b) => a * b, 1) !== size || sizes.some((s) => !Number.isInteger(s)))
      throw new ShapeError(
        'Unflatten',
        `unflattenedSize ${fmtShape(this.unflattenedSize)} does not multiply to ${size}, the size of dim ${this.dim} of input ${fmtShape(x.shape)}`,
      );
    return reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
