import { ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { relu, sigmoid, tanh } from '../../ops/unary.js';
import {
  celu,
  elu,
  gelu,
  hardsigmoid,
  hardswish,
  hardtanh,
  leakyRelu,
  logSigmoid,
  mish,
  relu6,
  selu,
  silu,
  softplus,
  softsign,
} from '../../ops/activations.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { Module } from '../module.js';
import { pyNum } from './repr.js';
import { checkOptions } from '../../tensor/options.js';

/** Activation modules (PyTorch: `nn.ReLU`, `nn.Tanh`, …); each wraps the functional op. */
export class ReLU extends Module {
  static override readonly typeName = 'ReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class Tanh extends Module {
  static override readonly typeName = 'Tanh';
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  static override readonly typeName = 'Sigmoid';
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** max(0, x) + negativeSlope·min(0, x); PyTorch's default slope 0.01. */
export class LeakyReLU extends Module {
  static override readonly typeName = 'LeakyReLU';
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new ValueError('LeakyReLU', `negativeSlope must be a finite number, got ${negativeSlope}`);
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyNum(this.negativeSlope)}`;
  }
}

/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export class ELU extends Module {
  static override readonly typeName = 'ELU';
  readonly alpha: number;
  constructor(alpha = 1.0) {
    super();
    if (!Number.isFinite(alpha)) throw new ValueError('ELU', `alpha must be a finite number, got ${alpha}`);
    this.alpha = alpha;
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyNum(this.alpha)}`;
  }
}

/** x·Φ(x), exact (erf) unless `approximate: 'tanh'`. */
export class GELU extends Module {
  static override readonly typeName = 'GELU';
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    opts = checkOptions('GELU', opts, ['approximate']);
    const a = opts.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new ValueError('GELU', `approximate must be 'none' or 'tanh', got '${String(a)}'`);
    this.approximate = a;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** Self-normalising ELU with the fixed λ≈1.0507, α≈1.6733 of Klambauer et al. */
export class SELU extends Module {
  static override readonly typeName = 'SELU';
  forward(x: Tensor): Tensor {
    return selu(x);
  }
}

/** x·σ(x) (a.k.a. swish). */
export class SiLU extends Module {
  static override readonly typeName = 'SiLU';
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** (1/β)·log(1 + e^{βx}), linear above `threshold` (β·x > threshold). */
export class Softplus extends Module {
  static override readonly typeName = 'Softplus';
  readonly beta: number;
  readonly threshold: number;
  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    opts = checkOptions('Softplus', opts, ['beta', 'threshold']);
    this.beta = opts.beta ?? 1;
    this.threshold = opts.threshold ?? 20;
    if (!Number.isFinite(this.beta) || this.beta === 0) throw new ValueError('Softplus', `beta must be a finite non-zero number, got ${this.beta}`);
  }
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** PyTorch's implicit softmax dim for `dim: undefined` (legacy rule: 0 for 0-, 1- and 3-D input, else 1). */
function implicitDim(x: Tensor): number {
  return x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1;
}

function checkDim(op: string, dim: number | undefined): number | undefined {
  if (dim !== undefined && !Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${dim}`);
  return dim;
}

/** Softmax along `dim` (pass it: the implicit choice for undefined follows PyTorch's legacy rule). */
export class Softmax extends Module {
  static override readonly typeName = 'Softmax';
  readonly dim: number | undefined;
  constructor(dim?: number) {
    super();
    this.dim = checkDim('Softmax', dim);
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** log(softmax(x)) along `dim`, computed stably. */
export class LogSoftmax extends Module {
  static override readonly typeName = 'LogSoftmax';
  readonly dim: number | undefined;
  constructor(dim?: number) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim ?? implicitDim(x));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** clamp(x, minVal, maxVal). */
export class Hardtanh extends Module {
  static override readonly typeName = 'Hardtanh';
  readonly minVal: number;
  readonly maxVal: number;
  constructor(minVal = -1, maxVal = 1) {
    super();
    if (!(maxVal > minVal)) throw new ValueError('Hardtanh', `maxVal (${maxVal}) must be greater than minVal (${minVal})`);
    this.minVal = minVal;
    this.maxVal = maxVal;
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyNum(this.minVal)}, max_val=${pyNum(this.maxVal)}`;
  }
}

/** min(max(0, x), 6). */
export class ReLU6 extends Module {
  static override readonly typeName = 'ReLU6';
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** x·tanh(softplus(x)). */
export class Mish extends Module {
  static override readonly typeName = 'Mish';
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  static override readonly typeName = 'Hardsigmoid';
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/** x·relu6(x + 3) / 6. */
export class Hardswish extends Module {
  static override readonly typeName = 'Hardswish';
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** max(0, x) + min(0, alpha·(e^{x/alpha} − 1)). */
export class CELU extends Module {
  static override readonly typeName = 'CELU';
  readonly alpha: number;
  constructor(alpha = 1.0) {
    super();
    if (!Number.isFinite(alpha) || alpha === 0) throw new ValueError('CELU', `alpha must be a finite non-zero number, got ${alpha}`);
    this.alpha = alpha;
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyNum(this.alpha)}`;
  }
}

/** log σ(x), stable for large |x|. */
export class LogSigmoid extends Module {
  static override readonly typeName = 'LogSigmoid';
  forward(x: Tensor): Tensor {
    return logSigmoid(x);
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  static override readonly typeName = 'Softsign';
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}
