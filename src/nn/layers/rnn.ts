import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/rng.js';
import { add } from '../../ops/binary.js';
import { relu, tanh } from '../../ops/unary.js';
import { linear } from '../../ops/linear.js';
import { cat, select, stack } from '../../ops/indexing.js';
import { permute, reshape } from '../../ops/view.js';
import { dropout as dropoutOp } from '../../ops/dropout.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { checkSize } from './args.js';
import { pyBool, pyNum } from './repr.js';
import { RECURRENT_KEYS, type RecurrentParameters } from './recurrent.js';
import { checkOptions } from '../../tensor/options.js';

/**
 * Elman RNNs (PyTorch: `nn.RNN`, `nn.RNNCell`): h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
 * with act tanh or relu. The time loop is unrolled on the tape, so backward is backpropagation
 * through time. Parameters carry PyTorch's snake_case names (`weight_ih_l0`, `bias_hh_l1_reverse`,
 * …) so state dicts interoperate; all are initialised U(±1/√hiddenSize).
 */
export type RNNNonlinearity = 'tanh' | 'relu';

function checkNonlinearity(op: string, nl: unknown): RNNNonlinearity {
  if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(op, `unknown nonlinearity '${String(nl)}'; use 'tanh' or 'relu'`);
  return nl;
}

/** One step: act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh); `xProj` is the already projected input. */
function step(xProj: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null, nl: RNNNonlinearity): Tensor {
  const pre = add(xProj, linear(h, wHh, bHh));
  return nl === 'tanh' ? tanh(pre) : relu(pre);
}

export interface RNNOptions {
  numLayers?: number;
  nonlinearity?: RNNNonlinearity;
  bias?: boolean;
  /** Input and output as [N, T, F] instead of [T, N, F] (h0/hN stay [layers·dirs, N, H]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last (training only). */
  dropout?: number;
  bidirectional?: boolean;
  generator?: Generator;
}

