/**
 * The experiment spec's schema (zod 4). Every object is strict (an unknown key is an error, so a
 * typo never silently falls back to a default), every field but the data's `name` is optional,
 * and the defaults that do not depend on another field are filled here; the ones that do
 * (model sizes per model type, optimizer options per optimizer type, the loss from the data)
 * are filled by ./defaults.ts. docs/spec.md is the reference; schema/spec.schema.json is this
 * schema as JSON Schema (scripts/make-spec-schema.mjs), for editors.
 */
import { z } from 'zod';

export const MODEL_TYPES = ['mlp', 'cnn', 'resnet', 'plain', 'rnn', 'lstm', 'gru'] as const;
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'gelu', 'selu', 'silu', 'identity'] as const;
export const INIT_NAMES = ['default', 'xavierUniform', 'xavierNormal', 'kaimingUniform', 'kaimingNormal', 'orthogonal'] as const;
export const BIAS_NAMES = ['default', 'pytorch', 'zeros'] as const;
export const NORMS = ['none', 'batch', 'layer', 'instance', 'group'] as const;
export const LOSSES = ['auto', 'crossEntropy', 'mse', 'bce'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;

const posInt = () => z.int().min(1);
const nonNegInt = () => z.int().min(0);
const finite = () => z.number().refine(Number.isFinite, 'expected a finite number');

/** `{ normal: std }`, `{ uniform: bound }`, `{ constant: value }`. */
const normalInit = z.strictObject({ normal: z.number().min(0) });
const uniformInit = z.strictObject({ uniform: z.number().min(0) });
const constantInit = z.strictObject({ constant: finite() });

export const initSchema = z
  .union([z.enum(INIT_NAMES), normalInit, uniformInit, constantInit])
  .describe("weight init of every Linear/Conv/recurrent weight: a name, or { normal: std } | { uniform: bound } | { constant: value }");
export const biasSchema = z
  .union([z.enum(BIAS_NAMES), normalInit, uniformInit, constantInit])
  .describe("bias init: 'default' (PyTorch's U(±1/√fan_in) when init is 'default', else zeros), 'pytorch' (always U(±1/√fan_in)), 'zeros', or { normal } | { uniform } | { constant }");

export const modelSchema = z.strictObject({
  type: z.enum(MODEL_TYPES).default('mlp').describe('mlp | cnn | resnet | plain (resnet without skips) | rnn | lstm | gru'),
  depth: posInt().optional().describe('hidden layers (mlp), conv layers (cnn), weighted layers 6n+2 (resnet/plain), stacked layers (rnn/lstm/gru); default per type'),
  width: posInt().optional().describe('hidden units (mlp), channels (cnn), first-stage channels (resnet/plain), hidden size (rnn); default per type'),
  activation: z.enum(ACTIVATIONS).optional().describe('default tanh (mlp, rnn), relu (cnn, resnet, plain)'),
  init: initSchema.default('default'),
  gain: z.number().positive().optional().describe('gain of xavier*/orthogonal inits (default 1, as PyTorch); kaiming* use the gain of the activation'),
  bias: biasSchema.default('default'),
  norm: z.enum(NORMS).optional().describe("normalization after each hidden weight layer; default 'batch' for resnet/plain, else 'none'"),
  groups: posInt().default(8).describe("groups of norm 'group' (must divide the width)"),
  residual: z.boolean().default(false).describe('identity skip around each hidden layer whose shape is unchanged (mlp, cnn); resnet has them, plain not'),
  dropout: z.number().min(0).lt(1).default(0),
});

// Mirrors DataSpec of ../data/spec.ts (its loadData fills the defaults: DATA_DEFAULTS there).
const gaussianData = z.strictObject({
  name: z.literal('gaussian'),
  n: posInt().optional(),
  test: nonNegInt().optional(),
  features: posInt().optional(),
  classes: posInt().optional(),
  std: z.number().positive().optional(),
  labels: z.enum(['teacher', 'random']).optional().describe('labels from a fixed random teacher net (learnable) or random'),
});
const pointData = z.strictObject({
  name: z.enum(['spirals', 'moons']),
  n: posInt().optional(),
  test: nonNegInt().optional(),
  noise: z.number().min(0).optional(),
  classes: posInt().optional(),
});
const blobData = z.strictObject({
  name: z.literal('blobs'),
  n: posInt().optional(),
  test: nonNegInt().optional(),
  noise: z.number().min(0).optional(),
  classes: posInt().optional(),
  features: posInt().optional(),
});
const sequenceData = z.strictObject({
  name: z.literal('sequence'),
  n: posInt().optional(),
  test: nonNegInt().optional(),
  length: posInt().optional(),
  task: z.enum(['adding', 'adding-class']).optional().describe("Hochreiter's adding problem: regression, or its two-class variant"),
});
const imageData = z.strictObject({
  name: z.enum(['mnist', 'fashion-mnist']),
  train: posInt().optional(),
  test: nonNegInt().optional(),
});
export const DATA_NAMES = ['gaussian', 'spirals', 'moons', 'blobs', 'sequence', 'mnist', 'fashion-mnist'] as const;
export const dataSchema = z.discriminatedUnion('name', [gaussianData, pointData, blobData, sequenceData, imageData]);

export const optimizerSchema = z.strictObject({
  type: z.enum(OPTIMIZERS).default('sgd'),
  lr: z.number().min(0).default(0.01),
  momentum: z.number().min(0).optional().describe('sgd 0, momentum 0.9, rmsprop 0'),
  nesterov: z.boolean().optional(),
  dampening: z.number().min(0).optional(),
  weightDecay: z.number().min(0).optional().describe('0, but 0.01 for adamw (PyTorch)'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional().describe('adam/adamw, default [0.9, 0.999]'),
  eps: z.number().min(0).optional().describe('adam/adamw 1e-8, rmsprop 1e-8, adagrad 1e-10'),
  alpha: z.number().min(0).optional().describe('rmsprop smoothing constant, default 0.99'),
  amsgrad: z.boolean().optional(),
});

export const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('step'), stepSize: posInt(), gamma: z.number().positive().default(0.1) }),
  z.strictObject({ type: z.literal('cosine'), tMax: posInt().optional().describe('default: the number of steps'), etaMin: z.number().min(0).default(0) }),
  z.strictObject({ type: z.literal('exponential'), gamma: z.number().positive() }),
]);

