import { takeStorage } from '../tensor/storage-pool.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { add, div as divFn, mul } from './binary.js';
import { asTensor } from './util.js';
import { tanhKernel } from '../kernels/portable/tanh.js';
import { backend } from '../kernels/backend.js';
import { checkTensor } from './util.js';

/**
 * Pointwise ops. Each forward and each backward is one loop over the data (no per-element
 * closure); backward passes are fused ops (`tanhBackward(g, y)` = g·(1−y²) in one pass) that are
 * recorded themselves, so gradients stay differentiable (second derivatives, createGraph).
 */

/** Map `f` over a new tensor of x's shape (no gradient; convenience for cold paths). */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  checkTensor(x, 'mapUnary');
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const s = x.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = f(s[i]!);
  return out;
}

/**
 * A pointwise function described by its kernels. `forward` writes y = f(x) for whole arrays;
 * `backward` writes gx = g·f'(x); `second` gives f''(x) as differentiable tensor ops (null when
 * f'' is zero almost everywhere, as for piecewise-linear functions).
 */
export interface PointwiseSpec {
  readonly name: string;
  forward(x: Float32Array, y: Float32Array): void;
  backward(g: Float32Array, x: Float32Array, gx: Float32Array): void;
  readonly second: ((x: Tensor) => Tensor) | null;
}

/** Apply a pointwise spec to `x`, recording it with its fused backward. */
export function pointwise(x: Tensor, spec: PointwiseSpec): Tensor {
  checkTensor(x, 'pointwise');
  const y = new Tensor(new Float32Array(x.data.length), x.shape);
  spec.forward(x.data, y.data);
  return record(y, spec.name, [x], (g) => [pointwiseBackward(g, x, spec)]);
}

/** g·f'(x) in one pass; differentiable in g (itself) and in x (through `spec.second`). */
export function pointwiseBackward(g: Tensor, x: Tensor, spec: PointwiseSpec): Tensor {
  checkTensor(g, 'pointwiseBackward', 'gradient'), checkTensor(x, 'pointwiseBackward');
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  spec.backward(g.data, x.data, out.data);
  return record(out, `${spec.name}Backward`, [g, x], (gg) => [
    g.requiresGrad ? pointwiseBackward(gg, x, spec) : null,
    x.requiresGrad && spec.second !== null ? mul(mul(gg, g), spec.second(x)) : null,
  ]);
}

/** The output of an elementwise op, which writes every element: recycled storage where there is some. */
function alloc(x: Tensor): Tensor {
  return new Tensor(takeStorage(x.data.length, false), x.shape);
}

export function exp(a: TensorLike): Tensor {
  const x = asTensor(a, 'exp');
  const y = alloc(x);
  const s = x.data;
  const d = y.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.exp(s[i]!);
  return record(y, 'exp', [x], (g) => [mul(g, y)], [y]);
}

export function log(a: TensorLike): Tensor {
  const x = asTensor(a, 'log');
  const y = alloc(x);
  const s = x.data;
  const d = y.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.log(s[i]!);
  return record(y, 'log', [x], (g) => [divFn(g, x)]);
}

export function tanh(a: TensorLike): Tensor {
  const x = asTensor(a, 'tanh');
  const y = alloc(x);
  const s = x.data;
  const d = y.data;
  if (!backend().tanh?.(s, 0, d, 0, d.length)) tanhKernel(s, 0, d, 0, d.length);
  return record(y, 'tanh', [x], (g, consumable) => [tanhBackward(g, y, consumable)], [y]);
}

/**
 * The output of an elementwise backward: over g's own storage when the engine says g is
 * consumable (dead after this rule: autograd/node.ts), else recycled or new storage.
 */
function backwardOut(g: Tensor, y: Tensor, inPlace: boolean): Tensor {
  return inPlace ? new Tensor(g.data, y.shape) : alloc(y);
}

/**
 * g·(1 − y²) where y = tanh(x), in one pass (PyTorch: `tanh_backward`); written over g's storage
 * when `inPlace` (only for a gradient nothing else can see).
 */
