import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor that is a module's learnable parameter: requiresGrad by default, found by
 * `Module.parameters()`. Wraps (shares) the storage of the tensor it is built from.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shapeOrRequiresGrad?: readonly number[] | boolean, requiresGrad = true) {
    if (data instanceof Tensor) {
      super(data.data, data.shape, typeof shapeOrRequiresGrad === 'boolean' ? shapeOrRequiresGrad : true);
    } else {
      super(data, (shapeOrRequiresGrad as readonly number[] | undefined) ?? [data.length], requiresGrad);
    }
  }
}

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