/** A multi-layer Elman RNN; `forward(input, h0?)` returns `[output, hN]`. */
export class RNN extends Module {
  static override readonly typeName = 'RNN';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly nonlinearity: RNNNonlinearity;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Generator of the inter-layer dropout masks. */
  generator: Generator | undefined;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super();
    opts = checkOptions('RNN', opts, [...RECURRENT_KEYS, 'nonlinearity']);
    checkSize('RNN', 'inputSize', inputSize);
    checkSize('RNN', 'hiddenSize', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    checkSize('RNN', 'numLayers', this.numLayers);
    this.nonlinearity = checkNonlinearity('RNN', opts.nonlinearity ?? 'tanh');
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ValueError('RNN', `dropout must be a probability in [0, 1], got ${this.dropout}`);
    this.bidirectional = opts.bidirectional ?? false;
    this.generator = opts.generator;
    const dirs = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inF = l === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(zeros([hiddenSize, inF])));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(zeros([hiddenSize, hiddenSize])));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(zeros([hiddenSize])));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(zeros([hiddenSize])));
        }
      }
    this.resetParameters(opts.generator);
  }

  /** Every parameter from U(±1/√hiddenSize). */
  resetParameters(generator?: Generator): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator });
  }

  /** The parameters of layer `l`, direction `d` (1 = reverse). */
  weightsOf(l: number, d = 0): { wIh: Parameter; wHh: Parameter; bIh: Parameter | null; bHh: Parameter | null } {
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    const self = this as unknown as Record<string, Parameter | undefined>;
    return { wIh: self[`weight_ih${sfx}`]!, wHh: self[`weight_hh${sfx}`]!, bIh: self[`bias_ih${sfx}`] ?? null, bHh: self[`bias_hh${sfx}`] ?? null };
  }

  /**
   * input [T, N, inputSize] ([N, T, inputSize] with batchFirst, or unbatched [T, inputSize]);
   * h0 [numLayers·dirs, N, hiddenSize] (zeros when omitted). Returns [output [T, N, dirs·H], hN].
   */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const dirs = this.bidirectional ? 2 : 1;
    const LD = this.numLayers * dirs;
    const H = this.hiddenSize;
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new ShapeError('RNN', `expected 2D (unbatched) or 3D input, got input of shape ${fmtShape(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new ShapeError('RNN', `input has ${input.shape[input.ndim - 1]} features, expected inputSize=${this.inputSize} (input ${fmtShape(input.shape)})`);
    const unbatched = input.ndim === 2;
    let x = unbatched ? reshape(input, [input.shape[0]!, 1, this.inputSize]) : this.batchFirst ? permute(input, [1, 0, 2]) : input;
    const [T, N] = x.shape as [number, number, number];
    let h: Tensor;
    if (h0 === undefined || h0 === null) h = zeros([LD, N, H]);
    else {
      const want = unbatched ? [LD, H] : [LD, N, H];
      if (h0.ndim !== want.length || h0.shape.some((s, i) => s !== want[i]))
        throw new ShapeError('RNN', `h0 must have shape ${fmtShape(want)} (numLayers·directions, batch, hiddenSize), got ${fmtShape(h0.shape)}`);
      h = unbatched ? reshape(h0, [LD, 1, H]) : h0;
    }
    const finals: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const { wIh, wHh, bIh, bHh } = this.weightsOf(l, d);
        const proj = linear(x, wIh, bIh);
        let hs = select(h, 0, l * dirs + d);
        const seq: Tensor[] = new Array<Tensor>(T);
        for (let k = 0; k < T; k++) {
          const t = d === 0 ? k : T - 1 - k;
          hs = step(select(proj, 0, t), hs, wHh, bHh, this.nonlinearity);
          seq[t] = hs;
        }
        finals.push(hs);
        outs.push(T > 0 ? stack(seq, 0) : zeros([0, N, H]));
      }
      x = dirs === 2 ? cat(outs, 2) : outs[0]!;
      if (l < this.numLayers - 1 && this.dropout > 0 && this.training)
        x = dropoutOp(x, { p: this.dropout, training: true, generator: this.generator });
    }
    let hN = stack(finals, 0);
    let out = x;
    if (unbatched) {
      out = reshape(out, [T, dirs * H]);
      hN = reshape(hN, [LD, H]);
    } else if (this.batchFirst) out = permute(out, [1, 0, 2]);
    return [out, hN];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.nonlinearity !== 'tanh') s += `, nonlinearity=${this.nonlinearity}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pyNum(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(true)}`;
    return s;
  }
}

// PyTorch's parameter names, typed (weight_ih_l0, weight_hh_l1_reverse, …): `nn.init.orthogonal_(rnn.weight_hh_l0)`.
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RNN extends RecurrentParameters {}

/** A single Elman step h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (PyTorch: `nn.RNNCell`). */
export class RNNCell extends Module {
  static override readonly typeName = 'RNNCell';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly nonlinearity: RNNNonlinearity;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean; nonlinearity?: RNNNonlinearity; generator?: Generator } = {}) {
    super();
    opts = checkOptions('RNNCell', opts, ['bias', 'nonlinearity', 'generator']);
    checkSize('RNNCell', 'inputSize', inputSize);
    checkSize('RNNCell', 'hiddenSize', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.nonlinearity = checkNonlinearity('RNNCell', opts.nonlinearity ?? 'tanh');
    this.weight_ih = new Parameter(zeros([hiddenSize, inputSize]));
    this.weight_hh = new Parameter(zeros([hiddenSize, hiddenSize]));
    const bias = opts.bias ?? true;
    this.bias_ih = bias ? new Parameter(zeros([hiddenSize])) : null;
    this.bias_hh = bias ? new Parameter(zeros([hiddenSize])) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator });
  }

  /** input [N, inputSize] or [inputSize]; hx [N, hiddenSize] or [hiddenSize] (zeros when omitted). */
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize)
      throw new ShapeError('RNNCell', `expected input [N, ${this.inputSize}] or [${this.inputSize}], got ${fmtShape(input.shape)}`);
    const want = input.ndim === 2 ? [input.shape[0]!, this.hiddenSize] : [this.hiddenSize];
    const h = hx ?? zeros(want);
    if (h.ndim !== want.length || h.shape.some((s, i) => s !== want[i]))
      throw new ShapeError('RNNCell', `hx must have shape ${fmtShape(want)}, got ${fmtShape(h.shape)}`);
    return step(linear(input, this.weight_ih, this.bias_ih), h, this.weight_hh, this.bias_hh, this.nonlinearity);
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias_ih) s += `, bias=${pyBool(false)}`;
    if (this.nonlinearity !== 'tanh') s += `, nonlinearity=${this.nonlinearity}`;
    return s;
  }
}
