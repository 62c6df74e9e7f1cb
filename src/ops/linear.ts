import { takeStorage } from '../tensor/storage-pool.js';
import { ShapeError, fmtShape } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { backend } from '../kernels/backend.js';
import { record } from '../autograd/node.js';
import { bmmT } from './matmul.js';
import { sum } from './reduce.js';
import { checkTensor } from './util.js';
import { reshape } from './view.js';

/**
 * y = input · weightᵀ + bias for input [..., in], weight [out, in], bias [out] (PyTorch:
 * `F.linear`). The bias is written into the output first and the GEMM accumulates onto it, so
 * the forward is a single pass; the backward is three recorded ops (two GEMMs and a sum), so it
 * stays differentiable.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(input, 'linear', 'input');
  checkTensor(weight, 'linear', 'weight');
  if (weight.ndim !== 2)
    throw new ShapeError('linear', `weight must be 2-D [out_features, in_features], got ${fmtShape(weight.shape)}`);
  if (input.ndim < 1) throw new ShapeError('linear', `input must have at least 1 dim [..., in_features], got a 0-d tensor`);
  const [outF, inF] = weight.shape as [number, number];
  const k = input.shape[input.ndim - 1]!;
  if (k !== inF)
    throw new ShapeError(
      'linear',
      `input has ${k} features, weight expects ${inF} (in_features); input ${fmtShape(input.shape)}, weight ${fmtShape(weight.shape)}`,
    );
  const b = bias ?? null;
  if (b !== null) {
    checkTensor(b, 'linear', 'bias');
    if (b.ndim !== 1 || b.shape[0] !== outF)
      throw new ShapeError('linear', `bias must have shape [${outF}] (out_features), got ${fmtShape(b.shape)}`);
  }
  const rows = k === 0 ? input.data.length : input.data.length / k;
  const outShape = [...input.shape.slice(0, -1), outF];
  // the bias or the GEMM writes every element, unless there is neither (in_features = 0, no bias)
  const out = new Tensor(takeStorage(rows * outF, b === null && inF === 0), outShape);
  const od = out.data;
  if (b !== null) for (let r = 0; r < rows; r++) od.set(b.data, r * outF);
  if (rows > 0 && outF > 0 && inF > 0) backend().gemm(false, true, rows, outF, inF, input.data, 0, weight.data, 0, od, 0, b !== null);
  const inputs = b !== null ? [input, weight, b] : [input, weight];
  return record(out, 'linear', inputs, (g) => {
    const g3 = reshape(g, [1, rows, outF]);
    return [
      input.requiresGrad ? reshape(bmmT(g3, reshape(weight, [1, outF, inF]), false, false), input.shape) : null,
      weight.requiresGrad ? reshape(bmmT(g3, reshape(input, [1, rows, inF]), true, false), weight.shape) : null,
      b !== null && b.requiresGrad ? sum(reshape(g, [rows, outF]), 0) : null,
    ];
  });
}
