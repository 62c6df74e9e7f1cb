import { AutogradError } from '../tensor/errors.js';
import { Tensor, type TensorHook } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { ValueError } from '../tensor/errors.js';

/** A typed error, not a TypeError on `undefined.requiresGrad`, when a non-tensor is passed. */
function tensorArg(x: unknown, op: string): void {
  if (!(x instanceof Tensor))
    throw new ValueError(op, `expects a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** A new tensor sharing storage, cut from the tape (PyTorch: `detach()`). */
export function detach(x: Tensor): Tensor {
  tensorArg(x, 'detach');
  return new Tensor(x.data, x.shape, false, x);
}

/** Set requiresGrad on a leaf, in place (PyTorch: `requires_grad_()`). */
export function requiresGrad_(x: Tensor, on = true): Tensor {
  tensorArg(x, 'requiresGrad_');
  if (typeof on !== 'boolean') throw new ValueError('requiresGrad_', `expects true or false, got ${typeof on}`);
  if (!x.isLeaf && !on)
    throw new AutogradError(
      'requiresGrad_',
      'you can only change requiresGrad of leaf tensors; use detach() to get a tensor without a gradient',
    );
  x.requiresGrad = on;
  return x;
}

/** Keep `.grad` for a non-leaf tensor after backward (PyTorch: `retain_grad()`). */
export function retainGrad(x: Tensor): Tensor {
  tensorArg(x, 'retainGrad');
  if (!x.requiresGrad)
    throw new AutogradError('retainGrad', "can't retain the gradient of a tensor that does not require grad");
  if (!x.isLeaf) x._retainsGrad = true;
  return x;
}

/**
 * Register a hook called with the gradient of `x` during backward, before it flows further. The
 * hook can read it, or return a tensor of the same shape to replace it. Returns a handle whose
 * `remove()` unregisters it (PyTorch: `register_hook`).
 */
export function registerHook(x: Tensor, hook: TensorHook): { remove(): void } {
  tensorArg(x, 'registerHook');
  if (typeof hook !== 'function') throw new ValueError('registerHook', `expects a function (grad) => Tensor | undefined, got ${typeof hook}`);
  if (!x.requiresGrad)
    throw new AutogradError('registerHook', "cannot register a hook on a tensor that doesn't require gradient");
  (x._hooks ??= []).push(hook);
  return {
    remove(): void {
      const i = x._hooks?.indexOf(hook) ?? -1;
      if (i >= 0) x._hooks!.splice(i, 1);
    },
  };
}

/**
 * Guard of every in-place op: a leaf that requires grad, or a tensor on the tape, may only be
 * modified in place with recording off (inside noGrad), as in PyTorch.
 */
export function checkInplace(x: Tensor, op: string): void {
  if (isGradEnabled() && x.requiresGrad)
    throw new AutogradError(
      op,
      x.isLeaf
        ? 'a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad(() => …)'
        : 'in-place modification of a tensor recorded on the tape would corrupt its gradient; use the out-of-place op',
    );
  x._version++;
}
