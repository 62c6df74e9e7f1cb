/** Test-set evaluation (model.eval(), no tape) and accuracy. */
import { noGrad } from '../../autograd/grad-mode.js';
import type { Module } from '../../nn/module.js';
import { Tensor } from '../../tensor/tensor.js';
import type { LossFn } from './parts.js';

/** Rows of `out` [N, C] whose largest entry is at the class index in `y` [N]. */
export function correctCount(out: Tensor, y: Tensor): number {
  const n = out.shape[0]!;
  const c = out.shape[1] ?? 1;
  const d = out.data;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (d[i * c + j]! > d[i * c + best]!) best = j;
    if (best === y.data[i]) hit++;
  }
  return hit;
}

/** Share of rows classified right. */
export function accuracyOf(out: Tensor, y: Tensor): number {
  const n = out.shape[0]!;
  return n > 0 ? correctCount(out, y) / n : NaN;
}

function rows(t: Tensor, start: number, end: number): Tensor {
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor(t.data.slice(start * row, end * row), [end - start, ...t.shape.slice(1)]);
}

/**
 * Mean loss (and accuracy with classes) over the first `maxSamples` test samples, in batches,
 * in eval mode under noGrad; the model's mode is restored after.
 */
export function evaluate(
  model: Module,
  test: { tensors: readonly Tensor[]; length: number },
  lossFn: LossFn,
  classification: boolean,
  opts: { batchSize: number; maxSamples?: number },
): { testLoss: number; testAccuracy?: number } {
  const [x, y] = test.tensors as [Tensor, Tensor];
  const n = Math.min(test.length, opts.maxSamples ?? Infinity);
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let hits = 0;
  try {
    noGrad(() => {
      for (let s = 0; s < n; s += opts.batchSize) {
        const e = Math.min(n, s + opts.batchSize);
        const yb = rows(y, s, e);
        const out = model.forward(rows(x, s, e)) as Tensor;
        lossSum += lossFn(out, yb).item() * (e - s);
        if (classification) hits += correctCount(out, yb);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return classification ? { testLoss: lossSum / n, testAccuracy: hits / n } : { testLoss: lossSum / n };
}
