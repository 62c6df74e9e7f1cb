import { ShapeError, ValueError, fmtShape } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { zeros } from '../../tensor/creation.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';
import { takeStorage } from '../../tensor/storage-pool.js';
import { record } from '../../autograd/node.js';
import { checkIndex } from '../../ops/indexing-gather.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normal_ } from '../init.js';
import { checkSize } from './args.js';
import { pyNum } from './repr.js';

/**
 * Lookup tables (PyTorch: `nn.Embedding`, `F.embedding`): row `i` of `weight` [num, dim] for
 * each index `i` of `input` (float32 whole numbers, any shape), giving [...input.shape, dim].
 * The gradient adds each output row's gradient into the row it came from (repeated indices
 * accumulate) — except the `paddingIdx` row, which never receives a gradient. With `maxNorm`, the
 * rows looked up are first renormalised in place to norm ≤ maxNorm (PyTorch's `embedding_renorm_`,
 * which bumps the weight's version counter).
 */
export interface EmbeddingFunctionalOptions {
  /** This row gets no gradient (and the layer initialises it to zeros). Negative counts from the end. */
  paddingIdx?: number | null;
  /** Renormalise looked-up rows whose normType-norm exceeds this, in place. */
  maxNorm?: number | null;
  /** Order of the norm for maxNorm; default 2. */
  normType?: number;
}

export interface EmbeddingOptions extends EmbeddingFunctionalOptions {
  /** Generator for the initial N(0, 1) weights. */
  generator?: Generator;
}

const F_KEYS = optionKeys<EmbeddingFunctionalOptions>({ paddingIdx: true, maxNorm: true, normType: true });
const KEYS = optionKeys<EmbeddingOptions>({ paddingIdx: true, maxNorm: true, normType: true, generator: true });

/** paddingIdx normalised into [0, num), or −1 for none. */
function paddingOf(op: string, p: unknown, num: number): number {
  if (p === undefined || p === null) return -1;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < -num || p >= num)
    throw new ValueError(op, `paddingIdx must be an integer in [${-num}, ${num - 1}] (within numEmbeddings), got ${String(p)}`);
  return p < 0 ? p + num : p;
}

function checkNorms(op: string, maxNorm: unknown, normType: unknown): void {
  if (maxNorm !== undefined && maxNorm !== null && (typeof maxNorm !== 'number' || !(maxNorm > 0)))
    throw new ValueError(op, `maxNorm must be a positive number, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new ValueError(op, `normType must be a positive number, got ${String(normType)}`);
}

/** Rows of `w` named in `idx` scaled in place to norm ≤ maxNorm (scale maxNorm / (norm + 1e-7), as PyTorch). */
function renorm(w: Tensor, idx: Int32Array, maxNorm: number, p: number): void {
  const D = w.shape[1]!;
  const seen = new Set<number>();
  let changed = false;
  for (const r of idx) {
    if (seen.has(r)) continue;
    seen.add(r);
    let acc = 0;
    for (let j = 0; j < D; j++) acc += p === Infinity ? 0 : Math.abs(w.data[r * D + j]!) ** p;
    let norm = acc ** (1 / p);
    if (p === Infinity) for (let j = 0; j < D; j++) norm = Math.max(norm, Math.abs(w.data[r * D + j]!));
    if (norm > maxNorm) {
      const s = maxNorm / (norm + 1e-7);
      for (let j = 0; j < D; j++) w.data[r * D + j] = w.data[r * D + j]! * s;
      changed = true;
    }
  }
  if (changed) w._version++;
}

function gatherRows(w: Tensor, idx: Int32Array, outShape: number[], pad: number): Tensor {
  const D = w.shape[1]!;
  const out = new Tensor(new Float32Array(idx.length * D), outShape);
  for (let i = 0; i < idx.length; i++) out.data.set(w.data.subarray(idx[i]! * D, idx[i]! * D + D), i * D);
  return record(out, 'embedding', [w], (g) => [scatterRows(g, idx, w.shape, pad)]);
}

function scatterRows(g: Tensor, idx: Int32Array, wShape: readonly number[], pad: number): Tensor {
  const D = wShape[1]!;
  const out = new Tensor(takeStorage(wShape[0]! * D), wShape);
  out.data.fill(0);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r === pad) continue;
    for (let j = 0; j < D; j++) out.data[r * D + j] += g.data[i * D + j]!;
  }
  // Linear in g, so its own backward is the lookup again (second-order gradients work).
  return record(out, 'embeddingBackward', [g], (gg) => [gatherRows(gg, idx, [...g.shape], -1)]);
}

/** Look up rows of `weight` [num, dim] (PyTorch: `F.embedding`). */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingFunctionalOptions = {}): Tensor {
  const op = 'embedding';
  opts = checkOptions(op, opts, F_KEYS);
  if (!(input instanceof Tensor)) throw new ValueError(op, `input must be a Tensor of indices, got ${input === null ? 'null' : typeof input}`);
  if (!(weight instanceof Tensor)) throw new ValueError(op, `weight must be a Tensor [numEmbeddings, embeddingDim], got ${weight === null ? 'null' : typeof weight}`);
  if (weight.ndim !== 2) throw new ShapeError(op, `weight must be 2-D [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`);
  const num = weight.shape[0]!;
  const pad = paddingOf(op, opts.paddingIdx, num);
  const normType = opts.normType ?? 2;
  checkNorms(op, opts.maxNorm, normType);
  const idx = checkIndex(op, input, num, 0);
  if (opts.maxNorm !== undefined && opts.maxNorm !== null) renorm(weight, idx, opts.maxNorm, normType);
  return gatherRows(weight, idx, [...input.shape, weight.shape[1]!], pad);
}

/** A table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1) (PyTorch: `nn.Embedding`). */
export class Embedding extends Module {
  static override readonly typeName = 'Embedding';
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** Normalised into [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    opts = checkOptions('Embedding', opts, KEYS);
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const pad = paddingOf('Embedding', opts.paddingIdx, numEmbeddings);
    this.paddingIdx = pad < 0 ? null : pad;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    checkNorms('Embedding', this.maxNorm, this.normType);
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim]));
    this.resetParameters(opts.generator);
  }

  /** N(0, 1), with the padding row zeroed (PyTorch's reset_parameters). */
  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, { generator });
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyNum(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyNum(this.normType)}`;
    return s;
  }
}
