import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/rng.js';
import { add, mul } from '../../ops/binary.js';
import { sigmoid, tanh } from '../../ops/unary.js';
import { linear } from '../../ops/linear.js';
import { chunk } from '../../ops/indexing.js';
import { reshape } from '../../ops/view.js';
import { checkOptions, isPlainObject, OptionsError } from '../../tensor/options.js';
import { ValueError } from '../../tensor/errors.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { checkSize } from './args.js';
import { pyBool } from './repr.js';
import { RECURRENT_KEYS, RecurrentBase, cellInputs, type RecurrentOptions, type RecurrentParameters } from './recurrent.js';

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997; PyTorch: `nn.LSTM`, `nn.LSTMCell`),
 * with PyTorch's gate order i, f, g, o in the stacked weights:
 *
 *     i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *     g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *     c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 *
 * The cell state c is carried by addition, so the gradient through time is scaled by the forget
 * gate rather than by a Jacobian of tanh: the lecture's remedy for vanishing through time.
 */
function lstmStep(xProj: Tensor, [h, c]: Tensor[], wHh: Tensor, bHh: Tensor | null): Tensor[] {
  const [gi, gf, gg, go] = chunk(add(xProj, linear(h!, wHh, bHh)), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = add(mul(sigmoid(gf), c!), mul(sigmoid(gi), tanh(gg)));
  return [mul(sigmoid(go), tanh(c2)), c2];
}

/** The initial state (h0, c0) of an LSTM: a pair, or omitted for zeros. */
export type LSTMState = readonly [Tensor | null | undefined, Tensor | null | undefined];

/** PyTorch's nn.LSTM options (proj_size is not supported). */
export type LSTMOptions = RecurrentOptions;

function stateArg(op: string, hx: unknown, n: number): (Tensor | null | undefined)[] {
  if (hx === undefined || hx === null) return new Array(n).fill(undefined);
  if (!Array.isArray(hx) || hx.length !== n)
    throw new ValueError(op, `the initial state must be ${n === 2 ? 'a pair [h0, c0]' : 'a Tensor h0'} (or omitted for zeros), got ${isPlainObject(hx) ? 'an object' : typeof hx}`);
  return hx as (Tensor | null | undefined)[];
}

/**
 * A multi-layer LSTM; `forward(input, [h0, c0]?)` returns `[output, [hN, cN]]` with output
 * [T, N, dirs·H] ([N, T, dirs·H] with batchFirst) and hN, cN [layers·dirs, N, H].
 */
export class LSTM extends RecurrentBase {
  static override readonly typeName = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, checkOptions('LSTM', opts, RECURRENT_KEYS));
  }

  forward(input: Tensor, hx?: LSTMState | null): [Tensor, [Tensor, Tensor]] {
    const [out, [hN, cN]] = this.run(input, stateArg('LSTM', hx, 2), ['h0', 'c0'], lstmStep);
    return [out, [hN!, cN!]];
  }
}
// PyTorch's parameter names, typed (weight_ih_l0, weight_hh_l1_reverse, …).
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface LSTM extends RecurrentParameters {}

/** One LSTM step (PyTorch: `nn.LSTMCell`): `forward(input, [h, c]?)` returns `[h', c']`. */
export class LSTMCell extends Module {
  static override readonly typeName = 'LSTMCell';
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean; generator?: Generator } = {}) {
    super();
    opts = checkOptions('LSTMCell', opts, ['bias', 'generator']);
    checkSize('LSTMCell', 'inputSize', inputSize);
    checkSize('LSTMCell', 'hiddenSize', hiddenSize);
    if (opts.bias !== undefined && typeof opts.bias !== 'boolean') throw new OptionsError('LSTMCell', `bias must be true or false, got ${String(opts.bias)}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.weight_ih = new Parameter(zeros([4 * hiddenSize, inputSize]));
    this.weight_hh = new Parameter(zeros([4 * hiddenSize, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? new Parameter(zeros([4 * hiddenSize])) : null;
    this.bias_hh = bias ? new Parameter(zeros([4 * hiddenSize])) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator });
  }

  /** input [N, inputSize] or [inputSize]; hx = [h, c], each [N, H] or [H] (zeros when omitted). */
  forward(input: Tensor, hx?: LSTMState | null): [Tensor, Tensor] {
    const [x, [h, c], unbatched] = cellInputs('LSTMCell', this.inputSize, this.hiddenSize, input, stateArg('LSTMCell', hx, 2), ['h', 'c']);
    const [h2, c2] = lstmStep(linear(x, this.weight_ih, this.bias_ih), [h!, c!], this.weight_hh, this.bias_hh);
    return unbatched ? [reshape(h2!, [this.hiddenSize]), reshape(c2!, [this.hiddenSize])] : [h2!, c2!];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : `, bias=${pyBool(false)}`}`;
  }
}

