export { Linear, Identity, Flatten, Unflatten, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dOptions, type Conv2dPadding } from './conv.js';
export type { Pair } from './args.js';
export type { PaddingMode } from './pad.js';
export {
  ReLU,
  Tanh,
  Sigmoid,
  LeakyReLU,
  ELU,
  GELU,
  SELU,
  SiLU,
  Softplus,
  Softmax,
  LogSoftmax,
  Hardtanh,
  ReLU6,
  Mish,
  Hardsigmoid,
  Hardswish,
  CELU,
  LogSigmoid,
  Softsign,
} from './activation.js';
export {
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  type MaxPool2dOptions,
  type AvgPool2dOptions,
} from './pooling.js';
export { Dropout } from './dropout.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  InstanceNorm1d,
  InstanceNorm2d,
  LayerNorm,
  GroupNorm,
  type NormOptions,
  type LayerNormOptions,
} from './normalization.js';
export {
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  BCEWithLogitsLoss,
  BCELoss,
  SmoothL1Loss,
  HuberLoss,
  type Reduction,
  type LossOptions,
  type CrossEntropyLossOptions,
  type NLLLossOptions,
  type BCEWithLogitsLossOptions,
} from './loss.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { RNN, RNNCell, type RNNOptions, type RNNNonlinearity } from './rnn.js';
export { LSTM, LSTMCell, type LSTMOptions, type LSTMState } from './lstm.js';
export { GRU, GRUCell, type GRUOptions } from './gru.js';
export type { RecurrentOptions, RecurrentParameters } from './recurrent.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
