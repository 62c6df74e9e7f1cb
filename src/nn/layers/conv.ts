import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { conv2d } from '../../ops/conv.js';
import { Module } from '../module.js';
import { Parameter, zerosParameter } from '../parameter.js';
import { resetAffine } from './linear.js';
import { pad2d, type PaddingMode } from './pad.js';
import { pyBool, pyTuple } from './repr.js';
import { pair, type Pair } from './args.js';
import { optionKeys, positionalOptions } from '../../tensor/options.js';

const CONV_KEYS = optionKeys<Conv2dOptions>({
  stride: true, padding: true, dilation: true, groups: true, bias: true, paddingMode: true, generator: true,
});
const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;

export type Conv2dPadding = Pair | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero-padding on each side, or 'valid' (none) / 'same' (output size = input size, stride 1 only). */
  padding?: Conv2dPadding;
  dilation?: Pair;
  /** Split input and output channels into this many independent groups. */
  groups?: number;
  bias?: boolean;
  /** How the border is filled: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: PaddingMode;
  generator?: Generator;
}

/**
 * 2-D convolution over [N, C_in, H, W] (or unbatched [C_in, H, W]) (PyTorch: `nn.Conv2d`).
 * weight [C_out, C_in/groups, kH, kW], bias [C_out], both initialised U(±1/√fan_in) with
 * fan_in = C_in/groups·kH·kW, as PyTorch's reset_parameters does.
 */
export class Conv2d extends Module {
  static override readonly typeName = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts?: Conv2dOptions);
  /** PyTorch's positional order: nn.Conv2d(in, out, kernel_size, stride, padding, dilation, groups, bias, padding_mode). */
  constructor(
    inChannels: number, outChannels: number, kernelSize: Pair, stride?: Pair, padding?: Conv2dPadding, dilation?: Pair, groups?: number,
    bias?: boolean, paddingMode?: PaddingMode,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: unknown[]) {
    super();
    const op = 'Conv2d';
    const opts = positionalOptions<Conv2dOptions>(op, rest, CONV_POSITIONAL, CONV_KEYS);
    for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const)
      if (!Number.isInteger(v) || v < 1) throw new ValueError(op, `${k} must be a positive integer, got ${v}`);
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new ValueError(op, `inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new ValueError(op, `outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(op, 'kernelSize', kernelSize, 1);
    this.stride = pair(op, 'stride', opts.stride ?? 1, 1);
    this.dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
    this.groups = groups;
    const padding = opts.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid')
        throw new ValueError(op, `invalid padding string '${padding}'; use 'same', 'valid', a number or a pair [h, w]`);
      if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1))
        throw new ValueError(op, `padding='same' is not supported for strided convolutions (stride ${pyTuple(this.stride)}); use stride 1 or explicit padding`);
      this.padding = padding;
    } else this.padding = pair(op, 'padding', padding, 0);
    const mode = opts.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode))
      throw new ValueError(op, `paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${String(mode)}'`);
    this.paddingMode = mode;
    const [kH, kW] = this.kernelSize;
    this.weight = zerosParameter([outChannels, inChannels / groups, kH, kW]);
    this.bias = (opts.bias ?? true) ? zerosParameter([outChannels]) : null;
    this.resetParameters(opts.generator);
  }

  /** Re-draw weight and bias from U(±1/√fan_in). */
  resetParameters(generator?: Generator): void {
    resetAffine(this.weight, this.bias, generator);
  }

  /** Explicit [top, bottom, left, right] padding ('same' puts the odd extra on the bottom/right, as PyTorch). */
  private explicitPadding(): [number, number, number, number] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const t = this.dilation.map((d, i) => d * (this.kernelSize[i]! - 1));
      return [Math.floor(t[0]! / 2), t[0]! - Math.floor(t[0]! / 2), Math.floor(t[1]! / 2), t[1]! - Math.floor(t[1]! / 2)];
    }
    const [ph, pw] = this.padding;
    return [ph, ph, pw, pw];
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4)
      throw new ShapeError('Conv2d', `expected 3D (unbatched) or 4D (batched) input, got input of shape ${fmtShape(x.shape)}`);
    const c = x.shape[x.ndim - 3]!;
    if (c !== this.inChannels)
      throw new ShapeError('Conv2d', `expected input with ${this.inChannels} channels (inChannels), got ${c} channels in input of shape ${fmtShape(x.shape)}`);
    const opts = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv2d(x, this.weight, this.bias ?? undefined, { ...opts, padding: this.padding });
    const batched = x.ndim === 4 ? x : x.reshape([1, ...x.shape]);
    const padded = pad2d(batched, this.explicitPadding(), this.paddingMode);
    const y = conv2d(padded, this.weight, this.bias ?? undefined, { ...opts, padding: 0 });
    return x.ndim === 4 ? y : y.reshape(y.shape.slice(1));
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += `, bias=${pyBool(false)}`;
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
