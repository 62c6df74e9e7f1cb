import { ValueError } from '../tensor/errors.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { add, div, mul, sub } from './binary.js';
import { exp, pointwise, sigmoid, tanh, type PointwiseSpec } from './unary.js';
import { asTensor } from './util.js';
import { erfScalar } from './erf.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export { erfScalar };

/**
 * Activation functions with PyTorch's formulas, defaults and NaN behaviour. Each is one fused
 * forward loop and one fused backward loop (see `pointwise`); second derivatives are written
 * with tensor ops so `createGraph` works through every activation.
 */

// ---- helpers
/** A constant (non-differentiable) 0/1 mask times `scale`. */
function mask(x: Tensor, pred: (v: number) => boolean, scale = 1): Tensor {
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const s = x.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = pred(s[i]!) ? scale : 0;
  return out;
}

function finite(v: number, op: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(op, `${what} must be a finite number, got ${v}`);
  return v;
}

// ---- piecewise linear
export function leakyRelu(a: TensorLike, negativeSlope = 0.01): Tensor {
  const x = asTensor(a, 'leakyRelu');
  const k = finite(negativeSlope, 'leakyRelu', 'negativeSlope');
  return pointwise(x, {
    name: 'leakyRelu',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v > 0 ? v : v * k;
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) d[i] = s[i]! > 0 ? g[i]! : g[i]! * k;
    },
    second: null,
  });
}

/** clamp(x, minVal, maxVal); NaN stays NaN with gradient 0 (PyTorch's vectorised kernel). */
export function hardtanh(a: TensorLike, minVal = -1, maxVal = 1): Tensor {
  const x = asTensor(a, 'hardtanh');
  const lo = finite(minVal, 'hardtanh', 'minVal');
  const hi = finite(maxVal, 'hardtanh', 'maxVal');
  if (hi < lo) throw new ValueError('hardtanh', `maxVal (${hi}) must not be less than minVal (${lo})`);
  return pointwise(x, {
    name: 'hardtanh',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v < lo ? lo : v > hi ? hi : v;
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v > lo && v < hi ? g[i]! : 0;
      }
    },
    second: null,
  });
}

export function relu6(a: TensorLike): Tensor {
  return hardtanh(asTensor(a, 'relu6'), 0, 6);
}

/** relu6(x + 3) / 6. */
export function hardsigmoid(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'hardsigmoid'), {
    name: 'hardsigmoid',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v <= -3 ? 0 : v >= 3 ? 1 : v / 6 + 0.5;
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v > -3 && v < 3 ? g[i]! / 6 : 0;
      }
    },
    second: null,
  });
}

/** x · relu6(x + 3) / 6. */
export function hardswish(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'hardswish'), {
    name: 'hardswish',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const r = v + 3;
        d[i] = (v * (r < 0 ? 0 : r > 6 ? 6 : r)) / 6;
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v < -3 ? 0 : v > 3 ? g[i]! : g[i]! * (v / 3 + 0.5);
      }
    },
    second: (x) => mask(x, (v) => v >= -3 && v <= 3, 1 / 3),
  });
}

// ---- exponential family
/** scale·x for x > 0, scale·alpha·(exp(x·inputScale) − 1) otherwise (PyTorch's ELU kernel). */
function eluFamily(name: string, x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const negcoef = alpha * scale;
  return pointwise(x, {
    name,
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v <= 0 ? Math.expm1(v * inputScale) * negcoef : v * scale;
      }
    },
    backward(g, s, d) {
      const c = negcoef * inputScale;
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v <= 0 ? g[i]! * c * Math.exp(v * inputScale) : v > 0 ? g[i]! * scale : NaN;
      }
    },
    second: (xx) => mul(mask(xx, (v) => v <= 0, negcoef * inputScale * inputScale), exp(mul(xx, inputScale))),
  });
}

