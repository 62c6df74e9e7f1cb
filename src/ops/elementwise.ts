/**
 * Elementwise math beyond the core arithmetic: powers and roots, abs/sign, clamping,
 * maximum/minimum, where, the log/exp/trig family and rounding. Forward values and gradients
 * follow PyTorch, including its conventions at 0, at ties and for NaN/±Inf.
 */
import { ValueError } from '../tensor/errors.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { expandKernel } from '../kernels/elementwise.js';
import { record } from '../autograd/node.js';
import { add, binaryForward, binaryNoGrad, div, mul, neg, sub } from './binary.js';
import { log, mapUnary } from './unary.js';
import { asTensor, checkTensor, unbroadcast } from './util.js';
import { OptionsError, checkOptions, optionKeys } from '../tensor/options.js';

type Rule = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

function unary(name: string, a: TensorLike, f: (v: number) => number, rule: Rule): Tensor {
  const x = asTensor(a, name);
  const y = mapUnary(x, f);
  return record(y, name, [x], (g) => [rule(g, x, y)], [x, y]);
}

/** Ops that are piecewise constant: their gradient is zero everywhere (as in PyTorch). */
function stepwise(name: string, a: TensorLike, f: (v: number) => number): Tensor {
  return unary(name, a, f, (_g, x) => zeros(x.shape));
}

// ---------------------------------------------------------------------------------------------
// where: the selection primitive every masked gradient below is written with.

/**
 * out = cond ? a : b, with broadcasting of all three. `cond` must hold only 0 and 1 (build it with
 * a comparison such as `gt(x, 0)`). The gradient flows to `a` where cond is 1, to `b` elsewhere.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike, op = 'where'): Tensor {
  checkTensor(cond, op, 'condition');
  const c = cond.data;
  for (let i = 0; i < c.length; i++)
    if (c[i] !== 0 && c[i] !== 1)
      throw new ValueError(
        op,
        `condition must hold only 0 and 1, got ${c[i]} at flat index ${i}; build it with a comparison such as gt(x, 0)`,
      );
  return whereRaw(cond, asTensor(a, op), asTensor(b, op), op);
}

/** where() without the 0/1 check of the condition (nonzero = true); for masks built internally. */
export function whereRaw(cond: Tensor, x: Tensor, y: Tensor, op = 'where'): Tensor {
  checkTensor(cond, op, 'condition'), checkTensor(x, op), checkTensor(y, op, 'other');
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, op), y.shape, op);
  const n = numel(shape);
  const c = expandData(cond, shape);
  const xa = expandData(x, shape);
  const ya = expandData(y, shape);
  const out = new Tensor(new Float32Array(n), shape);
  const d = out.data;
  for (let i = 0; i < n; i++) d[i] = c[i] !== 0 ? xa[i]! : ya[i]!;
  return record(out, 'where', [x, y], (g) => [
    x.requiresGrad ? unbroadcast(whereRaw(cond, g, ZERO), x.shape) : null,
    y.requiresGrad ? unbroadcast(whereRaw(cond, ZERO, g), y.shape) : null,
  ]);
}

const ZERO = new Tensor(new Float32Array(1), []);

function expandData(t: Tensor, shape: readonly number[]): Float32Array {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return t.data;
  const out = new Float32Array(numel(shape));
  expandKernel(t.data, t.shape, out, shape);
  return out;
}

/** A constant 0/1 mask (no gradient). */
const mask = (code: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: TensorLike, b: TensorLike): Tensor => binaryNoGrad(code, a, b);

// ---------------------------------------------------------------------------------------------
// Powers and roots.

/**
 * a ** b for tensors or numbers on either side, with broadcasting. As in PyTorch: 0^0 = 1,
 * 1^NaN = 1, a negative base with a non-integer exponent is NaN; the gradient wrt the base is 0
 * where the exponent is 0, the gradient wrt the exponent is 0 where the base is 0 and the exponent ≥ 0.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'pow');
  const e = asTensor(b, 'pow');
  const y = binaryForward('pow', x, e);
  return record(y, 'pow', [x, e], (g) => [
    x.requiresGrad ? unbroadcast(powGradBase(g, x, e, b), x.shape) : null,
    e.requiresGrad ? unbroadcast(mul(g, whereRaw(mul(mask('eq', x, 0), mask('ge', e, 0)), ZERO, mul(y, log(x)))), e.shape) : null,
  ], [x, e, y]);
}

function powGradBase(g: Tensor, x: Tensor, e: Tensor, b: TensorLike): Tensor {
  if (typeof b === 'number') return b === 0 ? zeros(broadcastShapes(g.shape, x.shape, 'pow')) : mul(g, mul(pow(x, b - 1), b));
  return whereRaw(mask('eq', e, 0), ZERO, mul(g, mul(e, pow(x, sub(e, 1)))));
}

export function sqrt(a: TensorLike): Tensor {
  return unary('sqrt', a, Math.sqrt, (g, _x, y) => div(g, mul(y, 2)));
}

/** 1/√x. */
export function rsqrt(a: TensorLike): Tensor {
  return unary('rsqrt', a, (v) => 1 / Math.sqrt(v), (g, _x, y) => mul(mul(g, -0.5), mul(y, mul(y, y))));
}

