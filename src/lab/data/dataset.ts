import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { select } from '../../ops/indexing.js';

/**
 * PyTorch's `TensorDataset`: tensors that share their first dimension; sample i is the i-th row
 * of each. The tensors are kept as they are (no copy); the DataLoader gathers whole batches.
 */
export class TensorDataset {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset', 'needs at least one tensor, e.g. new TensorDataset(x, y)');
    for (const [i, t] of tensors.entries()) {
      if (!(t instanceof Tensor)) throw new ValueError('TensorDataset', `argument ${i + 1} is not a Tensor`);
      if (t.ndim === 0) throw new ShapeError('TensorDataset', `tensor ${i + 1} is 0-d; every tensor needs a first (sample) dimension`);
    }
    const n = tensors[0]!.shape[0]!;
    for (const [i, t] of tensors.entries())
      if (t.shape[0] !== n)
        throw new ShapeError(
          'TensorDataset',
          `size mismatch between tensors: tensor 1 has ${n} samples (shape ${fmtShape(tensors[0]!.shape)}) but tensor ${i + 1} has ${t.shape[0]} (shape ${fmtShape(t.shape)}); every tensor must have the same first dimension`,
        );
    this.tensors = Object.freeze([...tensors]);
    this.length = n;
  }

  /** Sample i: the i-th row of every tensor (negative i counts from the end, as in Python). */
  get(i: number): Tensor[] {
    if (!Number.isInteger(i) || i < -this.length || i >= this.length)
      throw new ValueError('TensorDataset.get', `index ${i} is out of range for a dataset of ${this.length} samples (valid 0..${this.length - 1})`);
    const k = i < 0 ? i + this.length : i;
    return this.tensors.map((t) => select(t, 0, k));
  }
}