export function elu(a: TensorLike, alpha = 1): Tensor {
  return eluFamily('elu', asTensor(a, 'elu'), finite(alpha, 'elu', 'alpha'), 1, 1);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export function selu(a: TensorLike): Tensor {
  return eluFamily('selu', asTensor(a, 'selu'), SELU_ALPHA, SELU_SCALE, 1);
}

export function celu(a: TensorLike, alpha = 1): Tensor {
  finite(alpha, 'celu', 'alpha');
  if (alpha === 0) throw new ValueError('celu', 'alpha must not be 0 (CELU divides by alpha)');
  return eluFamily('celu', asTensor(a, 'celu'), alpha, 1, 1 / alpha);
}

// ---- smooth gates
export interface GeluOptions {
  /** 'none' (default): exact x·Φ(x) with erf; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K_BETA = Math.sqrt(2 / Math.PI);
const K_KAPPA = 0.044715;

export function gelu(a: TensorLike, opts: GeluOptions = {}): Tensor {
  opts = checkOptions('gelu', opts, optionKeys<GeluOptions>({ approximate: true }));
  const x = asTensor(a, 'gelu');
  const approximate = opts.approximate ?? 'none';
  if (approximate === 'none')
    return pointwise(x, {
      name: 'gelu',
      forward(s, d) {
        for (let i = 0; i < d.length; i++) {
          const v = s[i]!;
          d[i] = 0.5 * v * (1 + erfScalar(v * SQRT1_2));
        }
      },
      backward(g, s, d) {
        for (let i = 0; i < d.length; i++) {
          const v = s[i]!;
          const cdf = 0.5 * (1 + erfScalar(v * SQRT1_2));
          d[i] = g[i]! * (cdf + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
        }
      },
      // φ(x)·(2 − x²)
      second: (xx) => {
        const x2 = mul(xx, xx);
        return mul(mul(exp(mul(x2, -0.5)), INV_SQRT_2PI), sub(2, x2));
      },
    });
  if (approximate !== 'tanh')
    throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return pointwise(x, {
    name: 'gelu',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = 0.5 * v * (1 + Math.tanh(K_BETA * (v + K_KAPPA * v * v * v)));
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const t = Math.tanh(K_BETA * (v + K_KAPPA * v * v * v));
        const right = 0.5 * v * (1 - t * t) * K_BETA * (1 + 3 * K_KAPPA * v * v);
        d[i] = g[i]! * (0.5 * (1 + t) + right);
      }
    },
    // (1 − t²)·(u' − x·t·u'² + x·u''/2) with u = k(x + κx³)
    second: (xx) => {
      const x2 = mul(xx, xx);
      const t = tanh(mul(add(xx, mul(mul(x2, xx), K_KAPPA)), K_BETA));
      const du = mul(add(mul(x2, 3 * K_KAPPA), 1), K_BETA);
      const ddu = mul(xx, 6 * K_BETA * K_KAPPA);
      const inner = add(sub(du, mul(mul(xx, t), mul(du, du))), mul(mul(xx, ddu), 0.5));
      return mul(sub(1, mul(t, t)), inner);
    },
  });
}

/** x·sigmoid(x) (a.k.a. swish). */
export function silu(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'silu'), {
    name: 'silu',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v / (1 + Math.exp(-v));
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const sg = 1 / (1 + Math.exp(-v));
        d[i] = g[i]! * sg * (1 + v * (1 - sg));
      }
    },
    // σ(1−σ)(2 + x(1−2σ))
    second: (xx) => {
      const sg = sigmoid(xx);
      return mul(mul(sg, sub(1, sg)), add(mul(xx, sub(1, mul(sg, 2))), 2));
    },
  });
}

/** x·tanh(softplus(x)). */
export function mish(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'mish'), {
    name: 'mish',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v * Math.tanh(Math.log1p(Math.exp(v)));
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const t = Math.tanh(Math.log1p(Math.exp(v)));
        const sg = 1 / (1 + Math.exp(-v));
        d[i] = g[i]! * (t + v * sg * (1 - t * t));
      }
    },
    // (1 − t²)·s·(2 + x(1 − s − 2ts)) with t = tanh(softplus x), s = σ(x)
    second: (xx) => {
      const t = tanh(softplus(xx));
      const sg = sigmoid(xx);
      const inner = add(mul(xx, sub(sub(1, sg), mul(mul(t, sg), 2))), 2);
      return mul(mul(sub(1, mul(t, t)), sg), inner);
    },
  });
}

export interface SoftplusOptions {
  beta?: number;
  /** Above beta·x > threshold the function is the identity. Default 20. */
  threshold?: number;
}

/** log(1 + exp(beta·x)) / beta, linear above the threshold (PyTorch's formula). */
export function softplus(a: TensorLike, opts: SoftplusOptions = {}): Tensor {
  opts = checkOptions('softplus', opts, optionKeys<SoftplusOptions>({ beta: true, threshold: true }));
  const x = asTensor(a, 'softplus');
  const beta = finite(opts.beta ?? 1, 'softplus', 'beta');
  const threshold = opts.threshold ?? 20;
  if (beta === 0) throw new ValueError('softplus', 'beta must not be 0');
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    throw new ValueError('softplus', `threshold must be a number, got ${threshold}`);
  return pointwise(x, {
    name: 'softplus',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v * beta > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta;
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const z = Math.exp(v * beta);
        d[i] = v * beta > threshold ? g[i]! : (g[i]! * z) / (z + 1);
      }
    },
    second: (xx) => {
      const sg = sigmoid(mul(xx, beta));
      return mul(mask(xx, (v) => !(v * beta > threshold), beta), mul(sg, sub(1, sg)));
    },
  });
}

/** log(sigmoid(x)), computed stably as min(x, 0) − log1p(exp(−|x|)). */
export function logSigmoid(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'logSigmoid'), {
    name: 'logSigmoid',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = (v < 0 ? v : 0) - Math.log1p(Math.exp(-Math.abs(v)));
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        const z = Math.exp(-Math.abs(v));
        d[i] = v < 0 ? g[i]! * (1 - z / (1 + z)) : (g[i]! * z) / (1 + z);
      }
    },
    second: (xx) => {
      const sg = sigmoid(xx);
      return mul(sg, sub(sg, 1));
    },
  });
}

/** x / (1 + |x|). */
export function softsign(a: TensorLike): Tensor {
  return pointwise(asTensor(a, 'softsign'), {
    name: 'softsign',
    forward(s, d) {
      for (let i = 0; i < d.length; i++) {
        const v = s[i]!;
        d[i] = v / (1 + Math.abs(v));
      }
    },
    backward(g, s, d) {
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(s[i]!);
        const q = 1 + a;
        d[i] = g[i]! * (1 / q - a / (q * q)); // = g/(1+|x|)², NaN at ±inf like PyTorch's composite
      }
    },
    // −2·sign(x) / (1 + |x|)³
    second: (xx) => {
      const sgn = mask(xx, (v) => v > 0, 1);
      const sign = sub(mul(sgn, 2), mask(xx, (v) => v !== 0, 1));
      const q = add(mul(xx, sign), 1);
      return div(mul(sign, -2), mul(mul(q, q), q));
    },
  });
}

export type { PointwiseSpec };
