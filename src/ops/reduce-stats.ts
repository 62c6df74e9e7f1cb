/**
 * Statistical reductions: var/std (with Bessel's correction), norm, logsumexp, prod, cumsum.
 * Forward values accumulate in float64; backward rules are PyTorch's, written with tensor ops.
 */
import { ValueError } from '../tensor/errors.js';
import { normDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { splitAt, sumDims } from '../kernels/reduce.js';
import { record } from '../autograd/node.js';
import { add, binaryNoGrad, div, mul, sub } from './binary.js';
import { abs, pow, whereRaw } from './elementwise.js';
import { mean, type DimArg, type ReduceOptions } from './reduce.js';
import { foldGroups, groups, reduceDims, requireNonEmpty } from './reduce-groups.js';
import { exp, mapUnary } from './unary.js';
import { checkTensor } from './util.js';
import { reshape } from './view.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const ZERO = new Tensor(new Float32Array(1), []);
const signOf = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);
const eqMask = (a: Tensor, b: number): Tensor => binaryNoGrad('eq', a, b);

export interface VarOptions extends ReduceOptions {
  /** Divide by N − correction. Default 1 (Bessel's correction, the unbiased estimator). */
  correction?: number;
  /** Older PyTorch spelling: true = correction 1, false = correction 0. */
  unbiased?: boolean;
}

const VAR_KEYS = optionKeys<VarOptions>({ keepdim: true, correction: true, unbiased: true });
const REDUCE_KEYS = optionKeys<ReduceOptions>({ keepdim: true });

function varArgs(op: string, dim: DimArg | VarOptions, opts: VarOptions): [DimArg, VarOptions] {
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) return [undefined, checkOptions(op, dim as VarOptions, VAR_KEYS)];
  return [dim as DimArg, checkOptions(op, opts, VAR_KEYS)];
}

function correctionOf(op: string, o: VarOptions): number {
  if (o.correction !== undefined && o.unbiased !== undefined)
    throw new ValueError(op, 'pass either correction or unbiased, not both');
  const c = o.correction ?? (o.unbiased === undefined ? 1 : o.unbiased ? 1 : 0);
  if (!Number.isFinite(c) || c < 0) throw new ValueError(op, `correction must be a finite number ≥ 0, got ${c}`);
  return c;
}

function varCore(op: string, x: Tensor, dimArg: DimArg | VarOptions, optsArg: VarOptions, takeSqrt: boolean): Tensor {
  const [dim, opts] = varArgs(op, dimArg, optsArg);
  const dims = reduceDims(x, dim, op);
  const c = correctionOf(op, opts);
  const g0 = groups(x, dims, opts.keepdim ?? false);
  const denom = Math.max(0, g0.n - c);
  const out = foldGroups(g0, (data, off, n) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += data[off + k]!;
    const m = s / n;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      const dv = data[off + k]! - m;
      ss += dv * dv;
    }
    const v = ss / denom;
    return takeSqrt ? Math.sqrt(v) : v;
  });
  const varBackward = (gv: Tensor): Tensor =>
    mul(mul(reshape(gv, g0.keepShape), sub(x, mean(x, dims, { keepdim: true }))), 2 / denom);
  return record(out, op, [x], (g) => {
    if (!takeSqrt) return [varBackward(g)];
    // PyTorch: grad / (2·std), and 0 where std is 0.
    return [varBackward(whereRaw(eqMask(out, 0), ZERO, div(g, mul(out, 2))))];
  }, takeSqrt ? [x, out] : [x]);
}

/** Variance over `dim` (all when omitted), dividing by N − correction (default 1). `var` in PyTorch. */
export function var_(x: Tensor, dim?: DimArg | VarOptions, opts: VarOptions = {}): Tensor {
  return varCore('var', x, dim, opts, false);
}
export const variance = var_;

/** Standard deviation over `dim`; see var_. Its gradient is 0 where the std is 0. */
export function std(x: Tensor, dim?: DimArg | VarOptions, opts: VarOptions = {}): Tensor {
  return varCore('std', x, dim, opts, true);
}

/** [variance, mean] in one call (PyTorch: `var_mean`). */
export function varMean(x: Tensor, dim?: DimArg | VarOptions, opts: VarOptions = {}): [Tensor, Tensor] {
  const [d, o] = varArgs('varMean', dim ?? undefined, opts);
  return [var_(x, d, o), mean(x, reduceDims(x, d, 'varMean'), { keepdim: o.keepdim ?? false })];
}

/** [std, mean] in one call (PyTorch: `std_mean`). */
export function stdMean(x: Tensor, dim?: DimArg | VarOptions, opts: VarOptions = {}): [Tensor, Tensor] {
  const [d, o] = varArgs('stdMean', dim ?? undefined, opts);
  return [std(x, d, o), mean(x, reduceDims(x, d, 'stdMean'), { keepdim: o.keepdim ?? false })];
}

export type NormOrd = number | 'fro';

function normFold(p: number): (data: Float32Array, off: number, n: number) => number {
  if (p === 2)
    return (d, off, n) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += d[off + k]! * d[off + k]!;
      return Math.sqrt(s);
    };
  if (p === Infinity || p === -Infinity)
    return (d, off, n) => {
      let best = p === Infinity ? 0 : Infinity;
      for (let k = 0; k < n; k++) {
        const a = Math.abs(d[off + k]!);
        if (a !== a) return NaN;
        if (p === Infinity ? a > best : a < best) best = a;
      }
      return best;
    };
  if (p === 0)
    return (d, off, n) => {
      let c = 0;
      for (let k = 0; k < n; k++) if (d[off + k] !== 0) c++;
      return c;
    };
  if (p === 1)
    return (d, off, n) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.abs(d[off + k]!);
      return s;
    };
  return (d, off, n) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.pow(Math.abs(d[off + k]!), p);
    return Math.pow(s, 1 / p);
  };
}

