import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from './binary.js';
import { convInputGrad, convOp, type ConvGeo } from './conv-core.js';
import { checkTensor } from './util.js';
import { reshape } from './view.js';
import { optionKeys, positionalOptions } from '../tensor/options.js';

/**
 * Convolutions with PyTorch's semantics (cross-correlation, zero padding): conv2d, conv1d and
 * convTranspose2d. Inputs are batched [N, C, H, W] or unbatched [C, H, W] ([N, C, L] / [C, L]
 * for conv1d). Weight [out, in/groups, kH, kW]; bias [out].
 */
export type IntPair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: IntPair;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size, stride 1). */
  padding?: IntPair | 'valid' | 'same';
  dilation?: IntPair;
  groups?: number;
}

export interface ConvTranspose2dOptions {
  stride?: IntPair;
  padding?: IntPair;
  /** Extra size added to one side of the output (must be < stride or < dilation). */
  outputPadding?: IntPair;
  dilation?: IntPair;
  groups?: number;
}

function pairOf(v: IntPair | undefined, dflt: number, name: string, op: string, min: number): [number, number] {
  const p: unknown = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  const ok = Array.isArray(p) && p.length === 2 && p.every((d) => Number.isInteger(d) && d >= min);
  if (!ok)
    throw new ValueError(op, `${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair [h, w] of them, got ${JSON.stringify(v)}`);
  return [(p as number[])[0]!, (p as number[])[1]!];
}

function checkGroups(groups: unknown, op: string): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1)
    throw new ValueError(op, `groups must be a positive integer, got ${groups}`);
  return groups;
}

/** Batch an unbatched input; returns the 4-D input and whether to drop the batch dim again. */
function batched(x: Tensor, op: string, dims: number): [Tensor, boolean] {
  checkTensor(x, op, 'input');
  if (x.ndim === dims) return [x, false];
  if (x.ndim === dims - 1) return [reshape(x, [1, ...x.shape]), true];
  const what = dims === 4 ? '[N,C,H,W] or unbatched [C,H,W]' : '[N,C,L] or unbatched [C,L]';
  throw new ShapeError(op, `expected a ${dims}-D ${what} input, got ${fmtShape(x.shape)}`);
}

function checkBias(b: Tensor | null | undefined, out: number, op: string): Tensor | null {
  if (b === undefined || b === null) return null;
  checkTensor(b, op, 'bias');
  if (b.ndim !== 1 || b.shape[0] !== out)
    throw new ShapeError(op, `bias must have shape [${out}] (one per output channel), got ${fmtShape(b.shape)}`);
  return b;
}

const CONV2D_KEYS = optionKeys<Conv2dOptions>({ stride: true, padding: true, dilation: true, groups: true });
const CONV1D_KEYS = optionKeys<Conv1dOptions>({ stride: true, padding: true, dilation: true, groups: true });
const CONV_T_KEYS = optionKeys<ConvTranspose2dOptions>({ stride: true, padding: true, outputPadding: true, dilation: true, groups: true });
/** PyTorch's positional order after the bias (conv_transpose2d puts groups before dilation). */
const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups'] as const;
const CONV_T_POSITIONAL = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

