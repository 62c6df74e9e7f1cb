/**
 * Non-finite loss, activations or weights: the first record where one appears, and the first
 * layer (in forward order) whose output holds a NaN or ±Inf — where the trouble started, since
 * everything after it inherits the value.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { networkContext, nonFiniteCount } from './series.js';
import type { RawFinding } from './types.js';

export function detectNonFinite(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  if (!o.nonFinite) return [];
  for (const r of records) {
    const lossBad = r.loss !== null && !Number.isFinite(r.loss);
    const layers = [...r.layers].sort((a, b) => a.index - b.index);
    const firstLayer = layers.find((l) => nonFiniteCount(l.output) > 0);
    const firstInput = layers.find((l) => nonFiniteCount(l.input) > 0);
    const badParams = r.params.filter((p) => p.nonFinite > 0);
    if (!lossBad && !firstLayer && badParams.length === 0) continue;
    const where = badParams.length > 0 ? badParams[0]!.layer : firstInput && firstInput.index <= (firstLayer?.index ?? Infinity) ? firstInput.name : firstLayer?.name;
    return [{
      id: 'non-finite',
      severity: 'critical',
      layers: where !== undefined ? [where] : [],
      step: r.step,
      evidence: {
        loss: r.loss ?? NaN,
        source: badParams.length > 0 ? 'weights' : firstInput && firstInput.index === layers[0]?.index && firstInput === firstLayer ? 'input' : firstLayer ? 'activations' : 'loss',
        parameters: badParams.map((p) => p.name),
        nonFiniteWeights: badParams.reduce((s, p) => s + p.nonFinite, 0),
        nonFiniteOutputs: firstLayer ? nonFiniteCount(firstLayer.output) : 0,
        gradNorm: r.gradNorm ?? NaN,
        lr: r.lr[0] ?? NaN,
        ...networkContext(r),
      },
    }];
  }
  return [];
}
