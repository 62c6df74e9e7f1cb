import { ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d } from '../../ops/pool.js';
import { Module } from '../module.js';
import { pair, type Pair } from './args.js';
import { pyBool } from './repr.js';
import { optionKeys, positionalOptions } from '../../tensor/options.js';

const MAX_POOL_KEYS = optionKeys<MaxPool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true, returnIndices: true });
const AVG_POOL_KEYS = optionKeys<AvgPool2dOptions>({ stride: true, padding: true, ceilMode: true, countIncludePad: true, divisorOverride: true });

const show = (v: Pair | null): string => (v === null ? 'None' : typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`);

export interface MaxPool2dOptions {
  /** Default: kernelSize. */
  stride?: Pair | null;
  /** Implicit −∞ padding on each side (at most half the kernel). */
  padding?: Pair;
  dilation?: Pair;
  /** Use ceil instead of floor for the output size. */
  ceilMode?: boolean;
  /** Also return the flat (h·W + w) index of each maximum within its plane. */
  returnIndices?: boolean;
}

/** Max over kH×kW windows of [N, C, H, W] or [C, H, W] (PyTorch: `nn.MaxPool2d`). */
export class MaxPool2d extends Module {
  static override readonly typeName = 'MaxPool2d';
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;
  constructor(kernelSize: Pair, opts?: MaxPool2dOptions);
  /** PyTorch's positional order: nn.MaxPool2d(kernel_size, stride, padding, dilation, return_indices, ceil_mode). */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, dilation?: Pair, returnIndices?: boolean, ceilMode?: boolean);
  constructor(kernelSize: Pair, ...rest: unknown[]) {
    super();
    const opts = positionalOptions<MaxPool2dOptions>('MaxPool2d', rest, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'], MAX_POOL_KEYS);
    const k = pair('MaxPool2d', 'kernelSize', kernelSize, 1);
    pair('MaxPool2d', 'stride', opts.stride ?? kernelSize, 1);
    const p = pair('MaxPool2d', 'padding', opts.padding ?? 0, 0);
    pair('MaxPool2d', 'dilation', opts.dilation ?? 1, 1);
    if (p[0] > k[0] / 2 || p[1] > k[1] / 2)
      throw new ValueError('MaxPool2d', `padding ${show(opts.padding ?? 0)} should be at most half the kernel size ${show(kernelSize)}`);
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
    this.returnIndices = opts.returnIndices ?? false;
  }
  /** The pooled tensor, or [pooled, indices] with `returnIndices`. */
  forward(x: Tensor): any {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
    return this.returnIndices ? maxPool2d(x, this.kernelSize, { ...o, returnIndices: true }) : maxPool2d(x, this.kernelSize, o);
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number | null;
}

/** Mean over kH×kW windows (PyTorch: `nn.AvgPool2d`). */
export class AvgPool2d extends Module {
  static override readonly typeName = 'AvgPool2d';
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(kernelSize: Pair, opts?: AvgPool2dOptions);
  /** PyTorch's positional order: nn.AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override). */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null);
  constructor(kernelSize: Pair, ...rest: unknown[]) {
    super();
    const opts = positionalOptions<AvgPool2dOptions>(
      'AvgPool2d', rest, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], AVG_POOL_KEYS,
    );
    const k = pair('AvgPool2d', 'kernelSize', kernelSize, 1);
    pair('AvgPool2d', 'stride', opts.stride ?? kernelSize, 1);
    const p = pair('AvgPool2d', 'padding', opts.padding ?? 0, 0);
    if (p[0] > k[0] / 2 || p[1] > k[1] / 2)
      throw new ValueError('AvgPool2d', `padding ${show(opts.padding ?? 0)} should be at most half the kernel size ${show(kernelSize)}`);
    const d = opts.divisorOverride ?? null;
    if (d !== null && (!Number.isInteger(d) || d <= 0)) throw new ValueError('AvgPool2d', `divisorOverride must be a positive integer, got ${d}`);
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = d;
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride ?? undefined,
    });
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Average-pool to a fixed output size (PyTorch: `nn.AdaptiveAvgPool2d`); 1 gives global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  static override readonly typeName = 'AdaptiveAvgPool2d';
  readonly outputSize: Pair;
  constructor(outputSize: Pair) {
    super();
    pair('AdaptiveAvgPool2d', 'outputSize', outputSize, 1);
    this.outputSize = outputSize;
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** Max-pool to a fixed output size (PyTorch: `nn.AdaptiveMaxPool2d`). */
export class AdaptiveMaxPool2d extends Module {
  static override readonly typeName = 'AdaptiveMaxPool2d';
  readonly outputSize: Pair;
  readonly returnIndices: boolean;
  constructor(outputSize: Pair, opts: { returnIndices?: boolean } | boolean = {}) {
    super();
    opts = positionalOptions<{ returnIndices?: boolean }>('AdaptiveMaxPool2d', [opts], ['returnIndices'], ['returnIndices']);
    if (opts.returnIndices !== undefined && typeof opts.returnIndices !== 'boolean')
      throw new ValueError('AdaptiveMaxPool2d', `returnIndices must be true or false, got ${String(opts.returnIndices)}`);
    pair('AdaptiveMaxPool2d', 'outputSize', outputSize, 1);
    this.outputSize = outputSize;
    this.returnIndices = opts.returnIndices ?? false;
  }
  /** The pooled tensor, or [pooled, indices] with `returnIndices`. */
  forward(x: Tensor): any {
    return this.returnIndices ? adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true }) : adaptiveMaxPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}
