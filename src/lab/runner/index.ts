/** The runner: spec → data, model, optimizer, probe → run record (portable; files in ../node/). */
export { runSpec, probeOptionsOf } from './run.js';
export type { RunProgress, RunResult, RunMetric, RunCheckpoint, Checkpoint, RunContext } from './types.js';
export { resolveLoss, makeLoss, makeOptimizer, makeScheduler, clipGradients, oneHot, type LossName, type LossFn } from './parts.js';
export { evaluate, accuracyOf, correctCount } from './evaluate.js';
export { BatchStream, type StreamPosition } from './batches.js';
