/**
 * The setting shared by `normalization` and `wu-he-2018`: a 4-layer ReLU MLP (width 128) on
 * Fashion-MNIST, one epoch at each batch size, the learning rate scaled linearly with the batch
 * (0.02 per 8 samples, momentum 0.9: Goyal et al.'s rule, which Wu & He use too), so every batch
 * size sees the same samples the same number of times.
 */
import type { SpecInput } from '../spec/index.js';
import type { RunResult } from '../runner/index.js';
import { finalTestAccuracy } from './helpers.js';

export const LR_PER_SAMPLE = 0.0025;

export const batchNormBase: SpecInput = {
  seed: 0,
  model: { type: 'mlp', depth: 4, width: 128, activation: 'relu', norm: 'none', groups: 8 },
  data: { name: 'fashion-mnist', train: 6000, test: 1000 },
  optimizer: { type: 'momentum', lr: LR_PER_SAMPLE * 32 },
  batchSize: 32,
  epochs: 1,
  eval: { every: 1_000_000 },
  probe: { every: 100 },
};

export const batchNormQuick = { 'data.train': 800, 'data.test': 500 };

/** Overrides for one (norm, batch size) point. */
export function point(norm: string, batch: number): Record<string, unknown> {
  return { 'model.norm': norm, batchSize: batch, 'optimizer.lr': LR_PER_SAMPLE * batch };
}

/** Test error (1 − accuracy) at the end of a run; 1 when it never evaluated or failed. */
export function testError(run: RunResult | undefined): number {
  const a = run ? finalTestAccuracy(run) : null;
  return a === null ? 1 : 1 - a;
}
