/**
 * Weight initialization (PyTorch: `torch.nn.init`), camelCased. Every initializer works in place
 * on `t.data` without recording on the tape (so it works on Parameters), and returns `t`.
 * Random initializers take `{ generator }`; without it they draw from `defaultGenerator`
 * (seed it with `manualSeed`).
 */
export { calculateGain, calculateFanInAndFanOut, calculateCorrectFan, type Nonlinearity, type FanMode } from './init/fans.js';
export { uniform_, normal_, constant_, ones_, zeros_, eye_, dirac_, type GeneratorOption } from './init/basic.js';
export {
  xavierUniform_,
  xavierNormal_,
  kaimingUniform_,
  kaimingNormal_,
  truncNormal_,
  type XavierOptions,
  type KaimingOptions,
  type TruncNormalOptions,
} from './init/scaled.js';
export { orthogonal_, sparse_, type OrthogonalOptions, type SparseOptions } from './init/orthogonal.js';
