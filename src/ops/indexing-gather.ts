/**
 * Index-tensor ops: gather, scatter, scatterAdd, indexSelect, indexAdd. Index tensors are float
 * tensors holding whole numbers; every index is checked (integral, in range) before any work.
 * gather and scatterAdd are each other's backward, as are indexSelect and indexAdd.
 */
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { normDim, numel, shapesEqual, stridesOf } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { record } from '../autograd/node.js';
import { mul } from './binary.js';
import { stridedAdd } from './indexing.js';
import { asTensor, checkTensor } from './util.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

/** Check that every value of `index` is an integer in [0, size); returns them as Int32Array. */
export function checkIndex(op: string, index: Tensor, size: number, dim: number): Int32Array {
  checkTensor(index, op, 'index');
  const v = index.data;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (!Number.isInteger(k))
      throw new ValueError(op, `index ${k} (flat position ${i}) is not an integer; index tensors must hold whole numbers`);
    if (k < 0 || k >= size)
      throw new ValueError(
        op,
        `index ${k} (flat position ${i}) is out of range for dim ${dim} of size ${size} (valid 0..${size - 1})`,
      );
    out[i] = k;
  }
  return out;
}

/** For each position of `shape`, the flat offset Σ_{d≠skip} i_d·strides_d. */
function offsets(shape: readonly number[], strides: readonly number[], skip: number): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let p = 0; p < n; p++) {
    out[p] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      if (d !== skip) off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      if (d !== skip) off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

interface Plan {
  d: number;
  idx: Int32Array;
  /** Offsets into x (without the indexed dim) for each index position. */
  xOff: Int32Array;
  xStride: number;
}

function plan(op: string, x: Tensor, dim: number, index: Tensor, what: string): Plan {
  checkTensor(x, op);
  checkTensor(index, op, 'index');
  if (x.ndim === 0) throw new ShapeError(op, 'input must have at least 1 dim; reshape a 0-d tensor to [1]');
  const d = normDim(dim, x.ndim, op);
  if (index.ndim !== x.ndim)
    throw new ShapeError(op, `index must have the same number of dims as ${what} (${x.ndim}), got index ${fmtShape(index.shape)} for ${what} ${fmtShape(x.shape)}`);
  for (let k = 0; k < x.ndim; k++)
    if (k !== d && index.shape[k]! > x.shape[k]!)
      throw new ShapeError(op, `index ${fmtShape(index.shape)} is larger than ${what} ${fmtShape(x.shape)} in dim ${k} (only dim ${d} may differ)`);
  const st = stridesOf(x.shape);
  return { d, idx: checkIndex(op, index, x.shape[d]!, d), xOff: offsets(index.shape, st, d), xStride: st[d]! };
}

/** The values of src at the index positions, as a tensor of src's shape (zeros elsewhere). */
function padTo(gathered: Tensor, srcShape: readonly number[]): Tensor {
  if (shapesEqual(gathered.shape, srcShape)) return gathered;
  return stridedAdd(gathered, srcShape, stridesOf(srcShape), 0, 'scatterSrc');
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const p = plan('gather', x, dim, index, 'input');
  const out = new Tensor(new Float32Array(index.data.length), index.shape);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = x.data[p.xOff[i]! + p.idx[i]! * p.xStride]!;
  return record(out, 'gather', [x], (g) => [scatterAdd(zeros(x.shape), p.d, index, g)]);
}

function scatterCommon(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor): { p: Plan; srcOff: Int32Array } {
  const p = plan(op, x, dim, index, 'input');
  if (src.ndim !== 0 || op === 'scatterAdd') {
    checkTensor(src, op, 'src');
    if (src.ndim !== index.ndim || index.shape.some((s, k) => s > src.shape[k]!))
      throw new ShapeError(op, `index ${fmtShape(index.shape)} must not be larger than src ${fmtShape(src.shape)} in any dim`);
  }
  const srcOff = src.ndim === 0 ? new Int32Array(index.data.length) : offsets(index.shape, stridesOf(src.shape), -1);
  return { p, srcOff };
}

/** x with src added at the index positions along `dim` (repeated indices accumulate). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const { p, srcOff } = scatterCommon('scatterAdd', x, dim, index, src);
  const out = new Tensor(x.data.slice(), x.shape);
  const o = out.data;
  for (let i = 0; i < p.idx.length; i++) o[p.xOff[i]! + p.idx[i]! * p.xStride] += src.data[srcOff[i]!]!;
  return record(out, 'scatterAdd', [x, src], (g) => [
    x.requiresGrad ? g : null,
    src.requiresGrad ? padTo(gather(g, p.d, index), src.shape) : null,
  ]);
}

/**
 * x with src (a tensor, or a number) written at the index positions along `dim`. With repeated
 * indices the last write wins (PyTorch leaves that case unspecified).
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  const s = asTensor(src, 'scatter');
  if (s.ndim === 0 && src instanceof Tensor)
    throw new ShapeError('scatter', 'src must be a number or a tensor with the same number of dims as index; got a 0-d tensor (use .item())');
  const { p, srcOff } = scatterCommon('scatter', x, dim, index, s);
  const out = new Tensor(x.data.slice(), x.shape);
  const o = out.data;
  for (let i = 0; i < p.idx.length; i++) o[p.xOff[i]! + p.idx[i]! * p.xStride] = s.data[srcOff[i]!]!;
  return record(out, 'scatter', [x, s], (g) => [
    x.requiresGrad ? scatter(g, p.d, index, 0) : null,
    s.requiresGrad ? padTo(gather(g, p.d, index), s.shape) : null,
  ]);
}

function index1d(op: string, x: Tensor, dim: number, index: Tensor): { d: number; idx: Int32Array } {
  checkTensor(x, op);
  checkTensor(index, op, 'index');
  if (x.ndim === 0) throw new ShapeError(op, 'input must have at least 1 dim; reshape a 0-d tensor to [1]');
  if (index.ndim > 1) throw new ShapeError(op, `index must be 0-d or 1-d, got shape ${fmtShape(index.shape)}; flatten it first`);
  const d = normDim(dim, x.ndim, op);
  return { d, idx: checkIndex(op, index, x.shape[d]!, d) };
}

/** The slices of x at `index` (1-D) along `dim`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const { d, idx } = index1d('indexSelect', x, dim, index);
  const shape = [...x.shape];
  shape[d] = idx.length;
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const n = x.shape[d]!;
  const out = new Tensor(new Float32Array(numel(shape)), shape);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < idx.length; k++) {
      const from = (o * n + idx[k]!) * inner;
      out.data.set(x.data.subarray(from, from + inner), (o * idx.length + k) * inner);
    }
  return record(out, 'indexSelect', [x], (g) => [indexAdd(zeros(x.shape), d, index, g)]);
}

export interface IndexAddOptions {
  /** Scale of source. Default 1. */
  alpha?: number;
}

