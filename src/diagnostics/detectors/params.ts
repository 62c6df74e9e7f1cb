/**
 * Findings about parameters: broken symmetry (units with identical incoming weights, as a
 * constant initialization makes them: they compute the same thing, get the same gradient and
 * stay identical forever) and the update-to-weight ratio ‖Δw‖/‖w‖ of the optimizer steps
 * (around 1e-3 is the classic healthy value; far above, the learning rate is too high; far
 * below, too low).
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { lastRecords, median, networkContext, round } from './series.js';
import type { RawFinding } from './types.js';

export function detectSymmetry(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.symmetry;
  if (!th) return [];
  const r = lastRecords(records, 1, (x) => x.params.some((p) => p.duplicateRows !== undefined))[0];
  if (!r) return [];
  const bad = r.params.filter((p) => (p.duplicateRows ?? 0) >= th.share);
  if (bad.length === 0) return [];
  const distinct = bad.map((p) => Math.round(p.shape[0]! * (1 - p.duplicateRows!)));
  return [{
    id: 'broken-symmetry',
    severity: distinct.some((d) => d <= 1) ? 'critical' : 'warning',
    layers: [...new Set(bad.map((p) => p.layer))],
    step: r.step,
    evidence: {
      parameters: bad.map((p) => p.name),
      duplicateShares: bad.map((p) => round(p.duplicateRows!)),
      distinctUnits: distinct,
      units: bad.map((p) => p.shape[0]!),
      ...networkContext(r),
    },
  }];
}

/**
 * A learning rate to try, or NaN when none can be given (no optimizer, lr 0). The ratio
 * ‖Δw‖/‖w‖ is proportional to the learning rate for SGD and Adam alike, so lr·target/ratio aims
 * at the healthy band; the step is bounded (÷3 to ÷1000 down, ×3 to ×1000 up) so that a ratio
 * made absurd by something else never turns into an absurd learning rate, and rounded to one
 * significant digit, as a person would write it.
 */
export function suggestLr(lr: number, ratio: number, dir: 'down' | 'up'): number {
  if (!(lr > 0) || !Number.isFinite(lr) || !(ratio > 0) || !Number.isFinite(ratio)) return NaN;
  const target = dir === 'down' ? 1e-2 : 1e-3;
  const f = dir === 'down' ? Math.min(1 / 3, Math.max(1e-3, target / ratio)) : Math.max(3, Math.min(1e3, target / ratio));
  const v = lr * f;
  const e = Math.floor(Math.log10(v));
  const d = Math.round(v / 10 ** e);
  return Number((d * 10 ** e).toPrecision(1));
}

export function detectUpdateRatio(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.updateRatio;
  if (!th) return [];
  const recs = lastRecords(records, o.window, (r) => r.params.some((p) => p.update !== null && p.shape.length >= 2));
  if (recs.length === 0) return [];
  const by = new Map<string, { layer: string; v: number[] }>();
  for (const r of recs)
    for (const p of r.params) {
      if (p.update === null || p.shape.length < 2 || !Number.isFinite(p.update)) continue;
      const e = by.get(p.name) ?? { layer: p.layer, v: [] };
      e.v.push(p.update);
      by.set(p.name, e);
    }
  const per = [...by.entries()].map(([name, e]) => ({ name, layer: e.layer, ratio: median(e.v) }));
  if (per.length === 0) return [];
  const overall = median(per.map((p) => p.ratio));
  const last = recs[recs.length - 1]!;
  const lr = last.lr.length > 0 ? last.lr[0]! : NaN;
  const ev = { medianRatio: round(overall), ratios: per.map((p) => round(p.ratio)), parameters: per.map((p) => p.name), lr, ...networkContext(last) };
  // The suggestion aims from the largest median ratio seen (the first steps, before large
  // updates inflate the weights and shrink the ratio), so that one change brings it into the band.
  let peak = overall;
  for (const r of records) {
    const v = r.params.filter((p) => p.update !== null && p.shape.length >= 2 && Number.isFinite(p.update)).map((p) => p.update!);
    if (v.length > 0) peak = Math.max(peak, median(v));
  }
  if (overall > th.high)
    return [{
      id: 'update-ratio-high',
      severity: overall > th.criticalHigh ? 'critical' : 'warning',
      layers: [...new Set(per.filter((p) => p.ratio > th.high).map((p) => p.layer))],
      step: last.step,
      evidence: { ...ev, threshold: th.high, suggestedLr: suggestLr(lr, peak, 'down'), peakRatio: round(peak) },
    }];
  if (overall < th.low && overall >= 0 && recs.some((r) => r.gradNormClipped !== null && r.gradNormClipped > 0))
    return [{
      id: 'update-ratio-low',
      severity: 'warning',
      layers: [...new Set(per.map((p) => p.layer))],
      step: last.step,
      evidence: { ...ev, threshold: th.low, suggestedLr: suggestLr(lr, overall, 'up') },
    }];
  return [];
}
