/** Experiment specs: schema, parsing with actionable errors, defaults, overrides and sweeps (docs/spec.md). */
export {
  specSchema,
  modelSchema,
  dataSchema,
  optimizerSchema,
  scheduleSchema,
  clipSchema,
  probeSchema,
  evalSchema,
  MODEL_TYPES,
  ACTIVATIONS,
  INIT_NAMES,
  BIAS_NAMES,
  NORMS,
  LOSSES,
  OPTIMIZERS,
  type Spec,
  type SpecInput,
  type ModelSpec,
  type OptimizerSpec,
  type ModelType,
  type ActivationName,
  type NormName,
  type InitSpec,
  type BiasSpec,
} from './schema.js';
export { SpecError, type SpecIssue } from './errors.js';
export { parseSpec, parseSpecText, checkSpec, setPath, setPaths, parseSetArg, specInput, getPath } from './parse.js';
export { expandSweep, showValue } from './sweep.js';
export { MODEL_DEFAULTS, OPTIMIZER_FIELDS, DEFAULT_STEPS } from './defaults.js';
export { closest, editDistance } from './suggest.js';
export { specJsonSchema } from './json-schema.js';
