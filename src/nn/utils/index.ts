/** Gradient clipping and parameter/vector conversion (PyTorch: `torch.nn.utils`). */
export {
  clipGradNorm_,
  clipGradValue_,
  clipGradsWithNorm_,
  getTotalNorm,
  type TensorOrTensors,
  type TotalNormOptions,
} from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
