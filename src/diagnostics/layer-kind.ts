/**
 * What kind of layer a module is, from its class name (or an ancestor's, so subclasses of
 * `Linear` are still linear). Classifying by name keeps the doctor free of a hard dependency on
 * every layer class and lets user-defined layers opt in by name.
 */
import type { Module } from '../nn/module.js';
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

/** Kinds the probe watches by default: weight layers, norms and activations. */
export const DEFAULT_KINDS: readonly LayerKind[] = ['linear', 'conv', 'recurrent', 'norm', 'tanh', 'sigmoid', 'relu', 'activation'];

/** Layer kind of a module (walking up its class chain); 'other' when unknown. */
export function layerKind(m: Module): LayerKind {
  for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const k = TABLE[p.constructor?.name as string];
    if (k) return k;
  }
  return 'other';
}

/** Kinds whose weights map inputs to outputs (the "layers" of depth). */
export const WEIGHT_KINDS: readonly LayerKind[] = ['linear', 'conv', 'recurrent'];
export const ACTIVATION_KINDS: readonly LayerKind[] = ['tanh', 'sigmoid', 'relu', 'activation'];
