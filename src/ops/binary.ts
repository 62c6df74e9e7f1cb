import { takeStorage } from '../tensor/storage-pool.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { binaryKernel, type BinaryCode } from '../kernels/elementwise.js';
import { record } from '../autograd/node.js';
import { asTensor, checkTensor, unbroadcast } from './util.js';

function forward(code: BinaryCode, a: Tensor, b: Tensor): Tensor {
  checkTensor(a, code), checkTensor(b, code, 'other');
  const shape = broadcastShapes(a.shape, b.shape, code);
  const out = new Tensor(takeStorage(numel(shape)), shape);
  binaryKernel(code, a.data, a.shape, b.data, b.shape, out.data, shape);
  return out;
}

export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  const x = asTensor(a, 'add');
  let y = asTensor(b, 'add');
  if (alpha !== undefined && alpha !== 1) y = mul(y, alpha);
  return record(forward('add', x, y), 'add', [x, y], (g) => [unbroadcast(g, x.shape), unbroadcast(g, y.shape)], []);
}

export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  const x = asTensor(a, 'sub');
  let y = asTensor(b, 'sub');
  if (alpha !== undefined && alpha !== 1) y = mul(y, alpha);
  return record(forward('sub', x, y), 'sub', [x, y], (g) => [unbroadcast(g, x.shape), y.requiresGrad ? unbroadcast(neg(g), y.shape) : null], []);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'mul');
  const y = asTensor(b, 'mul');
  return record(forward('mul', x, y), 'mul', [x, y], (g) => [
    x.requiresGrad ? unbroadcast(mul(g, y), x.shape) : null,
    y.requiresGrad ? unbroadcast(mul(g, x), y.shape) : null,
  ]);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'div');
  const y = asTensor(b, 'div');
  return record(forward('div', x, y), 'div', [x, y], (g) => [
    x.requiresGrad ? unbroadcast(div(g, y), x.shape) : null,
    y.requiresGrad ? unbroadcast(neg(div(mul(g, x), mul(y, y))), y.shape) : null,
  ]);
}

export function neg(a: TensorLike): Tensor {
  const x = asTensor(a, 'neg');
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const s = x.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = -s[i]!;
  return record(out, 'neg', [x], (g) => [neg(g)], []);
}

/** Elementwise binary op without gradient (comparisons and friends). */
export function binaryNoGrad(code: BinaryCode, a: TensorLike, b: TensorLike): Tensor {
  return forward(code, asTensor(a, code), asTensor(b, code));
}

export { forward as binaryForward };
