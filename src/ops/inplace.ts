import { ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkInplace } from '../autograd/tensor-autograd.js';
import { expandKernel, binaryKernel, type BinaryCode } from '../kernels/elementwise.js';
import { broadcastShapes } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { asTensor } from './util.js';
import { checkTensor } from './util.js';

/** In-place ops: they write into `x.data` and return `x`. Allowed on tensors outside the tape. */
export function fill_(x: Tensor, value: number): Tensor {
  checkTensor(x, 'fill_');
  checkInplace(x, 'fill_');
  x.data.fill(value);
  return x;
}

export function zero_(x: Tensor): Tensor {
  checkTensor(x, 'zero_');
  return fill_(x, 0);
}

/** Copy `src` (broadcastable to x's shape) into `x`. */
export function copy_(x: Tensor, src: TensorLike): Tensor {
  checkTensor(x, 'copy_');
  checkInplace(x, 'copy_');
  const s = asTensor(src, 'copy_');
  const b = broadcastShapes(x.shape, s.shape, 'copy_');
  if (b.length !== x.ndim || b.some((d, i) => d !== x.shape[i]))
    throw new ShapeError('copy_', `source of shape ${fmtShape(s.shape)} cannot be broadcast to ${fmtShape(x.shape)}`);
  expandKernel(s.data, s.shape, x.data, x.shape);
  return x;
}

function inplaceBinary(code: BinaryCode, x: Tensor, other: TensorLike, op: string): Tensor {
  checkTensor(x, op);
  checkInplace(x, op);
  const o = asTensor(other, op);
  const b = broadcastShapes(x.shape, o.shape, op);
  if (b.length !== x.ndim || b.some((d, i) => d !== x.shape[i]))
    throw new ShapeError(op, `result of shape ${fmtShape(b)} cannot be written into ${fmtShape(x.shape)} in place`);
  binaryKernel(code, x.data, x.shape, o.data, o.shape, x.data, x.shape);
  return x;
}

export const add_ = (x: Tensor, o: TensorLike): Tensor => inplaceBinary('add', x, o, 'add_');
export const sub_ = (x: Tensor, o: TensorLike): Tensor => inplaceBinary('sub', x, o, 'sub_');
export const mul_ = (x: Tensor, o: TensorLike): Tensor => inplaceBinary('mul', x, o, 'mul_');
export const div_ = (x: Tensor, o: TensorLike): Tensor => inplaceBinary('div', x, o, 'div_');

/** A copy with its own storage that stays on the tape (PyTorch: `clone()`). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const out = new Tensor(x.data.slice(), x.shape);
  return record(out, 'clone', [x], (g) => [g], []);
}
