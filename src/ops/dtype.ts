import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './util.js';

/**
 * PyTorch's dtype casts in a float32 library. Every tensor is float32, so `float()` is the
 * identity (PyTorch also returns the tensor itself when it already has the dtype), and `long()`
 * does what a cast to int64 does to the values — truncation toward zero — while the storage stays
 * float32 (exact for whole numbers up to 2^24). Like PyTorch's integer tensors, the result of
 * `long()` is a constant: it does not require grad and no gradient flows through it.
 */
export function float(x: Tensor): Tensor {
  return checkTensor(x, 'float');
}

/** Truncate toward zero (PyTorch: `x.long()`), keeping float32 storage; NaN and ±∞ stay as they are. */
export function long(x: Tensor): Tensor {
  checkTensor(x, 'long');
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.trunc(x.data[i]!) + 0; // + 0 turns −0 into 0, as an int64 would
  return new Tensor(out, x.shape);
}
