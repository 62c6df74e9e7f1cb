import { takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import {
  avgPool2dBackwardKernel, avgPool2dKernel, gatherPlanes, maxPool2dKernel, scatterPlanes, type PoolWindows,
} from '../kernels/portable/pool.js';
import { record } from '../autograd/node.js';
import { checkTensor } from './util.js';
import type { IntPair } from './conv.js';
import { checkOptions, optionKeys, positionalOptions } from '../tensor/options.js';

/**
 * 2-D pooling with PyTorch's output-size rules (floor or ceil mode; in ceil mode the last window
 * must start inside the input or the left padding), on [N, C, H, W] or unbatched [C, H, W].
 * Backward passes are recorded ops (max: scatter to the argmax; average: spread over the window),
 * each the adjoint of the other, so pooling is differentiable to any order.
 */

export interface MaxPool2dOptions {
  /** Default: kernelSize. */
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntPair | null;
  padding?: IntPair;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide every window by this instead. */
  divisorOverride?: number | null;
}

function pairOf(v: IntPair | null | undefined, dflt: readonly [number, number], name: string, op: string, min: number): [number, number] {
  const p: unknown = v === undefined || v === null ? dflt : typeof v === 'number' ? [v, v] : v;
  if (!(Array.isArray(p) && p.length === 2 && p.every((d) => Number.isInteger(d) && d >= min)))
    throw new ValueError(op, `${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair [h, w] of them, got ${JSON.stringify(v)}`);
  return [(p as number[])[0]!, (p as number[])[1]!];
}

/** View the input as [planes, H, W]; returns planes, H, W and the output shape prefix. */
function planesOf(x: Tensor, op: string): { planes: number; H: number; W: number; lead: number[] } {
  checkTensor(x, op, 'input');
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new ShapeError(op, `expected a 4-D [N,C,H,W] or 3-D [C,H,W] input, got ${fmtShape(x.shape)}`);
  const lead = x.shape.slice(0, -2);
  const H = x.shape[x.ndim - 2]!;
  const W = x.shape[x.ndim - 1]!;
  if (lead.some((d) => d === 0) || H === 0 || W === 0)
    throw new ShapeError(op, `expected non-empty spatial and channel dims, got input ${fmtShape(x.shape)}`);
  return { planes: lead.reduce((a, b) => a * b, 1), H, W, lead };
}

/** PyTorch's pooling_output_shape. */
function outSize(inp: number, k: number, pad: number, stride: number, dil: number, ceil: boolean): number {
  let o = Math.floor((inp + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (o - 1) * stride >= inp + pad) o--;
  return o;
}

function checkGeometry(op: string, x: Tensor, k: [number, number], p: [number, number], OH: number, OW: number): void {
  if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2))
    throw new ValueError(op, `padding (${p[0]},${p[1]}) should be at most half of the kernel size (${k[0]},${k[1]})`);
  if (OH < 1 || OW < 1)
    throw new ShapeError(op, `input ${fmtShape(x.shape)} is too small: calculated output size ${OH}x${OW}; use a smaller kernel or stride, or padding`);
}

/** Windows of a strided (possibly dilated) pooling along one axis. */
function axisWindows(n: number, inp: number, k: number, s: number, pad: number, dil: number, includePad: boolean) {
  const st = new Int32Array(n);
  const en = new Int32Array(n);
  const div = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const start = o * s - pad;
    let a = start;
    while (a < 0) a += dil;
    const b = Math.min(start + (k - 1) * dil + 1, inp);
    st[o] = a;
    en[o] = b;
    // average pooling (dil = 1): the window counted with padding, clipped at inp + pad
    div[o] = includePad ? Math.min(start + k, inp + pad) - start : Math.max(b - a, 0);
  }
  return [st, en, div] as const;
}

function poolGather(x: Tensor, idx: Float32Array, planes: number, H: number, W: number, outShape: number[]): Tensor {
  const L = idx.length / planes;
  const out = new Tensor(new Float32Array(idx.length), outShape);
  gatherPlanes(x.data, planes, H * W, idx, L, out.data);
  return record(out, 'maxPoolGather', [x], (g) => [poolScatter(g, idx, planes, H, W, x.shape)]);
}

function poolScatter(g: Tensor, idx: Float32Array, planes: number, H: number, W: number, xShape: readonly number[]): Tensor {
  const L = idx.length / planes;
  const out = new Tensor(takeStorage(planes * H * W), xShape);
  scatterPlanes(g.data, planes, H * W, idx, L, out.data);
  return record(out, 'maxPoolBackward', [g], (gg) => [poolGather(gg, idx, planes, H, W, [...g.shape])]);
}