export function square(a: TensorLike): Tensor {
  return unary('square', a, (v) => v * v, (g, x) => mul(g, mul(x, 2)));
}

export function reciprocal(a: TensorLike): Tensor {
  return unary('reciprocal', a, (v) => 1 / v, (g, _x, y) => neg(mul(g, mul(y, y))));
}

// ---------------------------------------------------------------------------------------------
// abs, sign, clamp, maximum/minimum.

/** PyTorch's sign: -1, 0 or 1, and 0 for NaN. */
const signOf = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** |x|; its gradient is sign(x): 0 at 0 (and at NaN), as in PyTorch. */
export function abs(a: TensorLike): Tensor {
  return unary('abs', a, Math.abs, (g, x) => mul(g, mapUnary(x, signOf)));
}

/** -1, 0 or 1 (0 for NaN); gradient zero. */
export function sign(a: TensorLike): Tensor {
  return stepwise('sign', a, signOf);
}

export interface ClampOptions {
  min?: TensorLike | null;
  max?: TensorLike | null;
}

/**
 * Limit x to [min, max] (either may be omitted; numbers or broadcastable tensors). When
 * min > max the result is max. NaN in x stays NaN; a NaN tensor bound gives NaN, a NaN number
 * bound is ignored (both as in PyTorch). The gradient passes to x where min ≤ x ≤ max, to min
 * where x < min (and min < max), to max where x > max (or max < min).
 */
export function clamp(a: TensorLike, opts: ClampOptions = {}): Tensor {
  const x = asTensor(a, 'clamp');
  if (opts === null || typeof opts !== 'object' || opts instanceof Tensor)
    throw new OptionsError('clamp', 'bounds are passed as an options object, e.g. clamp(x, { min: 0, max: 1 })');
  checkOptions('clamp', opts, optionKeys<ClampOptions>({ min: true, max: true }));
  const lo = opts.min ?? null;
  const hi = opts.max ?? null;
  if (lo === null && hi === null)
    throw new ValueError('clamp', 'at least one of min or max must be given, e.g. clamp(x, { min: 0 })');
  for (const [k, v] of [['min', lo], ['max', hi]] as const)
    if (v !== null && typeof v !== 'number' && !(v instanceof Tensor))
      throw new ValueError('clamp', `${k} must be a number or a Tensor, got ${typeof v}`);
  const mn = lo === null ? null : asTensor(lo, 'clamp');
  const mx = hi === null ? null : asTensor(hi, 'clamp');
  let shape = [...x.shape];
  if (mn) shape = broadcastShapes(shape, mn.shape, 'clamp');
  if (mx) shape = broadcastShapes(shape, mx.shape, 'clamp');
  const n = numel(shape);
  const xs = expandData(x, shape);
  const ls = mn ? expandData(mn, shape) : null;
  const hs = mx ? expandData(mx, shape) : null;
  const out = new Tensor(new Float32Array(n), shape);
  const d = out.data;
  const loNum = typeof lo === 'number';
  const hiNum = typeof hi === 'number';
  for (let i = 0; i < n; i++) {
    let v = xs[i]!;
    if (v !== v) {
      d[i] = v;
      continue;
    }
    if (ls) {
      const l = ls[i]!;
      if (l !== l) v = loNum ? v : NaN;
      else if (v < l) v = l;
    }
    if (hs) {
      const h = hs[i]!;
      if (h !== h) v = hiNum ? v : NaN;
      else if (v > h) v = h;
    }
    d[i] = v;
  }
  const inputs = [x, ...(mn ? [mn] : []), ...(mx ? [mx] : [])];
  return record(out, 'clamp', inputs, (g) => {
    let pass: Tensor | null = null;
    if (mn) pass = mask('ge', x, mn);
    if (mx) pass = pass ? mul(pass, mask('le', x, mx)) : mask('le', x, mx);
    const grads: (Tensor | null)[] = [x.requiresGrad ? unbroadcast(whereRaw(pass!, g, ZERO), x.shape) : null];
    if (mn) {
      const m = mx ? mul(mask('lt', x, mn), mask('lt', mn, mx)) : mask('lt', x, mn);
      grads.push(mn.requiresGrad ? unbroadcast(whereRaw(m, g, ZERO), mn.shape) : null);
    }
    if (mx) {
      const m = mn ? binaryNoGrad('maximum', mask('gt', x, mx), mask('lt', mx, mn)) : mask('gt', x, mx);
      grads.push(mx.requiresGrad ? unbroadcast(whereRaw(m, g, ZERO), mx.shape) : null);
    }
    return grads;
  });
}