export function tanhBackward(g: Tensor, y: Tensor, inPlace = false): Tensor {
  checkTensor(g, 'tanhBackward', 'gradient'), checkTensor(y, 'tanhBackward', 'output');
  const out = backwardOut(g, y, inPlace);
  const gd = g.data;
  const yd = y.data;
  const d = out.data;
  if (!backend().tanhBackward?.(gd, yd, d, d.length))
    for (let i = 0; i < d.length; i++) {
      const v = yd[i]!;
      d[i] = gd[i]! * (1 - v * v);
    }
  return record(out, 'tanhBackward', [g, y], (gg) => [
    g.requiresGrad ? tanhBackward(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), mul(y, -2)) : null,
  ]);
}

export function sigmoid(a: TensorLike): Tensor {
  const x = asTensor(a, 'sigmoid');
  const y = alloc(x);
  const s = x.data;
  const d = y.data;
  for (let i = 0; i < d.length; i++) {
    const v = s[i]!;
    if (v >= 0) d[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      d[i] = e / (1 + e);
    }
  }
  return record(y, 'sigmoid', [x], (g, consumable) => [sigmoidBackward(g, y, consumable)], [y]);
}

/** g·y·(1 − y) where y = sigmoid(x), in one pass (PyTorch: `sigmoid_backward`); over g's storage when `inPlace`. */
export function sigmoidBackward(g: Tensor, y: Tensor, inPlace = false): Tensor {
  checkTensor(g, 'sigmoidBackward', 'gradient'), checkTensor(y, 'sigmoidBackward', 'output');
  const out = backwardOut(g, y, inPlace);
  const gd = g.data;
  const yd = y.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    const v = yd[i]!;
    d[i] = gd[i]! * v * (1 - v);
  }
  return record(out, 'sigmoidBackward', [g, y], (gg) => [
    g.requiresGrad ? sigmoidBackward(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), sigmoidBackwardCoef(y)) : null,
  ]);
}

/** 1 − 2y: the derivative of y(1−y) with respect to y. */
function sigmoidBackwardCoef(y: Tensor): Tensor {
  return add(mul(y, -2), 1);
}

/** max(x, 0); NaN stays NaN (as in PyTorch). */
const i32 = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);

/**
 * max(x, 0) with NaN passed through, on the float32 bit patterns: a data-dependent branch per
 * element mispredicts half the time on zero-mean data (~3× slower). A negative non-NaN pattern
 * (sign bit set, magnitude ≤ 0x7f800000) becomes +0.
 */
function reluKernel(x: Float32Array, y: Float32Array): void {
  const s = i32(x);
  const d = i32(y);
  for (let i = 0; i < d.length; i++) {
    const b = s[i]!;
    const nan = (0x7f800000 - (b & 0x7fffffff)) >> 31;
    d[i] = b & ~((b >> 31) & ~nan);
  }
}

/** g where y ≠ +0 (y is a relu output: +0, positive or NaN), else 0, branch-free on bit patterns. */
function reluBackwardKernel(g: Float32Array, y: Float32Array, out: Float32Array): void {
  const gb = i32(g);
  const yb = i32(y);
  const d = i32(out);
  for (let i = 0; i < d.length; i++) {
    const b = yb[i]!;
    // b > 0 as an int: positive floats and positive NaNs; negative patterns (−0, negative NaN) are
    // handled as the float comparison y <= 0 would: −0 → 0, NaN → pass.
    const keep = ((b | -b) >> 31) & ~(((b >> 31) & ~((0x7f800000 - (b & 0x7fffffff)) >> 31)));
    d[i] = gb[i]! & keep;
  }
}

export function relu(a: TensorLike): Tensor {
  const x = asTensor(a, 'relu');
  const y = alloc(x);
  if (!backend().relu?.(x.data, y.data, y.data.length)) reluKernel(x.data, y.data);
  return record(y, 'relu', [x], (g, consumable) => [reluBackward(g, y, consumable)], [y]);
}

/**
 * g where y > 0, else 0, in one pass (PyTorch: `threshold_backward(g, y, 0)`, which lets the
 * gradient through where y is NaN); over g's storage when `inPlace`.
 */
export function reluBackward(g: Tensor, y: Tensor, inPlace = false): Tensor {
  checkTensor(g, 'reluBackward', 'gradient'), checkTensor(y, 'reluBackward', 'output');
  const out = backwardOut(g, y, inPlace);
  if (!backend().reluBackward?.(g.data, y.data, out.data, out.data.length)) reluBackwardKernel(g.data, y.data, out.data);
  return record(out, 'reluBackward', [g, y], (gg) => [g.requiresGrad ? reluBackward(gg, y) : null, null]);
}
