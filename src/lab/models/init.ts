/**
 * The spec's weight and bias inits, applied to every weight layer of a built model: Linear and
 * Conv2d weights, and the input and recurrent weights of RNN/LSTM/GRU layers.
 *
 * Gains follow PyTorch's functions with the net's activation: kaiming* use fan_in and
 * `calculateGain(activation)` (√2 for ReLU, √(2/(1+0.01²)) for LeakyReLU, 5/3 for tanh, 1 for
 * sigmoid, 3/4 for SELU, 1 for identity; ELU, GELU and SiLU take ReLU's √2, the usual choice for
 * ReLU-like units, for which PyTorch has no gain); xavier* and orthogonal use `model.gain`
 * (default 1, PyTorch's default). 'default' leaves each layer's own PyTorch init.
 */
import { Conv2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
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
  calculateFanInAndFanOut,
  type Nonlinearity,
} from '../../nn/init.js';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ActivationName, BiasSpec, InitSpec, ModelSpec } from '../spec/schema.js';

/** The nonlinearity argument of kaiming* (and its slope) for an activation. */
export function kaimingNonlinearity(a: ActivationName): { nonlinearity: Nonlinearity; a: number } {
  switch (a) {
    case 'tanh':
      return { nonlinearity: 'tanh', a: 0 };
    case 'sigmoid':
      return { nonlinearity: 'sigmoid', a: 0 };
    case 'leakyRelu':
      return { nonlinearity: 'leaky_relu', a: 0.01 };
    case 'selu':
      return { nonlinearity: 'selu', a: 0 };
    case 'identity':
      return { nonlinearity: 'linear', a: 0 };
    default:
      return { nonlinearity: 'relu', a: 0 };
  }
}

export function initWeightTensor(w: Tensor, init: InitSpec, m: ModelSpec): void {
  if (typeof init === 'object') {
    if ('normal' in init) normal_(w, 0, init.normal);
    else if ('uniform' in init) uniform_(w, -init.uniform, init.uniform);
    else constant_(w, init.constant);
    return;
  }
  const gain = m.gain ?? 1;
  const k = kaimingNonlinearity(m.activation);
  switch (init) {
    case 'default':
      return;
    case 'xavierUniform':
      xavierUniform_(w, { gain });
      return;
    case 'xavierNormal':
      xavierNormal_(w, { gain });
      return;
    case 'kaimingUniform':
      kaimingUniform_(w, { mode: 'fan_in', ...k });
      return;
    case 'kaimingNormal':
      kaimingNormal_(w, { mode: 'fan_in', ...k });
      return;
    case 'orthogonal':
      orthogonal_(w, { gain });
  }
}

/**
 * 'default': a layer whose weight keeps PyTorch's init keeps its bias init too; with another
 * weight init, biases start at zero (what nn.mlp does, and the usual practice). 'pytorch': always
 * U(±1/√fan_in).
 */
export function initBiasTensor(b: Tensor, bias: BiasSpec, init: InitSpec, fanIn: number): void {
  if (typeof bias === 'object') {
    if ('normal' in bias) normal_(b, 0, bias.normal);
    else if ('uniform' in bias) uniform_(b, -bias.uniform, bias.uniform);
    else constant_(b, bias.constant);
    return;
  }
  if (bias === 'zeros' || (bias === 'default' && init !== 'default')) zeros_(b);
  else if (bias === 'pytorch' && init !== 'default') {
    const k = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(b, -k, k);
  }
}

/**
 * Apply `m.init` / `m.bias` to every weight layer, in module order (so the draws from the global
 * generator are the same on every build of the same spec).
 */
export function applyInit(model: Module, m: ModelSpec): void {
  if (m.init === 'default' && (m.bias === 'default' || m.bias === 'pytorch')) return;
  for (const mod of model.modules()) {
    if (mod instanceof Linear || mod instanceof Conv2d) {
      initWeightTensor(mod.weight, m.init, m);
      if (mod.bias) initBiasTensor(mod.bias, m.bias, m.init, calculateFanInAndFanOut(mod.weight).fanIn);
      continue;
    }
    const own = [...mod._ownParameters()];
    if (!own.some(([k]) => k.startsWith('weight_ih'))) continue;
    // recurrent layers (RNN, LSTM, GRU): PyTorch initialises all of them U(±1/√hidden)
    const hidden = (mod as unknown as { hiddenSize: number }).hiddenSize;
    for (const [k, p] of own) {
      if (k.startsWith('weight_')) initWeightTensor(p, m.init, m);
      else if (k.startsWith('bias_')) {
        if (typeof m.bias === 'object' || m.bias === 'zeros' || m.init !== 'default') initBiasTensor(p, m.bias === 'pytorch' ? 'pytorch' : m.bias, m.init, hidden);
      }
    }
  }
}
