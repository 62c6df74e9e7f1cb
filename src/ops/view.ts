import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { inferShape, normDim, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { checkTensor } from './util.js';
import { gatherStrided } from '../kernels/strided.js';

/**
 * Shape-only ops. reshape/view/flatten/squeeze/unsqueeze share the input's storage (like PyTorch
 * views of contiguous tensors); transpose/permute copy into new contiguous storage.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  checkTensor(x, 'reshape');
  const s = inferShape(shape, x.data.length, x.shape, 'reshape');
  if (s.length === x.ndim && s.every((d, i) => d === x.shape[i])) return x;
  const out = new Tensor(x.data, s, false, x);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)], []);
}

export const view = reshape;

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new ValueError('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  const mid = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  const s = [...x.shape];
  s.splice(d, 0, 1);
  return reshape(x, s);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze');
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new ValueError('squeeze', `dim must be a number or a list of numbers, got ${typeof dim}`);
  const dims = (typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, x.ndim, 'squeeze'));
  return reshape(x, x.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
}

/** Reorder dims (copies). `permute(x, [1, 0])` transposes a matrix. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  checkTensor(x, 'permute');
  if (dims.length !== x.ndim)
    throw new ShapeError('permute', `got ${dims.length} dims ${JSON.stringify(dims)} for a tensor of shape ${fmtShape(x.shape)}; name every dim once`);
  const p = dims.map((d) => normDim(d, x.ndim, 'permute'));
  if (new Set(p).size !== p.length) throw new ValueError('permute', `dims ${JSON.stringify(dims)} repeat a dimension`);
  const outShape = p.map((d) => x.shape[d]!);
  const inStr = stridesOf(x.shape);
  const st = p.map((d) => inStr[d]!);
  const out = new Tensor(new Float32Array(x.data.length), outShape);
  gatherStrided(x.data, out.data, outShape, st);
  const inv = new Array<number>(p.length);
  p.forEach((d, i) => (inv[d] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inv)], []);
}

/** Swap two dims (copies). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor(x, 'transpose');
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  if (a === b) return x;
  const p = Array.from({ length: x.ndim }, (_, i) => i);
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}

/** Matrix transpose of a ≤2-D tensor (PyTorch: `t()`). */
export function t(x: Tensor): Tensor {
  checkTensor(x, 't');
  if (x.ndim > 2) throw new ShapeError('t', `expects a tensor with ≤ 2 dims, got ${fmtShape(x.shape)}; use transpose(x, d0, d1)`);
  return transpose(x, 0, x.ndim - 1);
}

export { gatherStrided };
