/**
 * Saturated squashing units and dead ReLU units, per layer, as medians over the window.
 * A saturated tanh/sigmoid unit has derivative ≈ 0 (1 − 0.97² ≈ 0.06 for tanh), so the backward
 * pass multiplies the gradient through it by almost nothing; a dead ReLU unit passes no gradient
 * at all and, since its weights get no gradient, stays dead.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { lastRecords, median, networkContext, round } from './series.js';
import type { RawFinding } from './types.js';

function perLayer(records: readonly StepRecord[], field: 'saturation' | 'dead', window: number): { name: string; kind: string; index: number; value: number }[] {
  const recs = lastRecords(records, window, (r) => r.layers.some((l) => l[field] !== undefined));
  const by = new Map<string, { kind: string; index: number; values: number[] }>();
  for (const r of recs)
    for (const l of r.layers) {
      const v = l[field];
      if (v === undefined) continue;
      const e = by.get(l.name) ?? { kind: l.kind, index: l.index, values: [] };
      e.values.push(v);
      by.set(l.name, e);
    }
  return [...by.entries()].map(([name, e]) => ({ name, kind: e.kind, index: e.index, value: median(e.values) })).sort((a, b) => a.index - b.index);
}

export function detectSaturation(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.saturation;
  if (!th || records.length === 0) return [];
  const layers = perLayer(records, 'saturation', o.window);
  const bad = layers.filter((l) => l.value > th.share);
  if (bad.length === 0) return [];
  const worst = Math.max(...bad.map((l) => l.value));
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
      ...networkContext(records[records.length - 1]!),
      activation: bad[0]!.kind,
    },
  }];
}

export function detectDeadUnits(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.deadUnits;
  if (!th || records.length === 0) return [];
  const layers = perLayer(records, 'dead', o.window);
  const bad = layers.filter((l) => l.value > th.share);
  if (bad.length === 0) return [];
  const worst = Math.max(...bad.map((l) => l.value));
  return [{
    id: 'dead-units',
    severity: worst > th.critical ? 'critical' : 'warning',
    layers: bad.map((l) => l.name),
    step: records[records.length - 1]!.step,
    evidence: { worstShare: round(worst), shares: bad.map((l) => round(l.value)), threshold: th.share, ...networkContext(records[records.length - 1]!) },
  }];
}
