/**
 * Saturated squashing units and dead ReLU units, per layer, as medians over the window.
 * A saturated tanh/sigmoid unit has derivative ≈ 0 (1 − 0.97² ≈ 0.06 for tanh), so the backward
 * pass multiplies the gradient through it by almost nothing; a dead ReLU unit passes no gradient
 * at all and, since its weights get no gradient, stays dead.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { canDie, depthLayers, lastRecords, median, networkContext, round } from './series.js';
import type { RawFinding } from './types.js';

function perLayer(
  records: readonly StepRecord[],
  field: 'saturation' | 'dead',
  window: number,
  keep: (l: StepRecord['layers'][number]) => boolean = () => true,
): { name: string; kind: string; index: number; value: number; preMean: number; preStd: number }[] {
  const recs = lastRecords(records, window, (r) => r.layers.some((l) => l[field] !== undefined));
  const by = new Map<string, { kind: string; index: number; values: number[]; mean: number[]; std: number[] }>();
  for (const r of recs)
    for (const l of r.layers) {
      const v = l[field];
      if (v === undefined || !keep(l)) continue;
      const e = by.get(l.name) ?? { kind: l.kind, index: l.index, values: [], mean: [], std: [] };
      e.values.push(v);
      if (l.input) {
        e.mean.push(l.input.mean);
        e.std.push(l.input.std);
      }
      by.set(l.name, e);
    }
  return [...by.entries()]
    .map(([name, e]) => ({ name, kind: e.kind, index: e.index, value: median(e.values), preMean: median(e.mean), preStd: median(e.std) }))
    .sort((a, b) => a.index - b.index);
}

export function detectSaturation(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.saturation;
  if (!th || records.length === 0) return [];
  const layers = perLayer(records, 'saturation', o.window);
  const bad = layers.filter((l) => l.value > th.share);
  if (bad.length === 0) return [];
  const worst = Math.max(...bad.map((l) => l.value));
  // The scale of the network's input, from the first weight layer: Var(x) = Var(out)/gain. Inputs
  // far from unit scale saturate the first layer whatever its init (Xavier assumes Var(x) ≈ 1).
  const first = depthLayers(records[0]!)[0];
  const inputScale = first?.output && first.gain! > 0 ? Math.sqrt(first.output.std ** 2 / first.gain!) : NaN;
  const firstAct = layers[0]?.name;
  return [{
    id: 'saturation',
    severity: worst > th.critical ? 'critical' : 'warning',
    layers: bad.map((l) => l.name),
    step: records[records.length - 1]!.step,
    evidence: {
      worstShare: round(worst),
      shares: bad.map((l) => round(l.value)),
      allShares: layers.map((l) => round(l.value)),
      threshold: th.share,
      inputScale: round(inputScale),
      firstLayerOnly: bad.length === 1 && bad[0]!.name === firstAct ? 'yes' : 'no',
      ...networkContext(records[records.length - 1]!),
      activation: bad[0]!.kind,
    },
  }];
}

export function detectDeadUnits(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.deadUnits;
  if (!th || records.length === 0) return [];
  // LeakyReLU, ELU, SELU… have a non-zero derivative (or output) on the negative side: their
  // units cannot die, whatever share of outputs is ≤ 0.
  const layers = perLayer(records, 'dead', o.window, canDie);
  const bad = layers.filter((l) => l.value > th.share);
  if (bad.length === 0) return [];
  const worst = Math.max(...bad.map((l) => l.value));
  return [{
    id: 'dead-units',
    severity: worst > th.critical ? 'critical' : 'warning',
    layers: bad.map((l) => l.name),
    step: records[records.length - 1]!.step,
    evidence: {
      worstShare: round(worst),
      shares: bad.map((l) => round(l.value)),
      threshold: th.share,
      // mean/std of the pre-activation: far below zero means the biases (or a shift) killed the units
      preActivationMean: round(median(bad.map((l) => l.preMean))),
      preActivationStd: round(median(bad.map((l) => l.preStd))),
      lr: records[records.length - 1]!.lr[0] ?? NaN,
      ...networkContext(records[records.length - 1]!),
    },
  }];
}
