import { takeStorage } from '../tensor/storage-pool.js';
import { ValueError } from '../tensor/errors.js';
import { normDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { splitAt } from '../kernels/reduce.js';
import { record } from '../autograd/node.js';
import { mul, neg, sub } from './binary.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { checkTensor } from './util.js';

/**
 * softmax and logSoftmax along one dim, numerically stable (the row max is subtracted first,
 * sums accumulate in float64). A NaN anywhere in a row makes the whole row NaN, as in PyTorch.
 * Backward passes are fused ops that are themselves differentiable.
 */

function resolveDim(x: Tensor, dim: number | undefined, op: string): number {
  if (dim === undefined || dim === null)
    throw new ValueError(op, 'dim is required (PyTorch deprecated the implicit choice); e.g. softmax(x, -1)');
  return normDim(dim, x.ndim, op);
}

/** y = softmax or log-softmax of x along the middle axis of [outer, n, inner]. */
function forwardKernel(x: Float32Array, y: Float32Array, outer: number, n: number, inner: number, logMode: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0, p = base; k < n; k++, p += inner) {
        const v = x[p]!;
        if (v > m || v !== v) m = v;
      }
      let s = 0;
      if (logMode) {
        for (let k = 0, p = base; k < n; k++, p += inner) s += Math.exp(x[p]! - m);
        const lse = m + Math.log(s);
        for (let k = 0, p = base; k < n; k++, p += inner) y[p] = x[p]! - lse;
        // A row of -inf has lse -inf; PyTorch gives NaN there too (−inf − (−inf)).
      } else {
        for (let k = 0, p = base; k < n; k++, p += inner) {
          const e = Math.exp(x[p]! - m);
          y[p] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let k = 0, p = base; k < n; k++, p += inner) y[p] = y[p]! * inv;
      }
    }
  }
}

export function softmax(x: Tensor, dim?: number): Tensor {
  checkTensor(x, 'softmax');
  const d = resolveDim(x, dim, 'softmax');
  const [outer, n, inner] = splitAt(x.shape, d);
  const y = new Tensor(takeStorage(x.data.length), x.shape);
  forwardKernel(x.data, y.data, outer, n, inner, false);
  return record(y, 'softmax', [x], (g) => [softmaxBackward(g, y, d)], [y]);
}

export function logSoftmax(x: Tensor, dim?: number): Tensor {
  checkTensor(x, 'logSoftmax');
  const d = resolveDim(x, dim, 'logSoftmax');
  const [outer, n, inner] = splitAt(x.shape, d);
  const y = new Tensor(takeStorage(x.data.length), x.shape);
  forwardKernel(x.data, y.data, outer, n, inner, true);
  return record(y, 'logSoftmax', [x], (g) => [logSoftmaxBackward(g, y, d)], [y]);
}

/** y ⊙ (g − Σ g⊙y) along `dim`, where y = softmax(x): one fused op. */
export function softmaxBackward(g: Tensor, y: Tensor, dim: number): Tensor {
  checkTensor(g, 'softmaxBackward', 'gradient'), checkTensor(y, 'softmaxBackward', 'output');
  const [outer, n, inner] = splitAt(y.shape, dim);
  const out = new Tensor(takeStorage(y.data.length), y.shape);
  const gd = g.data;
  const yd = y.data;
  const od = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0, p = base; k < n; k++, p += inner) s += gd[p]! * yd[p]!;
      for (let k = 0, p = base; k < n; k++, p += inner) od[p] = yd[p]! * (gd[p]! - s);
    }
  }
  // The map g ↦ (diag y − y yᵀ) g is symmetric, so its adjoint is itself.
  return record(out, 'softmaxBackward', [g, y], (gg) => [
    g.requiresGrad ? softmaxBackward(gg, y, dim) : null,
    y.requiresGrad
      ? sub(mul(gg, sub(g, sum(mul(g, y), dim, { keepdim: true }))), mul(g, sum(mul(gg, y), dim, { keepdim: true })))
      : null,
  ]);
}

/** g − exp(y) · Σ g along `dim`, where y = logSoftmax(x): one fused op. */
export function logSoftmaxBackward(g: Tensor, y: Tensor, dim: number): Tensor {
  checkTensor(g, 'logSoftmaxBackward', 'gradient'), checkTensor(y, 'logSoftmaxBackward', 'output');
  const [outer, n, inner] = splitAt(y.shape, dim);
  const out = new Tensor(takeStorage(y.data.length), y.shape);
  const gd = g.data;
  const yd = y.data;
  const od = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0, p = base; k < n; k++, p += inner) s += gd[p]!;
      for (let k = 0, p = base; k < n; k++, p += inner) od[p] = gd[p]! - Math.exp(yd[p]!) * s;
    }
  }
  return record(out, 'logSoftmaxBackward', [g, y], (gg) => {
    const p = exp(y);
    return [
      g.requiresGrad ? sub(gg, sum(mul(gg, p), dim, { keepdim: true })) : null,
      y.requiresGrad ? neg(mul(mul(gg, p), sum(g, dim, { keepdim: true }))) : null,
    ];
  });
}