/**
 * Vector p-norm over `dim` (all elements when omitted): p any number, ±Infinity, 0 (count of
 * nonzeros) or 'fro' (= 2). Accumulates in float64. The gradient of the 2-norm at 0 is 0.
 */
export function norm(x: Tensor, p: NormOrd = 2, dim?: DimArg, opts: ReduceOptions = {}): Tensor {
  opts = checkOptions('norm', opts, REDUCE_KEYS);
  checkTensor(x, 'norm');
  const ord = p === 'fro' ? 2 : p;
  if (typeof ord !== 'number' || Number.isNaN(ord))
    throw new ValueError('norm', `p must be a number, ±Infinity or 'fro', got ${JSON.stringify(p)}`);
  const dims = reduceDims(x, dim, 'norm');
  if (!Number.isFinite(ord)) requireNonEmpty(x, dims, 'norm');
  const g0 = groups(x, dims, opts.keepdim ?? false);
  const out = foldGroups(g0, normFold(ord));
  return record(out, 'norm', [x], (g) => {
    const gk = reshape(g, g0.keepShape);
    const nk = reshape(out, g0.keepShape);
    const sgn = mapUnary(x, signOf);
    if (ord === 0) return [zeros(x.shape)];
    if (ord === 1) return [mul(gk, sgn)];
    if (ord === 2) return [mul(gk, whereRaw(eqMask(nk, 0), ZERO, div(x, nk)))];
    if (!Number.isFinite(ord)) {
      const a = mapUnary(x, Math.abs);
      const m = binaryNoGrad('maximum', binaryNoGrad('eq', a, nk), binaryNoGrad('ne', a, a));
      const count = new Tensor(sumDims(m.data, m.shape, dims), g0.keepShape);
      return [mul(sgn, mul(div(gk, count), m))];
    }
    if (ord < 1) {
      const scaled = mul(sgn, whereRaw(eqMask(x, 0), ZERO, pow(abs(x), ord - 1)));
      return [mul(mul(scaled, gk), pow(nk, 1 - ord))];
    }
    const scaled = ord < 2 ? mul(sgn, pow(abs(x), ord - 1)) : mul(x, pow(abs(x), ord - 2));
    return [mul(scaled, whereRaw(eqMask(nk, 0), ZERO, div(gk, pow(nk, ord - 1))))];
  }, [x, out]);
}

/** log Σ exp(x) over `dim` (all when omitted), computed stably (shifted by the max). */
export function logsumexp(x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor {
  opts = checkOptions('logsumexp', opts, REDUCE_KEYS);
  const dims = reduceDims(x, dim, 'logsumexp');
  const g0 = groups(x, dims, opts.keepdim ?? false);
  const out = foldGroups(g0, (d, off, n) => {
    if (n === 0) return -Infinity;
    let m = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = d[off + k]!;
      if (v !== v) return NaN;
      if (v > m) m = v;
    }
    if (m === Infinity || m === -Infinity) m = 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(d[off + k]! - m);
    return Math.log(s) + m;
  });
  return record(out, 'logsumexp', [x], (g) => [mul(reshape(g, g0.keepShape), exp(sub(x, reshape(out, g0.keepShape))))], [x, out]);
}

/** Product over `dim` (all when omitted). The gradient is exact with zeros in the input. */
export function prod(x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor {
  opts = checkOptions('prod', opts, REDUCE_KEYS);
  const dims = reduceDims(x, dim, 'prod');
  const g0 = groups(x, dims, opts.keepdim ?? false);
  const out = foldGroups(g0, (d, off, n) => {
    let p = 1;
    for (let k = 0; k < n; k++) p *= d[off + k]!;
    return p;
  });
  return record(out, 'prod', [x], (g) => {
    const gk = reshape(g, g0.keepShape);
    const isZero = eqMask(x, 0);
    const zc = new Tensor(sumDims(isZero.data, x.shape, dims), g0.keepShape);
    if (zc.data.every((v) => v === 0)) return [div(mul(gk, reshape(out, g0.keepShape)), x)];
    // Slices without zeros: result / x. With one zero: the product of the others at the zero,
    // 0 elsewhere. With two or more: 0 everywhere.
    const xs = whereRaw(isZero, new Tensor(Float32Array.of(1), []), x);
    const others = prod(xs, dims, { keepdim: true });
    const none = whereRaw(eqMask(zc, 0), div(others, xs), ZERO);
    const one = whereRaw(mul(isZero, eqMask(zc, 1)), others, ZERO);
    return [mul(gk, add(none, one))];
  }, [x, out]);
}

function cumsumDir(x: Tensor, d: number, reverse: boolean): Tensor {
  const [outer, n, inner] = x.ndim === 0 ? [1, 1, 1] : splitAt(x.shape, d);
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const acc = new Float64Array(inner);
  const src = x.data;
  const dst = out.data;
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let s = 0; s < n; s++) {
      const k = reverse ? n - 1 - s : s;
      const base = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) dst[base + i] = acc[i] += src[base + i]!;
    }
  }
  return record(out, reverse ? 'cumsumReverse' : 'cumsum', [x], (g) => [cumsumDir(g, d, !reverse)], []);
}

/** Running sum along `dim` (float64 accumulation). */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'cumsum');
  if (typeof dim !== 'number') throw new ValueError('cumsum', `dim is required and must be a number, got ${typeof dim}`);
  return cumsumDir(x, normDim(dim, x.ndim, 'cumsum'), false);
}
