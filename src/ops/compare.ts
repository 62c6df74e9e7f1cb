/**
 * Comparisons, predicates and logical ops. Results are float32 tensors of 0 and 1 (gradlab has
 * one dtype) and carry no gradient. Logical ops read any nonzero value, NaN included, as true.
 */
import { ValueError } from '../tensor/errors.js';
import { broadcastShapes, normDims, numel, shapesEqual } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { binaryKernel, type BinaryCode } from '../kernels/elementwise.js';
import { binaryNoGrad } from './binary.js';
import { reducedShape, type DimArg, type ReduceOptions } from './reduce.js';
import { mapUnary } from './unary.js';
import { asTensor, checkTensor } from './util.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const REDUCE_KEYS = optionKeys<ReduceOptions>({ keepdim: true });
const CLOSE_KEYS = optionKeys<CloseOptions>({ rtol: true, atol: true, equalNan: true });

const cmp = (code: BinaryCode) => (a: TensorLike, b: TensorLike): Tensor => {
  if (!(a instanceof Tensor) && !(b instanceof Tensor))
    throw new ValueError(code, 'at least one argument must be a Tensor');
  return binaryNoGrad(code, a, b);
};

/** a == b (1 or 0, broadcasting). NaN equals nothing. */
export const eq = cmp('eq');
/** a != b. */
export const ne = cmp('ne');
/** a < b. */
export const lt = cmp('lt');
/** a <= b. */
export const le = cmp('le');
/** a > b. */
export const gt = cmp('gt');
/** a >= b. */
export const ge = cmp('ge');

export const isnan = (x: Tensor): Tensor => mapUnary(checkTensor(x, 'isnan'), (v) => (v !== v ? 1 : 0));
export const isinf = (x: Tensor): Tensor =>
  mapUnary(checkTensor(x, 'isinf'), (v) => (v === Infinity || v === -Infinity ? 1 : 0));
export const isfinite = (x: Tensor): Tensor => mapUnary(checkTensor(x, 'isfinite'), (v) => (Number.isFinite(v) ? 1 : 0));
export const isposinf = (x: Tensor): Tensor => mapUnary(checkTensor(x, 'isposinf'), (v) => (v === Infinity ? 1 : 0));
export const isneginf = (x: Tensor): Tensor => mapUnary(checkTensor(x, 'isneginf'), (v) => (v === -Infinity ? 1 : 0));

const truthy = (v: number): boolean => v !== 0; // NaN !== 0, so NaN is true as in PyTorch

export const logicalNot = (x: Tensor): Tensor => mapUnary(checkTensor(x, 'logicalNot'), (v) => (truthy(v) ? 0 : 1));

function logical(op: string, a: TensorLike, b: TensorLike, f: (p: boolean, q: boolean) => boolean): Tensor {
  const x = asTensor(a, op);
  const y = asTensor(b, op);
  const shape = broadcastShapes(x.shape, y.shape, op);
  // Normalise both to 0/1 first, then combine with the broadcasting kernel.
  const xb = x.data.map((v) => (truthy(v) ? 1 : 0));
  const yb = y.data.map((v) => (truthy(v) ? 1 : 0));
  const out = new Float32Array(numel(shape));
  binaryKernel('add', xb, x.shape, yb, y.shape, out, shape);
  // out is now the count of true operands (0, 1 or 2); decode it with the table of f.
  const table = [f(false, false) ? 1 : 0, f(true, false) ? 1 : 0, f(true, true) ? 1 : 0];
  for (let i = 0; i < out.length; i++) out[i] = table[out[i]!]!;
  return new Tensor(out, shape);
}

export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => logical('logicalAnd', a, b, (p, q) => p && q);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => logical('logicalOr', a, b, (p, q) => p || q);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => logical('logicalXor', a, b, (p, q) => p !== q);

export interface CloseOptions {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
  /** Treat NaN as equal to NaN. Default false. */
  equalNan?: boolean;
}

/** |a − b| ≤ atol + rtol·|b| elementwise (1/0, broadcasting); equal infinities are close. */
export function isclose(a: TensorLike, b: TensorLike, opts: CloseOptions = {}): Tensor {
  opts = checkOptions('isclose', opts, CLOSE_KEYS);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const equalNan = opts.equalNan ?? false;
  if (!(rtol >= 0) || !(atol >= 0))
    throw new ValueError('isclose', `rtol and atol must be non-negative, got rtol=${rtol}, atol=${atol}`);
  const x = asTensor(a, 'isclose');
  const y = asTensor(b, 'isclose');
  const shape = broadcastShapes(x.shape, y.shape, 'isclose');
  const n = numel(shape);
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const zero = new Float32Array(1);
  binaryKernel('add', x.data, x.shape, zero, [], xs, shape);
  binaryKernel('add', y.data, y.shape, zero, [], ys, shape);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = xs[i]!;
    const q = ys[i]!;
    let close: boolean;
    if (p !== p || q !== q) close = equalNan && p !== p && q !== q;
    else if (p === q) close = true;
    else if (!Number.isFinite(p) || !Number.isFinite(q)) close = false;
    else close = Math.abs(p - q) <= atol + rtol * Math.abs(q);
    out[i] = close ? 1 : 0;
  }
  return new Tensor(out, shape);
}

/** Whether every element of a and b (broadcast) is close; see isclose. */
export function allclose(a: TensorLike, b: TensorLike, opts: CloseOptions = {}): boolean {
  opts = checkOptions('allclose', opts, CLOSE_KEYS);
  const c = isclose(a, b, opts).data;
  for (let i = 0; i < c.length; i++) if (c[i] === 0) return false;
  return true;
}

/** Same shape and same values (NaN is never equal), like PyTorch's `torch.equal`. */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor(a, 'equal', 'first argument');
  checkTensor(b, 'equal', 'second argument');
  if (!shapesEqual(a.shape, b.shape)) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

function boolReduce(op: string, x: Tensor, dim: DimArg, opts: ReduceOptions, isAny: boolean): Tensor {
  opts = checkOptions(op, opts, REDUCE_KEYS);
  checkTensor(x, op);
  const dims = normDims(dim, x.ndim, op);
  const outShape = reducedShape(x.shape, dims, opts.keepdim ?? false);
  const keep = reducedShape(x.shape, dims, true);
  const out = new Float32Array(numel(outShape)).fill(isAny ? 0 : 1);
  // Walk x once, mapping each element to its output slot.
  const nd = x.ndim;
  const outStr = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let d = nd - 1; d >= 0; d--) {
    outStr[d] = keep[d] === 1 ? 0 : acc;
    acc *= keep[d]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let i = 0; i < x.data.length; i++) {
    const t = truthy(x.data[i]!);
    if (isAny ? t : !t) out[o] = isAny ? 1 : 0;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      o += outStr[d]!;
      if (idx[d]! < x.shape[d]!) break;
      o -= outStr[d]! * x.shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/** Whether any element (along `dim`, or overall) is nonzero; 1/0 tensor. */
export const any = (x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor => boolReduce('any', x, dim, opts, true);
/** Whether all elements (along `dim`, or overall) are nonzero; 1/0 tensor. */
export const all = (x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor => boolReduce('all', x, dim, opts, false);
