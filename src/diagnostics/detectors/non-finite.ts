/**
 * Non-finite loss, activations or weights: the first record where one appears, and where it
 * appeared first within that step, in causal order: the input of the first layer, then the
 * layers' outputs in forward order (the first one holding a NaN or ±Inf is where the trouble
 * started: everything after inherits it), then the loss, then the weights after the update.
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
    const badInput = layers.length > 0 && nonFiniteCount(layers[0]!.input) > 0 ? layers[0]! : undefined;
    const firstLayer = layers.find((l) => nonFiniteCount(l.output) > 0);
    const badParams = r.params.filter((p) => p.nonFinite > 0);
    if (!lossBad && !firstLayer && !badInput && badParams.length === 0) continue;
    const source = badInput ? 'input' : firstLayer ? 'activations' : lossBad ? 'loss' : 'weights';
    const where = badInput?.name ?? firstLayer?.name ?? (lossBad ? undefined : badParams[0]!.layer);
    return [{
      id: 'non-finite',
      severity: 'critical',
      layers: where !== undefined ? [where] : [],
      step: r.step,
      evidence: {
        loss: r.loss ?? NaN,
        source,
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