/** x with alpha·source[…, k, …] added to the slice index[k] along `dim` (repeats accumulate). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: IndexAddOptions = {}): Tensor {
  opts = checkOptions('indexAdd', opts, optionKeys<IndexAddOptions>({ alpha: true }));
  const { d, idx } = index1d('indexAdd', x, dim, index);
  checkTensor(source, 'indexAdd', 'source');
  const alpha = opts.alpha ?? 1;
  const expected = [...x.shape];
  expected[d] = idx.length;
  if (!shapesEqual(source.shape, expected))
    throw new ShapeError('indexAdd', `source must have shape ${fmtShape(expected)} (x's shape with dim ${d} = index length), got ${fmtShape(source.shape)}`);
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const n = x.shape[d]!;
  const out = new Tensor(x.data.slice(), x.shape);
  const o = out.data;
  for (let a = 0; a < outer; a++)
    for (let k = 0; k < idx.length; k++) {
      const to = (a * n + idx[k]!) * inner;
      const from = (a * idx.length + k) * inner;
      for (let i = 0; i < inner; i++) o[to + i] += alpha * source.data[from + i]!;
    }
  return record(out, 'indexAdd', [x, source], (g) => [
    x.requiresGrad ? g : null,
    source.requiresGrad ? (alpha === 1 ? indexSelect(g, d, index) : mul(indexSelect(g, d, index), alpha)) : null,
  ]);
}
