import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../../autograd/node.js';
import { asTensorList, type TensorOrTensors } from './clip-grad.js';

/** Elements [start, start+len) of a flat tensor as a tensor of `shape`, on the tape. */
function takeFlat(x: Tensor, start: number, shape: readonly number[]): Tensor {
  let len = 1;
  for (const s of shape) len *= s;
  const out = new Tensor(x.data.slice(start, start + len), shape);
  const total = x.data.length;
  const xShape = x.shape;
  return record(out, 'takeFlat', [x], (g) => [placeFlat(g, start, total, xShape)], []);
}

/** `g` flattened and written at offset `start` into zeros of `total` elements, reshaped to `shape`. */
function placeFlat(g: Tensor, start: number, total: number, shape: readonly number[]): Tensor {
  const d = new Float32Array(total);
  d.set(g.data, start);
  const out = new Tensor(d, shape);
  const gShape = g.shape;
  return record(out, 'placeFlat', [g], (gg) => [takeFlat(gg, start, gShape)], []);
}

/** Concatenate all values into one tensor, on the tape. */
function catFlat(list: readonly Tensor[]): Tensor {
  let total = 0;
  for (const p of list) total += p.data.length;
  const d = new Float32Array(total);
  const offsets: number[] = [];
  let off = 0;
  for (const p of list) {
    offsets.push(off);
    d.set(p.data, off);
    off += p.data.length;
  }
  const out = new Tensor(d, [total]);
  return record(out, 'parametersToVector', list, (g) => list.map((p, i) => (p.requiresGrad ? takeFlat(g, offsets[i]!, p.shape) : null)), []);
}

/**
 * All parameters flattened and concatenated into one 1-D tensor (PyTorch:
 * `nn.utils.parameters_to_vector`). The result is on the tape: gradients flow back to the parameters.
 */
export function parametersToVector(parameters: TensorOrTensors): Tensor {
  const list = asTensorList(parameters, 'parametersToVector');
  return catFlat(list);
}

/**
 * Copy consecutive slices of the 1-D tensor `vec` into the parameters, in order (PyTorch:
 * `nn.utils.vector_to_parameters`). Writes the values directly (no tape), so it works on
 * parameters that require grad.
 */
export function vectorToParameters(vec: Tensor, parameters: TensorOrTensors): void {
  if (!(vec instanceof Tensor))
    throw new ValueError('vectorToParameters', `expected a Tensor for vec, got ${vec === null ? 'null' : typeof vec}`);
  if (vec.ndim !== 1)
    throw new ShapeError('vectorToParameters', `vec must be 1-D (as made by parametersToVector), got shape ${fmtShape(vec.shape)}`);
  const list = asTensorList(parameters, 'vectorToParameters');
  let total = 0;
  for (const p of list) total += p.data.length;
  if (total !== vec.data.length)
    throw new ShapeError(
      'vectorToParameters',
      `vec has ${vec.data.length} elements but the ${list.length} parameters hold ${total} in total; ` +
        'build vec with parametersToVector of the same parameters',
    );
  let off = 0;
  for (const p of list) {
    p.data.set(vec.data.subarray(off, off + p.data.length));
    off += p.data.length;
    p._version++;
  }
}