/** Alias of clamp (PyTorch: `clip`). */
export const clip = clamp;

function extreme(name: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, name);
  const y = asTensor(b, name);
  const out = binaryForward(name, x, y);
  // PyTorch: the gradient is split equally at ties and goes wholly to both sides where NaN is involved.
  const [wins, loses] = name === 'maximum' ? (['gt', 'lt'] as const) : (['lt', 'gt'] as const);
  return record(out, name, [x, y], (g) => {
    const half = whereRaw(mask('eq', x, y), mul(g, 0.5), g);
    return [
      x.requiresGrad ? unbroadcast(whereRaw(mask(loses, x, y), ZERO, half), x.shape) : null,
      y.requiresGrad ? unbroadcast(whereRaw(mask(wins, x, y), ZERO, half), y.shape) : null,
    ];
  });
}

/** Elementwise max with broadcasting; NaN propagates; ties split the gradient equally. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => extreme('maximum', a, b);
/** Elementwise min with broadcasting; NaN propagates; ties split the gradient equally. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => extreme('minimum', a, b);

// ---------------------------------------------------------------------------------------------
// The log/exp/trig family.

export function log1p(a: TensorLike): Tensor {
  return unary('log1p', a, Math.log1p, (g, x) => div(g, add(x, 1)));
}

export function expm1(a: TensorLike): Tensor {
  return unary('expm1', a, Math.expm1, (g, _x, y) => mul(g, add(y, 1)));
}

export function log2(a: TensorLike): Tensor {
  return unary('log2', a, Math.log2, (g, x) => div(g, mul(x, Math.LN2)));
}

export function log10(a: TensorLike): Tensor {
  return unary('log10', a, Math.log10, (g, x) => div(g, mul(x, Math.LN10)));
}

export function sin(a: TensorLike): Tensor {
  return unary('sin', a, Math.sin, (g, x) => mul(g, cos(x)));
}

export function cos(a: TensorLike): Tensor {
  return unary('cos', a, Math.cos, (g, x) => neg(mul(g, sin(x))));
}

// ---------------------------------------------------------------------------------------------
// Rounding (zero gradients).

export const floor = (a: TensorLike): Tensor => stepwise('floor', a, Math.floor);
export const ceil = (a: TensorLike): Tensor => stepwise('ceil', a, Math.ceil);
export const trunc = (a: TensorLike): Tensor => stepwise('trunc', a, Math.trunc);

/** Round half to even (banker's rounding), like C's nearbyint and PyTorch. */
export function roundHalfEven(v: number): number {
  if (typeof v !== 'number') throw new ValueError('roundHalfEven', `expected a number, got ${typeof v}`);
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
}

export interface RoundOptions {
  /** Number of decimal places (negative rounds to tens, hundreds…). Default 0. */
  decimals?: number;
}

/** Round half to even, optionally to `decimals` places (PyTorch: `round(x, decimals=…)`). */
export function round(a: TensorLike, opts: RoundOptions = {}): Tensor {
  opts = checkOptions('round', opts, optionKeys<RoundOptions>({ decimals: true }));
  const dec = opts.decimals ?? 0;
  if (!Number.isInteger(dec)) throw new ValueError('round', `decimals must be an integer, got ${dec}`);
  if (dec === 0) return stepwise('round', a, roundHalfEven);
  const p = Math.fround(10 ** Math.abs(dec));
  const f = dec > 0
    ? (v: number) => roundHalfEven(Math.fround(v * p)) / p
    : (v: number) => roundHalfEven(Math.fround(v / p)) * p;
  return stepwise('round', a, f);
}

// ---------------------------------------------------------------------------------------------
// lerp.

/** start + weight·(end − start), computed as PyTorch does for accuracy near weight = 1. */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  checkTensor(start, 'lerp', 'start');
  const s = start;
  const e = asTensor(end, 'lerp');
  const w = asTensor(weight, 'lerp');
  const shape = broadcastShapes(broadcastShapes(s.shape, e.shape, 'lerp'), w.shape, 'lerp');
  const sa = expandData(s, shape);
  const ea = expandData(e, shape);
  const wa = expandData(w, shape);
  const out = new Tensor(new Float32Array(numel(shape)), shape);
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    const wi = wa[i]!;
    const diff = ea[i]! - sa[i]!;
    d[i] = Math.abs(wi) < 0.5 ? sa[i]! + wi * diff : ea[i]! - diff * (1 - wi);
  }
  return record(out, 'lerp', [s, e, w], (g) => [
    s.requiresGrad ? unbroadcast(mul(g, sub(1, w)), s.shape) : null,
    e.requiresGrad ? unbroadcast(mul(g, w), e.shape) : null,
    w.requiresGrad ? unbroadcast(mul(g, sub(e, s)), w.shape) : null,
  ]);
}
