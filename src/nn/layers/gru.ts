import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/rng.js';
import { add, mul, sub } from '../../ops/binary.js';
import { sigmoid, tanh } from '../../ops/unary.js';
import { linear } from '../../ops/linear.js';
import { chunk } from '../../ops/indexing.js';
import { reshape } from '../../ops/view.js';
import { checkOptions, OptionsError } from '../../tensor/options.js';
import { ShapeError } from '../../tensor/errors.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { checkSize } from './args.js';
import { pyBool } from './repr.js';
import { RECURRENT_KEYS, RecurrentBase, cellInputs, type RecurrentOptions, type RecurrentParameters } from './recurrent.js';

/**
 * Gated recurrent unit (Cho et al. 2014; PyTorch: `nn.GRU`, `nn.GRUCell`), with PyTorch's gate
 * order r, z, n in the stacked weights and its placement of the reset gate (on W_hn h + b_hn):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *     h' = (1 − z) ⊙ n + z ⊙ h
 */
function gruStep(xProj: Tensor, [h]: Tensor[], wHh: Tensor, bHh: Tensor | null): Tensor[] {
  const [xr, xz, xn] = chunk(xProj, 3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = chunk(linear(h!, wHh, bHh), 3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  // (1 − z)·n + z·h = n + z·(h − n)
  return [add(n, mul(z, sub(h!, n)))];
}

export type GRUOptions = RecurrentOptions;

function hArg(op: string, hx: unknown): (Tensor | null | undefined)[] {
  if (Array.isArray(hx)) throw new ShapeError(op, `the initial state is one Tensor h0 (a GRU has no cell state), got an array of ${hx.length}`);
  return [hx as Tensor | null | undefined];
}

/**
 * A multi-layer GRU; `forward(input, h0?)` returns `[output, hN]` with output [T, N, dirs·H]
 * ([N, T, dirs·H] with batchFirst) and hN [layers·dirs, N, H].
 */
export class GRU extends RecurrentBase {
  static override readonly typeName = 'GRU';
  constructor(inputSize: number, hiddenSize: number, opts: GRUOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, checkOptions('GRU', opts, RECURRENT_KEYS));
  }

  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [out, [hN]] = this.run(input, hArg('GRU', h0), ['h0'], gruStep);
    return [out, hN!];
  }
}
// PyTorch's parameter names, typed (weight_ih_l0, weight_hh_l1_reverse, …).
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface GRU extends RecurrentParameters {}

/** One GRU step (PyTorch: `nn.GRUCell`): `forward(input, h?)` returns h'. */
export class GRUCell extends Module {
  static override readonly typeName = 'GRUCell';
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean; generator?: Generator } = {}) {
    super();
    opts = checkOptions('GRUCell', opts, ['bias', 'generator']);
    checkSize('GRUCell', 'inputSize', inputSize);
    checkSize('GRUCell', 'hiddenSize', hiddenSize);
    if (opts.bias !== undefined && typeof opts.bias !== 'boolean') throw new OptionsError('GRUCell', `bias must be true or false, got ${String(opts.bias)}`);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.weight_ih = new Parameter(zeros([3 * hiddenSize, inputSize]));
    this.weight_hh = new Parameter(zeros([3 * hiddenSize, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? new Parameter(zeros([3 * hiddenSize])) : null;
    this.bias_hh = bias ? new Parameter(zeros([3 * hiddenSize])) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator });
  }

  /** input [N, inputSize] or [inputSize]; hx [N, H] or [H] (zeros when omitted). */
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    if (Array.isArray(hx)) throw new ShapeError('GRUCell', `hx is one Tensor [N, ${this.hiddenSize}], got an array`);
    const [x, [h], unbatched] = cellInputs('GRUCell', this.inputSize, this.hiddenSize, input, [hx], ['hx']);
    const [h2] = gruStep(linear(x, this.weight_ih, this.bias_ih), [h!], this.weight_hh, this.bias_hh);
    return unbatched ? reshape(h2!, [this.hiddenSize]) : h2!;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : `, bias=${pyBool(false)}`}`;
  }
}
