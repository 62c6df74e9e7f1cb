export { backward, grad, type BackwardOptions, type GradOptions } from './engine.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { needsGrad, Node, type BackwardRule } from './node.js';
import { record as recordOp, type BackwardRule, type Node } from './node.js';
import { Tensor } from '../tensor/tensor.js';
import { ValueError } from '../tensor/errors.js';

/**
 * Put an op on the tape (for ops defined outside the library): `out` gets a gradFn whose `rule`
 * maps the gradient of `out` to one gradient per input (null where none is needed). The rule may
 * keep the gradient it is given; write it with tensor ops to keep it differentiable.
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], rule: BackwardRule): Tensor {
  if (!(out instanceof Tensor) || typeof name !== 'string' || !Array.isArray(inputs) || !inputs.every((x) => x instanceof Tensor) || typeof rule !== 'function')
    throw new ValueError('record', 'expects record(out: Tensor, name: string, inputs: Tensor[], rule: (gradOut) => grads[])');
  recordOp(out, name, inputs, rule);
  if (out.gradFn !== null) (out.gradFn as Node).pure = false;
  return out;
}
export { detach, requiresGrad_, retainGrad, registerHook } from './tensor-autograd.js';
