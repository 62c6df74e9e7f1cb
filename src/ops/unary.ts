import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { div as divFn, mul, sub } from './binary.js';
import { asTensor } from './util.js';

/** Map `f` over a new tensor of x's shape. */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const s = x.data;
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = f(s[i]!);
  return out;
}

export function exp(a: TensorLike): Tensor {
  const x = asTensor(a, 'exp');
  const y = mapUnary(x, Math.exp);
  return record(y, 'exp', [x], (g) => [mul(g, y)]);
}

export function log(a: TensorLike): Tensor {
  const x = asTensor(a, 'log');
  return record(mapUnary(x, Math.log), 'log', [x], (g) => [divFn(g, x)]);
}

export function tanh(a: TensorLike): Tensor {
  const x = asTensor(a, 'tanh');
  const y = mapUnary(x, Math.tanh);
  // d tanh = 1 - tanh²
  return record(y, 'tanh', [x], (g) => [mul(g, sub(1, mul(y, y)))]);
}

export function sigmoid(a: TensorLike): Tensor {
  const x = asTensor(a, 'sigmoid');
  const y = mapUnary(x, (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))));
  return record(y, 'sigmoid', [x], (g) => [mul(g, mul(y, sub(1, y)))]);
}

export function relu(a: TensorLike): Tensor {
  const x = asTensor(a, 'relu');
  const y = mapUnary(x, (v) => (v > 0 ? v : v !== v ? v : 0));
  return record(y, 'relu', [x], (g) => [mul(g, mapUnary(x, (v) => (v > 0 ? 1 : 0)))]);
}
