/**
 * Tensor methods for the core ops and autograd. Each ops area installs its own methods in a file
 * of this folder: a `declare module` block types them, `install` puts them on the prototype.
 */
import { Tensor, type TensorHook, type TensorLike } from '../../tensor/tensor.js';
import { backward, type BackwardOptions } from '../../autograd/engine.js';
import { detach, registerHook, requiresGrad_, retainGrad } from '../../autograd/tensor-autograd.js';
import { add, div, mul, neg, sub } from '../binary.js';
import { bmm, matmul, mm } from '../matmul.js';
import { mean, sum, type DimArg, type ReduceOptions } from '../reduce.js';
import { exp, log, relu, sigmoid, tanh } from '../unary.js';
import { flatten, permute, reshape, squeeze, t, transpose, unsqueeze, view } from '../view.js';
import { add_, clone, copy_, div_, fill_, mul_, sub_, zero_ } from '../inplace.js';
import { install } from './install.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    backward(gradient?: Tensor | null | BackwardOptions, opts?: BackwardOptions): void;
    detach(): Tensor;
    requiresGrad_(on?: boolean): Tensor;
    retainGrad(): Tensor;
    registerHook(hook: TensorHook): { remove(): void };
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    neg(): Tensor;
    matmul(other: Tensor): Tensor;
    /** 2-D matrix product (PyTorch: `mm`). */
    mm(other: Tensor): Tensor;
    /** Batched matrix product of [b,n,m] and [b,m,p] (PyTorch: `bmm`). */
    bmm(other: Tensor): Tensor;
    sum(dim?: DimArg, opts?: ReduceOptions): Tensor;
    mean(dim?: DimArg, opts?: ReduceOptions): Tensor;
    exp(): Tensor;
    log(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    t(): Tensor;
    /** PyTorch's `.T` for ≤2-D tensors. */
    readonly T: Tensor;
    clone(): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
    copy_(src: TensorLike): Tensor;
    add_(other: TensorLike): Tensor;
    sub_(other: TensorLike): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
  }
}

const shapeArgs = (args: unknown[]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);

install({
  backward(this: Tensor, gradient?: Tensor | null | BackwardOptions, opts?: BackwardOptions) {
    backward(this, gradient, opts);
  },
  detach(this: Tensor) { return detach(this); },
  requiresGrad_(this: Tensor, on?: boolean) { return requiresGrad_(this, on); },
  retainGrad(this: Tensor) { return retainGrad(this); },
  registerHook(this: Tensor, hook: TensorHook) { return registerHook(this, hook); },
  add(this: Tensor, o: TensorLike, alpha?: number) { return add(this, o, alpha); },
  sub(this: Tensor, o: TensorLike, alpha?: number) { return sub(this, o, alpha); },
  mul(this: Tensor, o: TensorLike) { return mul(this, o); },
  div(this: Tensor, o: TensorLike) { return div(this, o); },
  neg(this: Tensor) { return neg(this); },
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  mm(this: Tensor, o: Tensor) { return mm(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  sum(this: Tensor, dim?: DimArg, opts?: ReduceOptions) { return sum(this, dim, opts); },
  mean(this: Tensor, dim?: DimArg, opts?: ReduceOptions) { return mean(this, dim, opts); },
  exp(this: Tensor) { return exp(this); },
  log(this: Tensor) { return log(this); },
  tanh(this: Tensor) { return tanh(this); },
  sigmoid(this: Tensor) { return sigmoid(this); },
  relu(this: Tensor) { return relu(this); },
  reshape(this: Tensor, ...s: unknown[]) { return reshape(this, shapeArgs(s)); },
  view(this: Tensor, ...s: unknown[]) { return view(this, shapeArgs(s)); },
  flatten(this: Tensor, a?: number, b?: number) { return flatten(this, a, b); },
  unsqueeze(this: Tensor, d: number) { return unsqueeze(this, d); },
  squeeze(this: Tensor, d?: number | readonly number[]) { return squeeze(this, d); },
  permute(this: Tensor, ...d: unknown[]) { return permute(this, shapeArgs(d)); },
  transpose(this: Tensor, a?: number, b?: number) { return transpose(this, a, b); },
  t(this: Tensor) { return t(this); },
  clone(this: Tensor) { return clone(this); },
  fill_(this: Tensor, v: number) { return fill_(this, v); },
  zero_(this: Tensor) { return zero_(this); },
  copy_(this: Tensor, s: TensorLike) { return copy_(this, s); },
  add_(this: Tensor, o: TensorLike) { return add_(this, o); },
  sub_(this: Tensor, o: TensorLike) { return sub_(this, o); },
  mul_(this: Tensor, o: TensorLike) { return mul_(this, o); },
  div_(this: Tensor, o: TensorLike) { return div_(this, o); },
});

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) { return t(this); },
  configurable: true,
});