function maxWithWindows(op: string, x: Tensor, win: PoolWindows, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const { planes, H, W, lead } = planesOf(x, op);
  const outShape = [...lead, win.outH, win.outW];
  const n = planes * win.outH * win.outW;
  const out = new Tensor(takeStorage(n), outShape);
  // the argmax indices as a tensor of their own, so that a storage scope that gave them back makes
  // the backward throw instead of reading reused memory (storage-scope.ts)
  const idxT = new Tensor(takeStorage(n), outShape);
  const idx = idxT.data;
  maxPool2dKernel(x.data, planes, H, W, win, out.data, idx);
  const y = record(out, op, [x], (g) => [poolScatter(g, idxT.data, planes, H, W, x.shape)]);
  return returnIndices ? [y, new Tensor(idx.slice(), outShape)] : y;
}

const MAX_POOL_KEYS = optionKeys<MaxPool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true, returnIndices: true });
const AVG_POOL_KEYS = optionKeys<AvgPool2dOptions>({ stride: true, padding: true, ceilMode: true, countIncludePad: true, divisorOverride: true });
/** PyTorch's positional order after the kernel size. */
const MAX_POOL_POSITIONAL = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;
const AVG_POOL_POSITIONAL = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/**
 * Max over kH×kW windows (PyTorch: `F.max_pool2d`); padding counts as −∞. The options may also
 * be given positionally in PyTorch's order: `maxPool2d(x, 3, 2, 1)` is kernel 3, stride 2, padding 1.
 */
export function maxPool2d(x: Tensor, kernelSize: IntPair, opts?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: IntPair, opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor, kernelSize: IntPair, stride?: IntPair | null, padding?: IntPair, dilation?: IntPair, ceilMode?: boolean, returnIndices?: false,
): Tensor;
export function maxPool2d(
  x: Tensor, kernelSize: IntPair, stride: IntPair | null | undefined, padding: IntPair | undefined, dilation: IntPair | undefined,
  ceilMode: boolean | undefined, returnIndices: true,
): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntPair, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'maxPool2d';
  const opts = positionalOptions<MaxPool2dOptions>(op, rest, MAX_POOL_POSITIONAL, MAX_POOL_KEYS);
  const { H, W } = planesOf(x, op);
  const k = pairOf(kernelSize, [1, 1], 'kernelSize', op, 1);
  const s = pairOf(opts.stride, k, 'stride', op, 1);
  const p = pairOf(opts.padding, [0, 0], 'padding', op, 0);
  const d = pairOf(opts.dilation, [1, 1], 'dilation', op, 1);
  const ceil = opts.ceilMode ?? false;
  const OH = outSize(H, k[0], p[0], s[0], d[0], ceil);
  const OW = outSize(W, k[1], p[1], s[1], d[1], ceil);
  checkGeometry(op, x, k, p, OH, OW);
  const [hs, he, hDiv] = axisWindows(OH, H, k[0], s[0], p[0], d[0], false);
  const [ws, we, wDiv] = axisWindows(OW, W, k[1], s[1], p[1], d[1], false);
  const win: PoolWindows = { outH: OH, outW: OW, hs, he, ws, we, dilH: d[0], dilW: d[1], hDiv, wDiv, divisor: 0 };
  return maxWithWindows(op, x, win, opts.returnIndices ?? false);
}

function avgForward(x: Tensor, win: PoolWindows, planes: number, H: number, W: number, outShape: number[], op: string): Tensor {
  const out = new Tensor(new Float32Array(planes * win.outH * win.outW), outShape);
  avgPool2dKernel(x.data, planes, H, W, win, out.data);
  return record(out, op, [x], (g) => [avgBackward(g, win, planes, H, W, x.shape, op)], []);
}

function avgBackward(g: Tensor, win: PoolWindows, planes: number, H: number, W: number, xShape: readonly number[], op: string): Tensor {
  const out = new Tensor(takeStorage(planes * H * W), xShape);
  avgPool2dBackwardKernel(g.data, planes, H, W, win, out.data);
  return record(out, `${op}Backward`, [g], (gg) => [avgForward(gg, win, planes, H, W, [...g.shape], op)], []);
}

/**
 * Mean over kH×kW windows (PyTorch: `F.avg_pool2d`). The options may also be given positionally
 * in PyTorch's order: stride, padding, ceilMode, countIncludePad, divisorOverride.
 */
