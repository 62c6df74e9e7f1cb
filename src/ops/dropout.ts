import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { defaultGenerator, type Generator } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { mul } from './binary.js';
import { checkTensor } from './util.js';
import { optionKeys, positionalOptions } from '../tensor/options.js';

/**
 * Inverted dropout (PyTorch: `F.dropout`, `F.dropout2d`): in training, each element (or each
 * channel) is zeroed with probability p and the survivors are scaled by 1/(1−p), so the expected
 * value is unchanged and evaluation is the identity. Masks come from `generator` (default: the
 * global one seeded by `manualSeed`), one uniform draw per element / channel in row-major order.
 */
export interface DropoutOptions {
  /** Probability of zeroing. Default 0.5. */
  p?: number;
  /** Apply dropout (true) or be the identity (false). Default true. */
  training?: boolean;
  generator?: Generator;
}

function checkP(p: unknown, op: string): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new ValueError(op, `dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

/** out = x ⊙ mask with a constant mask; the gradient is g ⊙ mask. */
function applyMask(x: Tensor, maskData: Float32Array, maskShape: readonly number[], name: string): Tensor {
  const m = new Tensor(maskData, maskShape);
  const out = new Tensor(new Float32Array(x.data.length), x.shape);
  const xd = x.data;
  const od = out.data;
  if (maskData.length === xd.length) {
    for (let i = 0; i < od.length; i++) od[i] = xd[i]! * maskData[i]!;
  } else {
    // channel mask: one value per leading [.., C] block of `inner` elements
    const inner = xd.length / Math.max(maskData.length, 1);
    for (let c = 0, i = 0; c < maskData.length; c++) {
      const v = maskData[c]!;
      for (let k = 0; k < inner; k++, i++) od[i] = xd[i]! * v;
    }
  }
  return record(out, name, [x], (g) => [mul(g, m)], []);
}

const DROPOUT_KEYS = optionKeys<DropoutOptions>({ p: true, training: true, generator: true });

/**
 * Zero each element with probability p and scale the rest by 1/(1−p) (PyTorch: `F.dropout`).
 * `dropout(x, { p, training, generator })`, or positionally as in PyTorch: `dropout(x, 0.2, false)`.
 */
export function dropout(x: Tensor, opts?: DropoutOptions): Tensor;
export function dropout(x: Tensor, p?: number, training?: boolean): Tensor;
export function dropout(x: Tensor, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<DropoutOptions>('dropout', rest, ['p', 'training'], DROPOUT_KEYS);
  checkTensor(x, 'dropout');
  const p = checkP(opts.p ?? 0.5, 'dropout');
  const training = opts.training ?? true;
  if (!training || p === 0 || x.data.length === 0) return x;
  const n = x.data.length;
  const mask = new Float32Array(n);
  if (p < 1) {
    const gen = opts.generator ?? defaultGenerator;
    const scale = 1 / (1 - p);
    for (let i = 0; i < n; i++) mask[i] = gen.random() < p ? 0 : scale;
  }
  return applyMask(x, mask, x.shape, 'dropout');
}

/**
 * Zero whole channels: input [N, C, H, W] (or unbatched [C, H, W]); one draw per (n, c).
 */
export function dropout2d(x: Tensor, opts?: DropoutOptions): Tensor;
export function dropout2d(x: Tensor, p?: number, training?: boolean): Tensor;
export function dropout2d(x: Tensor, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<DropoutOptions>('dropout2d', rest, ['p', 'training'], DROPOUT_KEYS);
  checkTensor(x, 'dropout2d');
  const p = checkP(opts.p ?? 0.5, 'dropout2d');
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new ShapeError('dropout2d', `expects a 4-D [N,C,H,W] or 3-D [C,H,W] input, got ${fmtShape(x.shape)}`);
  const training = opts.training ?? true;
  if (!training || p === 0 || x.data.length === 0) return x;
  const channels = x.ndim === 4 ? x.shape[0]! * x.shape[1]! : x.shape[0]!;
  const mask = new Float32Array(channels);
  if (p < 1) {
    const gen = opts.generator ?? defaultGenerator;
    const scale = 1 / (1 - p);
    for (let i = 0; i < channels; i++) mask[i] = gen.random() < p ? 0 : scale;
  }
  const maskShape = x.ndim === 4 ? [x.shape[0]!, x.shape[1]!, 1, 1] : [x.shape[0]!, 1, 1];
  return applyMask(x, mask, maskShape, 'dropout2d');
}
