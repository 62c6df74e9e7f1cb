/** Tensor methods of the neural-network ops: activations and softmax. */
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import {
  celu, elu, gelu, hardsigmoid, hardswish, hardtanh, leakyRelu, logSigmoid, mish, relu6, selu, silu, softplus, softsign,
  type GeluOptions, type SoftplusOptions,
} from '../activations.js';
import { logSoftmax, softmax } from '../softmax.js';
import { install } from './install.js';

declare module '../../tensor/tensor.js' {
  interface Tensor {
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    selu(): Tensor;
    celu(alpha?: number): Tensor;
    gelu(opts?: GeluOptions): Tensor;
    silu(): Tensor;
    mish(): Tensor;
    softplus(opts?: SoftplusOptions): Tensor;
    hardtanh(minVal?: number, maxVal?: number): Tensor;
    relu6(): Tensor;
    hardsigmoid(): Tensor;
    hardswish(): Tensor;
    logSigmoid(): Tensor;
    softsign(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

type Self = Tensor & TensorLike;

install({
  leakyRelu(this: Self, k?: number) { return leakyRelu(this, k); },
  elu(this: Self, a?: number) { return elu(this, a); },
  selu(this: Self) { return selu(this); },
  celu(this: Self, a?: number) { return celu(this, a); },
  gelu(this: Self, o?: GeluOptions) { return gelu(this, o); },
  silu(this: Self) { return silu(this); },
  mish(this: Self) { return mish(this); },
  softplus(this: Self, o?: SoftplusOptions) { return softplus(this, o); },
  hardtanh(this: Self, lo?: number, hi?: number) { return hardtanh(this, lo, hi); },
  relu6(this: Self) { return relu6(this); },
  hardsigmoid(this: Self) { return hardsigmoid(this); },
  hardswish(this: Self) { return hardswish(this); },
  logSigmoid(this: Self) { return logSigmoid(this); },
  softsign(this: Self) { return softsign(this); },
  softmax(this: Self, d: number) { return softmax(this, d); },
  logSoftmax(this: Self, d: number) { return logSoftmax(this, d); },
});
