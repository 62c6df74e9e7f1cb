import { ValueError } from '../tensor/errors.js';
import { numel } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { expandKernel } from '../kernels/elementwise.js';
import { sumDims } from '../kernels/reduce.js';
import { record } from '../autograd/node.js';

/** Numbers become 0-d constant tensors. */
export function asTensor(x: TensorLike, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return new Tensor(Float32Array.of(x), []);
  throw new ValueError(op, `expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
}

/** @internal a shape argument must be an array of sizes (a typed error, not a TypeError deep inside). */
export function checkShapeArg(s: unknown, op: string, what = 'shape'): readonly number[] {
  if (!Array.isArray(s)) throw new ValueError(op, `${what} must be an array of sizes, got ${s === null ? 'null' : typeof s}`);
  return s;
}

export function checkTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(op, `${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  return x;
}

/**
 * Sum a broadcast gradient back down to `shape` (the inverse of broadcasting). Differentiable:
 * its own backward expands the gradient again.
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  checkTensor(g, 'unbroadcast', 'gradient'), checkShapeArg(shape, 'unbroadcast');
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  const out = new Tensor(sumDims(g.data, g.shape, dims), shape);
  return record(out, 'unbroadcast', [g], (gg) => [expandTo(gg, g.shape)], []);
}

/** Broadcast `x` up to `shape` as a new contiguous tensor (differentiable). */
export function expandTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'expand'), checkShapeArg(shape, 'expand');
  const out = new Tensor(new Float32Array(numel(shape)), shape);
  expandKernel(x.data, x.shape, out.data, shape);
  return record(out, 'expand', [x], (g) => [unbroadcast(g, x.shape)], []);
}
