import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import type { Generator } from '../../tensor/rng.js';
import { linear } from '../../ops/linear.js';
import { cat, select, stack } from '../../ops/indexing.js';
import { permute, reshape } from '../../ops/view.js';
import { dropout as dropoutOp } from '../../ops/dropout.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { checkSize } from './args.js';
import { pyBool, pyNum } from './repr.js';
import { Generator as GeneratorClass } from '../../tensor/rng.js';

/**
 * What LSTM and GRU share (PyTorch's `RNNBase`): stacked layers, both directions, inter-layer
 * dropout, batch-first and unbatched inputs, and parameters named as in PyTorch —
 * `weight_ih_l{k}` [gates·H, in], `weight_hh_l{k}` [gates·H, H], `bias_ih_l{k}`, `bias_hh_l{k}`
 * [gates·H], with `_reverse` for the backward direction — all drawn from U(±1/√hiddenSize). The
 * input projection of a whole sequence is one matmul; the time loop is unrolled on the tape, so
 * backward is backpropagation through time.
 */
export interface RecurrentOptions {
  /** Stacked layers; default 1. */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh; default true. */
  bias?: boolean;
  /** Input and output as [N, T, F] instead of [T, N, F] (the states stay [layers·dirs, N, H]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last (training only); default 0. */
  dropout?: number;
  /** Run a second layer backwards in time and concatenate its outputs; default false. */
  bidirectional?: boolean;
  /** Generator for the initial weights and the dropout masks. */
  generator?: Generator;
}

export const RECURRENT_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'generator'] as const;

/** One step of a cell: (projected input [N, G·H], states [N, H] each, weights) → new states (the first is the output). */
export type CellStep = (xProj: Tensor, states: Tensor[], wHh: Tensor, bHh: Tensor | null) => Tensor[];

export interface LayerWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

/** The PyTorch-named parameters, typed: `weight_ih_l0`, `weight_hh_l1_reverse`, … (biases absent with `bias: false`). */
export interface RecurrentParameters {
  [name: `weight_ih_l${number}`]: Parameter;
  [name: `weight_hh_l${number}`]: Parameter;
  [name: `bias_ih_l${number}`]: Parameter;
  [name: `bias_hh_l${number}`]: Parameter;
  [name: `weight_ih_l${number}_reverse`]: Parameter;
  [name: `weight_hh_l${number}_reverse`]: Parameter;
  [name: `bias_ih_l${number}_reverse`]: Parameter;
  [name: `bias_hh_l${number}_reverse`]: Parameter;
}

export abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Generator of the inter-layer dropout masks. */
  generator: Generator | undefined;
  /** @internal the module's name in messages. */
  protected readonly op: string;

  constructor(op: string, gates: number, inputSize: number, hiddenSize: number, opts: RecurrentOptions) {
    super();
    this.op = op;
    Object.defineProperty(this, 'op', { enumerable: false });
    checkSize(op, 'inputSize', inputSize);
    checkSize(op, 'hiddenSize', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    checkSize(op, 'numLayers', this.numLayers);
    this.bias = flag(op, 'bias', opts.bias, true);
    this.batchFirst = flag(op, 'batchFirst', opts.batchFirst, false);
    this.bidirectional = flag(op, 'bidirectional', opts.bidirectional, false);
    this.dropout = opts.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1))
      throw new ValueError(op, `dropout must be a probability in [0, 1], got ${String(this.dropout)}`);
    this.generator = opts.generator;
    const dirs = this.bidirectional ? 2 : 1;
    const G = gates * hiddenSize;
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < dirs; d++) {
        const sfx = suffix(l, d);
        const inF = l === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(zeros([G, inF])));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(zeros([G, hiddenSize])));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(zeros([G])));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(zeros([G])));
        }
      }
    this.resetParameters(opts.generator);
  }

  /** Every parameter from U(±1/√hiddenSize), as PyTorch's `reset_parameters`. */
  resetParameters(generator?: Generator): void {
    if (generator !== undefined && !(generator instanceof GeneratorClass))
      throw new ValueError(this.op, `resetParameters(generator?) expects a Generator, got ${generator === null ? 'null' : typeof generator}`);
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k, { generator });
  }

  /** The parameters of layer `l`, direction `d` (1 = reverse). */
  weightsOf(l: number, d = 0): LayerWeights {
    if (!Number.isInteger(l) || l < 0 || l >= this.numLayers || (d !== 0 && d !== (this.bidirectional ? 1 : 0)))
      throw new ValueError(this.op, `no layer ${String(l)} direction ${String(d)} (numLayers ${this.numLayers}, bidirectional ${this.bidirectional})`);
    const sfx = suffix(l, d);
    const self = this as unknown as Record<string, Parameter | undefined>;
    return { wIh: self[`weight_ih${sfx}`]!, wHh: self[`weight_hh${sfx}`]!, bIh: self[`bias_ih${sfx}`] ?? null, bHh: self[`bias_hh${sfx}`] ?? null };
  }

  /**
   * Run the stack: input [T, N, F] ([N, T, F] with batchFirst, or unbatched [T, F]); `init` the
   * initial states, each [layers·dirs, N, H] ([layers·dirs, H] unbatched) or null for zeros.
   * Returns the output [T, N, dirs·H] (same layout as the input) and the final states.
   */
  protected run(input: Tensor, init: (Tensor | null | undefined)[], names: string[], step: CellStep): [Tensor, Tensor[]] {
    const op = this.op;
    const dirs = this.bidirectional ? 2 : 1;
    const LD = this.numLayers * dirs;
    const H = this.hiddenSize;
    if (!input || typeof (input as Tensor).ndim !== 'number')
      throw new ValueError(op, `input must be a Tensor [T, N, ${this.inputSize}], got ${input === null ? 'null' : typeof input}`);
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new ShapeError(op, `expected 2D (unbatched) or 3D input, got input of shape ${fmtShape(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new ShapeError(op, `input has ${input.shape[input.ndim - 1]} features, expected inputSize=${this.inputSize} (input ${fmtShape(input.shape)})`);
    const unbatched = input.ndim === 2;
    let x = unbatched ? reshape(input, [input.shape[0]!, 1, this.inputSize]) : this.batchFirst ? permute(input, [1, 0, 2]) : input;
    const [T, N] = x.shape as [number, number, number];
    const states = init.map((s, i) => {
      if (s === undefined || s === null) return zeros([LD, N, H]);
      const want = unbatched ? [LD, H] : [LD, N, H];
      if (typeof (s as Tensor).ndim !== 'number' || s.ndim !== want.length || s.shape.some((v, j) => v !== want[j]))
        throw new ShapeError(op, `${names[i]} must have shape ${fmtShape(want)} (numLayers·directions, batch, hiddenSize), got ${s && s.shape ? fmtShape(s.shape) : typeof s}`);
      return unbatched ? reshape(s, [LD, 1, H]) : s;
    });
    const finals: Tensor[][] = init.map(() => []);
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const { wIh, wHh, bIh, bHh } = this.weightsOf(l, d);
        const proj = linear(x, wIh, bIh);
        let cur = states.map((s) => select(s, 0, l * dirs + d));
        const seq: Tensor[] = new Array<Tensor>(T);
        for (let k = 0; k < T; k++) {
          const t = d === 0 ? k : T - 1 - k;
          cur = step(select(proj, 0, t), cur, wHh, bHh);
          seq[t] = cur[0]!;
        }
        cur.forEach((s, i) => finals[i]!.push(s));
        outs.push(T > 0 ? stack(seq, 0) : zeros([0, N, H]));
      }
      x = dirs === 2 ? cat(outs, 2) : outs[0]!;
      if (l < this.numLayers - 1 && this.dropout > 0 && this.training)
        x = dropoutOp(x, { p: this.dropout, training: true, generator: this.generator });
    }
    let out = x;
    let last = finals.map((f) => stack(f, 0));
    if (unbatched) {
      out = reshape(out, [T, dirs * H]);
      last = last.map((s) => reshape(s, [LD, H]));
    } else if (this.batchFirst) out = permute(out, [1, 0, 2]);
    return [out, last];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pyNum(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(true)}`;
    return s;
  }
}

/** `_l{l}` or `_l{l}_reverse`. */
export function suffix(l: number, d: number): string {
  return `_l${l}${d === 1 ? '_reverse' : ''}`;
}

function flag(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError(op, `${name} must be true or false, got ${String(v)}`);
  return v;
}

/** A cell's [N, inputSize] / [inputSize] input and optional [N, H] / [H] states, checked; returns the batched forms. */
export function cellInputs(op: string, inputSize: number, H: number, input: Tensor, states: (Tensor | null | undefined)[], names: string[]): [Tensor, Tensor[], boolean] {
  if (!input || typeof (input as Tensor).ndim !== 'number')
    throw new ValueError(op, `input must be a Tensor [N, ${inputSize}], got ${input === null ? 'null' : typeof input}`);
  if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== inputSize)
    throw new ShapeError(op, `expected input [N, ${inputSize}] or [${inputSize}], got ${fmtShape(input.shape)}`);
  const unbatched = input.ndim === 1;
  const N = unbatched ? 1 : input.shape[0]!;
  const want = unbatched ? [H] : [N, H];
  const out = states.map((s, i) => {
    if (s === undefined || s === null) return zeros([N, H]);
    if (typeof (s as Tensor).ndim !== 'number' || s.ndim !== want.length || s.shape.some((v, j) => v !== want[j]))
      throw new ShapeError(op, `${names[i]} must have shape ${fmtShape(want)}, got ${s && s.shape ? fmtShape(s.shape) : typeof s}`);
    return unbatched ? reshape(s, [1, H]) : s;
  });
  return [unbatched ? reshape(input, [1, inputSize]) : input, out, unbatched];
}