export function avgPool2d(x: Tensor, kernelSize: IntPair, opts?: AvgPool2dOptions): Tensor;
export function avgPool2d(
  x: Tensor, kernelSize: IntPair, stride?: IntPair | null, padding?: IntPair, ceilMode?: boolean, countIncludePad?: boolean,
  divisorOverride?: number | null,
): Tensor;
export function avgPool2d(x: Tensor, kernelSize: IntPair, ...rest: unknown[]): Tensor {
  const op = 'avgPool2d';
  const opts = positionalOptions<AvgPool2dOptions>(op, rest, AVG_POOL_POSITIONAL, AVG_POOL_KEYS);
  const { planes, H, W, lead } = planesOf(x, op);
  const k = pairOf(kernelSize, [1, 1], 'kernelSize', op, 1);
  const s = pairOf(opts.stride, k, 'stride', op, 1);
  const p = pairOf(opts.padding, [0, 0], 'padding', op, 0);
  const ceil = opts.ceilMode ?? false;
  const include = opts.countIncludePad ?? true;
  const dov = opts.divisorOverride ?? 0;
  if (opts.divisorOverride !== undefined && opts.divisorOverride !== null && !(Number.isInteger(dov) && dov > 0))
    throw new ValueError(op, `divisorOverride must be a positive integer, got ${opts.divisorOverride}`);
  const OH = outSize(H, k[0], p[0], s[0], 1, ceil);
  const OW = outSize(W, k[1], p[1], s[1], 1, ceil);
  checkGeometry(op, x, k, p, OH, OW);
  const [hs, he, hDiv] = axisWindows(OH, H, k[0], s[0], p[0], 1, include);
  const [ws, we, wDiv] = axisWindows(OW, W, k[1], s[1], p[1], 1, include);
  const win: PoolWindows = { outH: OH, outW: OW, hs, he, ws, we, dilH: 1, dilW: 1, hDiv, wDiv, divisor: dov };
  return avgForward(x, win, planes, H, W, [...lead, OH, OW], op);
}

type OutSize = number | null | readonly [number | null, number | null];

/** PyTorch's adaptive windows: [floor(o·I/O), ceil((o+1)·I/O)). */
function adaptiveWindows(x: Tensor, outputSize: OutSize, op: string): { win: PoolWindows; planes: number; H: number; W: number; lead: number[] } {
  const { planes, H, W, lead } = planesOf(x, op);
  const raw = typeof outputSize === 'number' || outputSize === null ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(raw) || raw.length !== 2)
    throw new ValueError(op, `outputSize must be a number or a pair [h, w] (null keeps the input size), got ${JSON.stringify(outputSize)}`);
  const OH = raw[0] ?? H;
  const OW = raw[1] ?? W;
  if (!Number.isInteger(OH) || !Number.isInteger(OW) || OH < 1 || OW < 1)
    throw new ValueError(op, `outputSize must hold positive integers, got ${JSON.stringify(outputSize)}`);
  const axis = (n: number, inp: number) => {
    const st = new Int32Array(n);
    const en = new Int32Array(n);
    const div = new Float64Array(n);
    for (let o = 0; o < n; o++) {
      st[o] = Math.floor((o * inp) / n);
      en[o] = Math.ceil(((o + 1) * inp) / n);
      div[o] = en[o]! - st[o]!;
    }
    return [st, en, div] as const;
  };
  const [hs, he, hDiv] = axis(OH, H);
  const [ws, we, wDiv] = axis(OW, W);
  return { win: { outH: OH, outW: OW, hs, he, ws, we, dilH: 1, dilW: 1, hDiv, wDiv, divisor: 0 }, planes, H, W, lead };
}

/** Average-pool to a fixed output size (PyTorch: `F.adaptive_avg_pool2d`). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: OutSize): Tensor {
  const op = 'adaptiveAvgPool2d';
  const { win, planes, H, W, lead } = adaptiveWindows(x, outputSize, op);
  return avgForward(x, win, planes, H, W, [...lead, win.outH, win.outW], op);
}

/** Max-pool to a fixed output size (PyTorch: `F.adaptive_max_pool2d`). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: OutSize, opts?: { returnIndices?: false } | false): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: OutSize, opts: { returnIndices: true } | true): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: OutSize, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'adaptiveMaxPool2d';
  const opts = positionalOptions<{ returnIndices?: boolean }>(op, rest, ['returnIndices'], ['returnIndices']);
  if (opts.returnIndices !== undefined && typeof opts.returnIndices !== 'boolean')
    throw new ValueError(op, `returnIndices must be true or false, got ${String(opts.returnIndices)}`);
  const { win } = adaptiveWindows(x, outputSize, op);
  return maxWithWindows(op, x, win, opts.returnIndices ?? false);
}

