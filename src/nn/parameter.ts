import { Tensor } from '../tensor/tensor.js';
import { persistentZeros } from '../kernels/backend.js';
import { checkShape } from '../tensor/shape.js';
import { ValueError } from '../tensor/errors.js';

/**
 * A tensor that is a module's learnable parameter: requiresGrad by default, found by
 * `Module.parameters()`. Wraps (shares) the storage of the tensor it is built from.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shapeOrRequiresGrad?: readonly number[] | boolean, requiresGrad = true) {
    if (!(data instanceof Tensor) && !(data instanceof Float32Array))
      throw new ValueError('Parameter', `wraps a Tensor (or a Float32Array and a shape), got ${data === null ? 'null' : typeof data}`);
    if (data instanceof Tensor) {
      super(data.data, data.shape, typeof shapeOrRequiresGrad === 'boolean' ? shapeOrRequiresGrad : true, data);
    } else {
      super(data, (shapeOrRequiresGrad as readonly number[] | undefined) ?? [data.length], requiresGrad);
    }
  }

  /** PyTorch's repr: `Parameter containing:` over the tensor's. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * A zero-filled parameter for a layer's own weights, in the backend's persistent storage where it
 * has some (the wasm backend then reads it without copying at every forward, backward and step).
 */
export function zerosParameter(shape: readonly number[]): Parameter {
  checkShape(shape, 'zerosParameter');
  let n = 1;
  for (const d of shape) n *= d;
  return new Parameter(new Tensor(persistentZeros(n), shape));
}

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
