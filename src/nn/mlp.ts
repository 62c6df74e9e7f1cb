import { ValueError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/rng.js';
import { Module } from './module.js';
import {
  constant_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  orthogonal_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from './init.js';
import { Linear } from './layers/linear.js';
import { ELU, GELU, LeakyReLU, ReLU, SELU, SiLU, Sigmoid, Tanh } from './layers/activation.js';
import { Identity } from './layers/linear.js';
import { BatchNorm1d, LayerNorm } from './layers/normalization.js';
import { Dropout } from './layers/dropout.js';
import { Sequential } from './layers/container.js';
import { Residual } from './residual.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export type ActivationName = 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'selu' | 'silu' | 'sigmoid' | 'identity';

/** How to initialise the Linear weights; `layerIndex` counts the Linear layers from 0. */
export type WeightInit =
  | 'default'
  | 'xavierUniform'
  | 'xavierNormal'
  | 'kaimingUniform'
  | 'kaimingNormal'
  | 'orthogonal'
  | { normal: number }
  | { uniform: number }
  | { constant: number }
  | ((weight: Tensor, layerIndex: number) => void);

export type BiasInit = 'default' | 'zeros' | { normal: number } | { uniform: number } | { constant: number } | ((bias: Tensor, layerIndex: number) => void);

export interface MlpOptions {
  inFeatures: number;
  /** Widths of the hidden layers, e.g. [4096, 4096, 4096, 4096, 4096, 4096]. */
  hidden: readonly number[];
  outFeatures: number;
  /** Nonlinearity after each hidden layer (default 'tanh'), or a factory making a new Module per layer. */
  activation?: ActivationName | (() => Module);
  /** Normalization between each hidden Linear and its activation (default 'none'). */
  norm?: 'none' | 'batch' | 'layer';
  /** Wrap each hidden layer whose width equals its input's in a residual block x + f(x). */
  residual?: boolean;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** Linear layers learn a bias (default true). */
  bias?: boolean;
  /**
   * Weight init of every Linear (output layer included). 'default' keeps PyTorch's U(±1/√fan_in);
   * the Kaiming ones use PyTorch's defaults (fan_in, gain √2; slope 0.01 for leakyRelu); Xavier and
   * orthogonal use gain 1; `{ normal: std }` draws N(0, std²), `{ uniform: b }` U(−b, b).
   */
  init?: WeightInit;
  /** Bias init; default: PyTorch's with init 'default', zeros with any other init. */
  initBias?: BiasInit;
  generator?: Generator;
}

const ACTIVATIONS: Record<ActivationName, () => Module> = {
  tanh: () => new Tanh(),
  relu: () => new ReLU(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  gelu: () => new GELU(),
  selu: () => new SELU(),
  silu: () => new SiLU(),
  sigmoid: () => new Sigmoid(),
  identity: () => new Identity(),
};

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError('mlp', `${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Apply a weight-init spec to one weight matrix. */
export function initWeight(w: Tensor, spec: WeightInit, layerIndex: number, activation: string, generator?: Generator): void {
  const g = { generator };
  if (typeof spec === 'function') return void spec(w, layerIndex);
  if (typeof spec === 'object' && spec !== null) {
    if ('normal' in spec) return void normal_(w, 0, spec.normal, g);
    if ('uniform' in spec) return void uniform_(w, -spec.uniform, spec.uniform, g);
    if ('constant' in spec) return void constant_(w, spec.constant);
  }
  const a = activation === 'leakyRelu' ? 0.01 : 0;
  switch (spec) {
    case 'default':
      return;
    case 'xavierUniform':
      return void xavierUniform_(w, g);
    case 'xavierNormal':
      return void xavierNormal_(w, g);
    case 'kaimingUniform':
      return void kaimingUniform_(w, { a, ...g });
    case 'kaimingNormal':
      return void kaimingNormal_(w, { a, ...g });
    case 'orthogonal':
      return void orthogonal_(w, g);
  }
  throw new ValueError(
    'mlp',
    `unknown init ${JSON.stringify(spec)}; use 'default', 'xavierUniform', 'xavierNormal', 'kaimingUniform', 'kaimingNormal', ` +
      `'orthogonal', { normal: std }, { uniform: bound }, { constant: value } or a function (weight, layerIndex) => void`,
  );
}

function initBiasOf(b: Tensor, spec: BiasInit, layerIndex: number, generator?: Generator): void {
  if (typeof spec === 'function') return void spec(b, layerIndex);
  if (spec === 'default') return;
  if (spec === 'zeros') return void zeros_(b);
  if (typeof spec === 'object' && spec !== null) {
    if ('normal' in spec) return void normal_(b, 0, spec.normal, { generator });
    if ('uniform' in spec) return void uniform_(b, -spec.uniform, spec.uniform, { generator });
    if ('constant' in spec) return void constant_(b, spec.constant);
  }
  throw new ValueError('mlp', `unknown initBias ${JSON.stringify(spec)}; use 'default', 'zeros', { normal }, { uniform }, { constant } or a function`);
}

const MLP_KEYS = optionKeys<MlpOptions>({
  inFeatures: true, hidden: true, outFeatures: true, activation: true, norm: true, residual: true, dropout: true, bias: true,
  init: true, initBias: true, generator: true,
});

/**
 * A multilayer perceptron as a `Sequential`: for each hidden width, Linear → [norm] → activation →
 * [dropout] (wrapped in a `Residual` when `residual` and the width is unchanged), then a final
 * Linear to `outFeatures`. The Linear layers are found with `linearLayers(model)`.
 *
 * @example the lecture's deep tanh net: mlp({ inFeatures: 784, hidden: Array(6).fill(4096),
 *   outFeatures: 10, activation: 'tanh', init: { normal: 0.01 } })
 */
export function mlp(opts: MlpOptions): Sequential {
  if (typeof opts !== 'object' || opts === null) throw new ValueError('mlp', 'expects an options object { inFeatures, hidden, outFeatures, … }');
  checkOptions('mlp', opts, MLP_KEYS);
  const inFeatures = positiveInt(opts.inFeatures, 'inFeatures');
  const outFeatures = positiveInt(opts.outFeatures, 'outFeatures');
  if (!Array.isArray(opts.hidden)) throw new ValueError('mlp', `hidden must be an array of widths (possibly empty), got ${String(opts.hidden)}`);
  const hidden = opts.hidden.map((h, i) => positiveInt(h, `hidden[${i}]`));
  const act = opts.activation ?? 'tanh';
  const makeAct = typeof act === 'function' ? act : ACTIVATIONS[act];
  if (!makeAct)
    throw new ValueError('mlp', `unknown activation '${String(act)}'; use one of ${Object.keys(ACTIVATIONS).join(', ')} or a Module factory`);
  const norm = opts.norm ?? 'none';
  if (norm !== 'none' && norm !== 'batch' && norm !== 'layer') throw new ValueError('mlp', `norm must be 'none', 'batch' or 'layer', got '${String(norm)}'`);
  const p = opts.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new ValueError('mlp', `dropout must be in [0, 1), got ${p}`);
  const init = opts.init ?? 'default';
  const initBias = opts.initBias ?? (init === 'default' ? 'default' : 'zeros');
  const { generator } = opts;
  const bias = opts.bias ?? true;
  let layerIndex = 0;
  const linear = (i: number, o: number): Linear => {
    const l = new Linear(i, o, { bias, generator });
    initWeight(l.weight, init, layerIndex, typeof act === 'string' ? act : 'custom', generator);
    if (l.bias) initBiasOf(l.bias, initBias, layerIndex, generator);
    layerIndex++;
    return l;
  };
  const out = new Sequential();
  let prev = inFeatures;
  for (const h of hidden) {
    const block: Module[] = [linear(prev, h)];
    if (norm === 'batch') block.push(new BatchNorm1d(h));
    if (norm === 'layer') block.push(new LayerNorm(h));
    const a = makeAct();
    if (!(a instanceof Module)) throw new ValueError('mlp', 'the activation factory must return a new Module');
    block.push(a);
    if (p > 0) block.push(new Dropout(p, { generator }));
    if ((opts.residual ?? false) && h === prev) out.append(new Residual(new Sequential(...block)));
    else for (const m of block) out.append(m);
    prev = h;
  }
  out.append(linear(prev, outFeatures));
  return out;
}

/** The Linear layers of a model in forward order (e.g. to probe or re-initialise them). */
export function linearLayers(model: Module): Linear[] {
  if (!(model instanceof Module)) throw new ValueError('linearLayers', `expects a Module, got ${model === null ? 'null' : typeof model}`);
  return [...model.modules()].filter((m): m is Linear => m instanceof Linear);
}