/**
 * 2-D convolution (PyTorch: `F.conv2d`). After the bias, the options may also be given
 * positionally in PyTorch's order: `conv2d(x, w, b, 2, 1)` is stride 2, padding 1.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv2dOptions): Tensor;
export function conv2d(
  input: Tensor, weight: Tensor, bias: Tensor | null | undefined, stride?: IntPair, padding?: Conv2dOptions['padding'], dilation?: IntPair,
  groups?: number,
): Tensor;
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: unknown[]): Tensor {
  const op = 'conv2d';
  const opts = positionalOptions<Conv2dOptions>(op, rest, CONV_POSITIONAL, CONV2D_KEYS);
  const [x, unb] = batched(input, op, 4);
  checkTensor(weight, op, 'weight');
  if (weight.ndim !== 4)
    throw new ShapeError(op, `weight must be 4-D [out_channels, in_channels/groups, kH, kW], got ${fmtShape(weight.shape)}`);
  const groups = checkGroups(opts.groups ?? 1, op);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kH, kW] = weight.shape as [number, number, number, number];
  if (C !== Cg * groups)
    throw new ShapeError(
      op,
      `input ${fmtShape(input.shape)} has ${C} channels but weight ${fmtShape(weight.shape)} expects ${Cg * groups} ` +
        `(in_channels / groups = ${Cg}, groups = ${groups}); check in_channels of the layer`,
    );
  if (O % groups !== 0) throw new ShapeError(op, `out_channels ${O} must be divisible by groups ${groups}`);
  const b = checkBias(bias, O, op);
  const [sH, sW] = pairOf(opts.stride, 1, 'stride', op, 1);
  const [dH, dW] = pairOf(opts.dilation, 1, 'dilation', op, 1);
  const pad = opts.padding ?? 0;
  let pH: number;
  let pW: number;
  let OH: number;
  let OW: number;
  if (pad === 'same') {
    if (sH !== 1 || sW !== 1) throw new ValueError(op, `padding='same' is not supported for strided convolutions (stride ${sH},${sW}); use stride 1 or numeric padding`);
    // Total padding d·(k−1); the odd extra goes to the bottom/right, as in PyTorch.
    pH = Math.floor((dH * (kH - 1)) / 2);
    pW = Math.floor((dW * (kW - 1)) / 2);
    OH = H;
    OW = W;
  } else {
    if (typeof pad === 'string' && pad !== 'valid')
      throw new ValueError(op, `padding must be a number, a pair, 'valid' or 'same', got ${JSON.stringify(pad)}`);
    [pH, pW] = pad === 'valid' ? [0, 0] : pairOf(pad, 0, 'padding', op, 0);
    const effH = dH * (kH - 1) + 1;
    const effW = dW * (kW - 1) + 1;
    if (H + 2 * pH < effH || W + 2 * pW < effW)
      throw new ShapeError(
        op,
        `input size per channel (${H}x${W}) with padding (${pH},${pW}) is smaller than the kernel size (${effH}x${effW} with dilation); ` +
          `use a smaller kernel, more padding or a larger input`,
      );
    OH = Math.floor((H + 2 * pH - effH) / sH) + 1;
    OW = Math.floor((W + 2 * pW - effW) / sW) + 1;
  }
  const geo: ConvGeo = { N, C, H, W, O, kH, kW, sH, sW, pH, pW, dH, dW, OH, OW, groups };
  const y = convOp(x, weight, b, geo);
  return unb ? reshape(y, [O, OH, OW]) : y;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
}

function single(v: unknown, name: string, op: string): number {
  if (Array.isArray(v) && v.length === 1) return v[0] as number;
  if (typeof v !== 'number') throw new ValueError(op, `${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * 1-D convolution (PyTorch: `F.conv1d`): input [N, C, L] or [C, L], weight [out, in/groups, k].
 * Options as an object or positionally after the bias: stride, padding, dilation, groups.
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv1dOptions): Tensor;
export function conv1d(
  input: Tensor, weight: Tensor, bias: Tensor | null | undefined, stride?: number, padding?: Conv1dOptions['padding'], dilation?: number,
  groups?: number,
): Tensor;
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: unknown[]): Tensor {
  const op = 'conv1d';
  const opts = positionalOptions<Conv1dOptions>(op, rest, CONV_POSITIONAL, CONV1D_KEYS);
  const [x, unb] = batched(input, op, 3);
  checkTensor(weight, op, 'weight');
  if (weight.ndim !== 3) throw new ShapeError(op, `weight must be 3-D [out_channels, in_channels/groups, k], got ${fmtShape(weight.shape)}`);
  const [N, C, L] = x.shape as [number, number, number];
  const [O, Cg, k] = weight.shape as [number, number, number];
  const groups = checkGroups(opts.groups ?? 1, op);
  if (C !== Cg * groups)
    throw new ShapeError(op, `input ${fmtShape(input.shape)} has ${C} channels but weight ${fmtShape(weight.shape)} expects ${Cg * groups} (in_channels / groups = ${Cg}, groups = ${groups})`);
  const p = opts.padding ?? 0;
  const padding: Conv2dOptions['padding'] = typeof p === 'string' ? p : [0, single(p, 'padding', op)];
  try {
    const y = conv2d(reshape(x, [N, C, 1, L]), reshape(weight, [O, Cg, 1, k]), bias, {
      stride: [1, single(opts.stride ?? 1, 'stride', op)],
      padding,
      dilation: [1, single(opts.dilation ?? 1, 'dilation', op)],
      groups,
    });
    const OL = y.shape[3]!;
    return reshape(y, unb ? [O, OL] : [N, O, OL]);
  } catch (e) {
    if (e instanceof ShapeError || e instanceof ValueError) {
      const msg = e.message.replace(/^conv2d: /, '');
      throw e instanceof ShapeError ? new ShapeError(op, msg) : new ValueError(op, msg);
    }
    throw e;
  }
}

/**
 * Transposed 2-D convolution (PyTorch: `F.conv_transpose2d`), the adjoint of conv2d: weight
 * [in_channels, out_channels/groups, kH, kW]; output size (H−1)·stride − 2·padding +
 * dilation·(k−1) + outputPadding + 1.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: ConvTranspose2dOptions): Tensor;
export function convTranspose2d(
  input: Tensor, weight: Tensor, bias: Tensor | null | undefined, stride?: IntPair, padding?: IntPair, outputPadding?: IntPair, groups?: number,
  dilation?: IntPair,
): Tensor;
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: unknown[]): Tensor {
  const op = 'convTranspose2d';
  const opts = positionalOptions<ConvTranspose2dOptions>(op, rest, CONV_T_POSITIONAL, CONV_T_KEYS);
  const [x, unb] = batched(input, op, 4);
  checkTensor(weight, op, 'weight');
  if (weight.ndim !== 4)
    throw new ShapeError(op, `weight must be 4-D [in_channels, out_channels/groups, kH, kW], got ${fmtShape(weight.shape)}`);
  const groups = checkGroups(opts.groups ?? 1, op);
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [Cw, Cog, kH, kW] = weight.shape as [number, number, number, number];
  if (Cin !== Cw)
    throw new ShapeError(op, `input ${fmtShape(input.shape)} has ${Cin} channels but weight ${fmtShape(weight.shape)} expects ${Cw} (weight dim 0 is in_channels)`);
  if (Cin % groups !== 0) throw new ShapeError(op, `in_channels ${Cin} must be divisible by groups ${groups}`);
  const Cout = Cog * groups;
  const b = checkBias(bias, Cout, op);
  const [sH, sW] = pairOf(opts.stride, 1, 'stride', op, 1);
  const [pH, pW] = pairOf(opts.padding, 0, 'padding', op, 0);
  const [dH, dW] = pairOf(opts.dilation, 1, 'dilation', op, 1);
  const [oH, oW] = pairOf(opts.outputPadding, 0, 'outputPadding', op, 0);
  if ((oH >= sH && oH >= dH) || (oW >= sW && oW >= dW))
    throw new ValueError(op, `outputPadding (${oH},${oW}) must be smaller than either stride (${sH},${sW}) or dilation (${dH},${dW})`);
  const HO = (H - 1) * sH - 2 * pH + dH * (kH - 1) + oH + 1;
  const WO = (W - 1) * sW - 2 * pW + dW * (kW - 1) + oW + 1;
  if (HO <= 0 || WO <= 0)
    throw new ShapeError(op, `calculated output size ${HO}x${WO} is too small for input ${fmtShape(input.shape)}; reduce padding`);
  // The conv whose input gradient this is: conv input [N, Cout, HO, WO] → conv output [N, Cin, H, W].
  const geo: ConvGeo = { N, C: Cout, H: HO, W: WO, O: Cin, kH, kW, sH, sW, pH, pW, dH, dW, OH: H, OW: W, groups };
  let y = convInputGrad(x, weight, geo);
  if (b !== null) y = add(y, reshape(b, [1, Cout, 1, 1]));
  return unb ? reshape(y, [Cout, HO, WO]) : y;
}
