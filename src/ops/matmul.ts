import { takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, fmtShape } from '../tensor/errors.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { backend } from '../kernels/backend.js';
import { record } from '../autograd/node.js';
import { expandTo, checkTensor } from './util.js';
import { reshape } from './view.js';

/**
 * Batched op(A)·op(B) on 3-D contiguous tensors [batch, r, c] without materialising transposes.
 * A is [b, M, K] (or [b, K, M] when transA); B is [b, K, N] (or [b, N, K] when transB).
 * Its backward is expressed with itself, so it is differentiable to any order.
 */
export function bmmT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  checkTensor(a, 'bmmT'), checkTensor(b, 'bmmT');
  const [batch, ar, ac] = a.shape as [number, number, number];
  const [, br, bc] = b.shape as [number, number, number];
  const M = transA ? ac : ar;
  const K = transA ? ar : ac;
  const N = transB ? br : bc;
  const Kb = transB ? bc : br;
  if (K !== Kb || b.shape[0] !== batch)
    throw new ShapeError('matmul', `internal shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not fit`);
  // every element is written by the GEMM (K = 0 included), so recycled storage needs no zeroing
  const out = new Tensor(takeStorage(batch * M * N, false), [batch, M, N]);
  const be = backend();
  for (let i = 0; i < batch; i++)
    be.gemm(transA, transB, M, N, K, a.data, i * M * K, b.data, i * K * N, out.data, i * M * N, false);
  return record(out, 'matmul', [a, b], (g) => [
    a.requiresGrad ? (transA ? bmmT(b, g, transB, true) : bmmT(g, b, false, !transB)) : null,
    b.requiresGrad ? (transB ? bmmT(g, a, true, transA) : bmmT(a, g, !transA, false)) : null,
  ]);
}

/** `x · wᵀ` for x [..., in] and w [out, in], the heart of Linear; no transpose is materialised. */
export function matmulNT(x: Tensor, w: Tensor): Tensor {
  checkTensor(x, 'matmulNT'), checkTensor(w, 'matmulNT', 'weight');
  const inF = x.shape[x.ndim - 1]!;
  const rows = x.data.length / Math.max(inF, 1);
  const y = bmmT(reshape(x, [1, rows, inF]), reshape(w, [1, w.shape[0]!, w.shape[1]!]), false, true);
  return reshape(y, [...x.shape.slice(0, -1), w.shape[0]!]);
}

/** Matrix product with NumPy/PyTorch semantics: 1-D operands, batching and batch broadcasting. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'first argument');
  checkTensor(b, 'matmul', 'second argument');
  if (a.ndim === 0 || b.ndim === 0)
    throw new ShapeError('matmul', `both arguments need at least 1 dimension, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use mul() for scalars`);
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const M = a2.shape[a2.ndim - 2]!;
  const K = a2.shape[a2.ndim - 1]!;
  const Kb = b2.shape[b2.ndim - 2]!;
  const N = b2.shape[b2.ndim - 1]!;
  if (K !== Kb)
    throw new ShapeError(
      'matmul',
      `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${K} != ${Kb}); ` +
        `the last dim of the first must equal the ${b.ndim === 1 ? 'only' : 'second-to-last'} dim of the second`,
    );
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const nb = batch.reduce((x, y) => x * y, 1);
  const ea = batchA.length === batch.length && batchA.every((d, i) => d === batch[i]) ? a2 : expandTo(a2, [...batch, M, K]);
  const eb = batchB.length === batch.length && batchB.every((d, i) => d === batch[i]) ? b2 : expandTo(b2, [...batch, K, N]);
  const y = bmmT(reshape(ea, [nb, M, K]), reshape(eb, [nb, K, N]), false, false);
  const outShape = [...batch];
  if (a.ndim > 1) outShape.push(M);
  if (b.ndim > 1) outShape.push(N);
  return reshape(y, outShape);
}

/** 2-D matrix product (PyTorch: `mm`); shapes must be [n,m] and [m,p]. */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'mm', 'first argument');
  checkTensor(b, 'mm', 'second argument');
  if (a.ndim !== 2 || b.ndim !== 2)
    throw new ShapeError('mm', `expects 2-D matrices, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use matmul() for other ranks`);
  return matmul(a, b);
}

/** Batched product of [b,n,m] and [b,m,p] (PyTorch: `bmm`). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'bmm', 'first argument');
  checkTensor(b, 'bmm', 'second argument');
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0])
    throw new ShapeError('bmm', `expects [b,n,m] and [b,m,p] with equal b, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}
