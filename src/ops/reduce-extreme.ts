/**
 * max/min (overall, along a dim with indices, or elementwise against another tensor),
 * amax/amin and argmax/argmin. NaN counts as the extreme (it propagates), and ties go to the
 * first index; gradients follow PyTorch: split evenly among ties for max()/amax(), to the
 * returned index for max(dim).
 */
import { ValueError } from '../tensor/errors.js';
import { normDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { extremeAxis, splitAt, sumDims } from '../kernels/reduce.js';
import { record } from '../autograd/node.js';
import { binaryNoGrad, div, mul } from './binary.js';
import { maximum, minimum } from './elementwise.js';
import { scatterAdd } from './indexing-gather.js';
import { reducedShape, type DimArg, type ReduceOptions } from './reduce.js';
import { foldGroups, groups, reduceDims, requireNonEmpty } from './reduce-groups.js';
import { checkTensor } from './util.js';
import { reshape } from './view.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

const REDUCE_KEYS = optionKeys<ReduceOptions>({ keepdim: true });

export interface ValuesIndices {
  values: Tensor;
  /** Positions along the reduced dim, as float values. */
  indices: Tensor;
}

/** First extreme of data[off..off+n) (NaN wins), as [value, position]. */
function scan(data: Float32Array, off: number, n: number, wantMax: boolean): [number, number] {
  let best = data[off]!;
  let bi = 0;
  if (best !== best) return [best, 0];
  for (let k = 1; k < n; k++) {
    const v = data[off + k]!;
    if (v !== v) return [v, k];
    if (wantMax ? v > best : v < best) {
      best = v;
      bi = k;
    }
  }
  return [best, bi];
}

/** Mask of the elements equal to the result (NaN positions when the result is NaN). */
function tieMask(x: Tensor, value: Tensor): Tensor {
  const v = value.data[0]!;
  const m = new Float32Array(x.data.length);
  for (let i = 0; i < m.length; i++) {
    const e = x.data[i]!;
    m[i] = v !== v ? (e !== e ? 1 : 0) : e === v ? 1 : 0;
  }
  return new Tensor(m, x.shape);
}

function overall(op: 'max' | 'min', x: Tensor): Tensor {
  if (x.data.length === 0)
    throw new ValueError(op, `the tensor is empty (shape [${x.shape.join(',')}]); pass a dim, or use amax/amin on a non-empty dim`);
  const out = new Tensor(Float32Array.of(scan(x.data, 0, x.data.length, op === 'max')[0]), []);
  return record(out, op, [x], (g) => {
    const m = tieMask(x, out);
    let count = 0;
    for (let i = 0; i < m.data.length; i++) count += m.data[i]!;
    return [mul(m, div(g, count))];
  }, [x, out]);
}

function alongDim(op: 'max' | 'min', x: Tensor, dim: number, opts: ReduceOptions): ValuesIndices {
  const d = normDim(dim, x.ndim, op);
  requireNonEmpty(x, x.ndim === 0 ? [] : [d], op);
  const [outer, n, inner] = x.ndim === 0 ? [1, 1, 1] : splitAt(x.shape, d);
  const vals = new Float32Array(outer * inner);
  const idx = new Float32Array(outer * inner);
  extremeAxis(x.data, outer, n, inner, vals, idx, op === 'max');
  const dims = x.ndim === 0 ? [] : [d];
  const keep = reducedShape(x.shape, dims, true);
  const shape = reducedShape(x.shape, dims, opts.keepdim ?? false);
  const values = new Tensor(vals, shape);
  const indices = new Tensor(idx, shape);
  record(
    values,
    op,
    [x],
    (g) => (x.ndim === 0 ? [g] : [scatterAdd(zeros(x.shape), d, reshape(indices, keep), reshape(g, keep))]),
    [indices],
  );
  return { values, indices };
}

/**
 * max(x): the largest element (0-d; NaN if any is NaN; the gradient is split evenly among ties).
 * max(x, dim, {keepdim}): `{ values, indices }` along dim (gradient to the returned index).
 * max(x, other): elementwise maximum.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  return extremeDispatch('max', x, dimOrOther, opts);
}

/** min(x), min(x, dim, {keepdim}) → `{ values, indices }`, min(x, other): see max. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  return extremeDispatch('min', x, dimOrOther, opts);
}

function extremeDispatch(op: 'max' | 'min', x: Tensor, a: number | Tensor | undefined, opts: ReduceOptions): Tensor | ValuesIndices {
  opts = checkOptions(op, opts, REDUCE_KEYS);
  checkTensor(x, op);
  if (a === undefined || a === null) return overall(op, x);
  if (a instanceof Tensor) return op === 'max' ? maximum(x, a) : minimum(x, a);
  if (typeof a !== 'number') throw new ValueError(op, `second argument must be a dim (number) or a Tensor, got ${typeof a}`);
  return alongDim(op, x, a, opts ?? {});
}

function aextreme(op: 'amax' | 'amin', x: Tensor, dim: DimArg, opts: ReduceOptions): Tensor {
  opts = checkOptions(op, opts, REDUCE_KEYS);
  const dims = reduceDims(x, dim, op);
  requireNonEmpty(x, dims, op);
  const g0 = groups(x, dims, opts.keepdim ?? false);
  const out = foldGroups(g0, (data, off, n) => scan(data, off, n, op === 'amax')[0]);
  return record(out, op, [x], (g) => {
    // PyTorch: grad · (x == result) / count(x == result) over the reduced dims (NaN slices give NaN).
    const m = binaryNoGrad('eq', x, reshape(out, g0.keepShape));
    const count = new Tensor(sumDims(m.data, m.shape, dims), g0.keepShape);
    return [mul(reshape(g, g0.keepShape), div(m, count))];
  }, [x, out]);
}

/** Max over `dim` (a dim or a list; all dims when omitted); ties share the gradient evenly. */
export const amax = (x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor => aextreme('amax', x, dim, opts);
/** Min over `dim` (a dim or a list; all dims when omitted); ties share the gradient evenly. */
export const amin = (x: Tensor, dim?: DimArg, opts: ReduceOptions = {}): Tensor => aextreme('amin', x, dim, opts);

function argextreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, opts: ReduceOptions): Tensor {
  opts = checkOptions(op, opts, REDUCE_KEYS);
  checkTensor(x, op);
  const keepdim = opts.keepdim ?? false;
  if (dim === undefined || dim === null) {
    if (x.data.length === 0) throw new ValueError(op, 'the tensor is empty; argmax/argmin of nothing is undefined');
    const i = scan(x.data, 0, x.data.length, op === 'argmax')[1];
    return new Tensor(Float32Array.of(i), keepdim ? x.shape.map(() => 1) : []);
  }
  if (typeof dim !== 'number') throw new ValueError(op, `dim must be a number, got ${typeof dim}`);
  const d = normDim(dim, x.ndim, op);
  const dims = x.ndim === 0 ? [] : [d];
  requireNonEmpty(x, dims, op);
  const g0 = groups(x, dims, keepdim);
  return foldGroups(g0, (data, off, n) => scan(data, off, n, op === 'argmax')[1]);
}

/** Index of the first maximum (NaN counts as the maximum), over all elements or along `dim`. */
export const argmax = (x: Tensor, dim?: number | null, opts: ReduceOptions = {}): Tensor => argextreme('argmax', x, dim, opts);
/** Index of the first minimum (NaN counts as the minimum), over all elements or along `dim`. */
export const argmin = (x: Tensor, dim?: number | null, opts: ReduceOptions = {}): Tensor => argextreme('argmin', x, dim, opts);

