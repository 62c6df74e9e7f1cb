/**
 * What kind of layer a module is, from its class's stable `typeName` (every library class
 * declares one, so a minified bundle that renames classes is still understood), walking up the
 * class chain so subclasses of `Linear` are still linear. User classes without a `typeName`
 * fall back to their constructor's name, so a user layer called `Tanh` is a tanh layer.
 *
 * Ops called as functions (`F.tanh(h)` inside a custom forward, the tanh inside `nn.RNN`) have a
 * kind too (`opKind`): the probe records them as layers of their own.
 */
import type { Module } from '../nn/module.js';
import { typeNameChain } from '../nn/module-type.js';
import type { LayerKind } from './record/types.js';

const TABLE: Record<string, LayerKind> = {};
const put = (kind: LayerKind, names: string): void => {
  for (const n of names.split(/\s+/)) if (n) TABLE[n] = kind;
};
put('linear', 'Linear Bilinear LazyLinear');
put('conv', 'Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d');
put('recurrent', 'RNN LSTM GRU RNNCell LSTMCell GRUCell');
put('norm', 'BatchNorm1d BatchNorm2d BatchNorm3d LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d InstanceNorm3d RMSNorm LocalResponseNorm');
put('tanh', 'Tanh');
put('sigmoid', 'Sigmoid');
put('relu', 'ReLU ReLU6 LeakyReLU PReLU RReLU ELU CELU SELU');
put('activation', 'GELU SiLU Mish Softplus Softsign Hardtanh Hardsigmoid Hardswish LogSigmoid Tanhshrink Softshrink Hardshrink Threshold');
put('dropout', 'Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout');
put('embedding', 'Embedding EmbeddingBag');

/** Kinds of ops (names as recorded on the tape) that are layers when called as functions. */
const OPS: Record<string, LayerKind> = {
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  leakyRelu: 'relu',
  elu: 'relu',
  selu: 'relu',
  celu: 'relu',
  hardtanh: 'activation',
  gelu: 'activation',
  silu: 'activation',
  mish: 'activation',
  softplus: 'activation',
  softsign: 'activation',
  hardsigmoid: 'activation',
  hardswish: 'activation',
  logSigmoid: 'activation',
  linear: 'linear',
  conv1d: 'conv',
  conv2d: 'conv',
};

/** Kinds the probe watches by default: weight layers, norms and activations. */
export const DEFAULT_KINDS: readonly LayerKind[] = ['linear', 'conv', 'recurrent', 'norm', 'tanh', 'sigmoid', 'relu', 'activation'];

/** Layer kind of a module (walking up its class chain); 'other' when unknown. */
export function layerKind(m: Module): LayerKind {
  for (const n of typeNameChain(m)) {
    const k = TABLE[n];
    if (k) return k;
  }
  return 'other';
}

/** Layer kind of an op called as a function, or null when the op is not a layer (add, reshape…). */
export function opKind(name: string): LayerKind | null {
  return Object.prototype.hasOwnProperty.call(OPS, name) ? OPS[name]! : null;
}

/** Kinds whose weights map inputs to outputs (the "layers" of depth). */
export const WEIGHT_KINDS: readonly LayerKind[] = ['linear', 'conv', 'recurrent'];
export const ACTIVATION_KINDS: readonly LayerKind[] = ['tanh', 'sigmoid', 'relu', 'activation'];
