/**
 * The functional API (PyTorch: `torch.nn.functional`, usually imported as `F`): stateless ops
 * that the layers of nn/ wrap. `import { F } from 'gradlab'; F.relu(x); F.crossEntropy(logits, y)`.
 */
export { relu, tanh, sigmoid } from '../ops/unary.js';
export {
  leakyRelu,
  elu,
  celu,
  selu,
  gelu,
  silu,
  mish,
  softplus,
  softsign,
  hardtanh,
  relu6,
  hardsigmoid,
  hardswish,
  logSigmoid,
  type GeluOptions,
  type SoftplusOptions,
} from '../ops/activations.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { linear } from '../ops/linear.js';
export { conv1d, conv2d, convTranspose2d } from '../ops/conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d } from '../ops/pool.js';
export { dropout, dropout2d } from '../ops/dropout.js';
export {
  crossEntropy,
  nllLoss,
  mseLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from '../ops/loss.js';
export { batchNorm, layerNorm, groupNorm, instanceNorm } from '../ops/norm.js';
export { pad2d, type PaddingMode } from './layers/pad.js';
export { embedding, type EmbeddingFunctionalOptions } from './layers/embedding.js';