export const clipSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('norm'), maxNorm: z.number().positive(), normType: z.union([z.number().positive(), z.literal('inf')]).default(2) }),
  z.strictObject({ type: z.literal('value'), clipValue: z.number().positive() }),
]);

export const evalSchema = z.strictObject({
  every: posInt().default(50).describe('evaluate on the test set every k steps (and after the last)'),
  batchSize: posInt().default(500),
  maxSamples: posInt().optional().describe('evaluate on at most this many test samples (default all)'),
});

export const probeSchema = z.strictObject({
  every: posInt().default(10),
  histogramBins: nonNegInt().default(32),
  histogramRange: z.union([z.literal('adaptive'), z.tuple([finite(), finite()])]).default('adaptive'),
  quantiles: z.union([z.array(z.number().min(0).max(1)), z.literal(false)]).optional().describe('levels in [0, 1], or false; default 1, 5, 25, 50, 75, 95, 99 %'),
  jacobian: z.union([z.boolean(), z.strictObject({ every: posInt().optional(), samples: posInt().optional(), batch: posInt().optional() })]).default(true),
  grads: z.boolean().default(true),
  seed: nonNegInt().default(0),
});

export const specSchema = z.strictObject({
  $schema: z.string().optional().describe('the JSON Schema of specs, for editors (schema/spec.schema.json); ignored'),
  name: z.string().min(1).default('run').describe('free text id; also the run directory name'),
  description: z.string().optional(),
  seed: nonNegInt().default(0).describe('manualSeed(seed) before the model is built: init, dropout'),
  dataSeed: nonNegInt().optional().describe('seed of the data generator (synthetic samples, shuffling); default seed + 1'),
  model: modelSchema.prefault({}),
  data: dataSchema.prefault({ name: 'gaussian' }),
  loss: z.enum(LOSSES).default('auto').describe('auto: crossEntropy for classes, mse for regression; bce: sigmoid outputs with binary cross-entropy on one-hot targets (Nielsen)'),
  optimizer: optimizerSchema.prefault({}),
  schedule: scheduleSchema.nullable().default(null),
  clip: clipSchema.nullable().default(null),
  batchSize: posInt().default(64),
  steps: posInt().optional().describe('optimizer steps (default 200); or give epochs'),
  epochs: posInt().optional(),
  shuffle: z.boolean().default(true),
  dropLast: z.boolean().default(true),
  eval: evalSchema.nullable().prefault({}).describe('null: no evaluation'),
  probe: probeSchema.prefault({}),
  stopOnNonFinite: z.boolean().default(true).describe('stop (status failed) at the first non-finite loss, or keep going'),
  sweep: z.record(z.string(), z.array(z.unknown()).min(1)).optional().describe('grid over dotted fields: { "model.depth": [10, 20] }'),
});

export type SpecInput = z.input<typeof specSchema>;
export type SpecParsed = z.output<typeof specSchema>;
type Parsed = SpecParsed;
export type DataSpecIn = z.output<typeof dataSchema>;
export type ModelType = (typeof MODEL_TYPES)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type NormName = (typeof NORMS)[number];
export type InitSpec = z.output<typeof initSchema>;
export type BiasSpec = z.output<typeof biasSchema>;

/** The model part with every per-type default filled. */
export type ModelSpec = Omit<Parsed['model'], 'depth' | 'width' | 'activation' | 'norm'> & {
  depth: number;
  width: number;
  activation: ActivationName;
  norm: NormName;
};
/** The optimizer part with the defaults of its type filled (see OPTIMIZER_FIELDS in defaults.ts). */
export type OptimizerSpec = Parsed['optimizer'] & { weightDecay: number };

/** A parsed spec: every default filled (steps is set unless epochs is). */
export type Spec = Omit<Parsed, 'model' | 'optimizer'> & { model: ModelSpec; optimizer: OptimizerSpec };
