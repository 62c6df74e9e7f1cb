/**
 * Vanishing and exploding gradients. The backward pass multiplies one Jacobian per layer, so
 * the norm of ∂L/∂h_l (h_l: output of weight layer l) changes by a factor per layer; factors
 * below 1 compound into vanishing gradients near the input, above 1 into exploding ones.
 *
 * Per record: g_l = ‖∂L/∂h_l‖ at the weight layers in forward order; `ratio` = g_first/g_last;
 * `perLayerFactor` = median of g_l/g_{l+1} (robust to one odd layer). Both must cross their
 * thresholds (a single bottleneck layer moves the ratio but not the median factor; a short net
 * can have small factors without the compounding). Verdicts use medians over the window.
 * Exploding also fires on non-finite gradients and on the global gradient norm growing by more
 * than `growth` across the records. Growth through time is detectors/recurrent.ts's finding
 * (`exploding-through-time`), never this one: one cause, one finding.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { depthLayers, inflations, lastRecords, median, networkContext, nonFiniteCount, ratios, round } from './series.js';
import type { RawFinding } from './types.js';

interface Profile {
  step: number;
  names: string[];
  norms: number[];
  ratio: number;
  factor: number;
}

function profile(r: StepRecord): Profile | null {
  const ls = depthLayers(r).filter((l) => l.grad && Number.isFinite(l.grad.norm));
  if (ls.length < 2) return null;
  const raw = ls.map((l) => l.grad!.norm);
  if (raw.some((n) => !(n > 0))) return null;
  // Dropout between layers scales the gradient's squared norm by 1/(1−p) on the way back, as it
  // does the signal's mean square on the way forward: divide it out (see `inflations`).
  const infl = inflations(r, ls);
  const norms = raw.map((n, i) => n / Math.sqrt(infl.slice(i + 1).reduce((a, b) => a * b, 1)));
  const back = ratios(norms).map((x) => 1 / x); // g_l / g_{l+1}
  return { step: r.step, names: ls.map((l) => l.name), norms, ratio: norms[0]! / norms[norms.length - 1]!, factor: median(back) };
}

function gradientFinding(records: readonly StepRecord[], o: Resolved, dir: 'vanishing' | 'exploding'): RawFinding | null {
  const th = o[dir];
  if (!th) return null;
  const profs = lastRecords(records, o.window, (r) => profile(r) !== null).map((r) => profile(r)!);
  if (profs.length === 0) return null;
  const last = profs[profs.length - 1]!;
  if (last.norms.length < th.minDepth) return null;
  const ratio = median(profs.map((p) => p.ratio));
  const factor = median(profs.map((p) => p.factor));
  const fires = dir === 'vanishing' ? ratio < th.ratio && factor < th.perLayerFactor : ratio > th.ratio && factor > th.perLayerFactor;
  if (!fires) return null;
  const critical = dir === 'vanishing' ? ratio < th.critical : ratio > th.critical;
  return {
    id: dir === 'vanishing' ? 'vanishing-gradients' : 'exploding-gradients',
    severity: critical ? 'critical' : 'warning',
    layers: [last.names[0]!, last.names[last.names.length - 1]!],
    step: last.step,
    evidence: {
      kind: 'depth',
      ratio: round(ratio),
      perLayerFactor: round(factor),
      depth: last.norms.length,
      gradNorms: last.norms.map((x) => round(x)),
      threshold: th.ratio,
      lr: records[records.length - 1]!.lr[0] ?? NaN,
      ...networkContext(records[records.length - 1]!),
    },
  };
}

export function detectVanishing(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const f = gradientFinding(records, o, 'vanishing');
  return f ? [f] : [];
}

export function detectExploding(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.exploding;
  if (!th || records.length === 0) return [];
  const clipped = records.filter((r) => r.gradNorm !== null && r.gradNormClipped !== null && r.gradNormClipped < r.gradNorm * 0.999).length;
  const ctx = { ...networkContext(records[records.length - 1]!), clipped: clipped > 0 ? 'yes' : 'no', lr: records[records.length - 1]!.lr[0] ?? NaN };
  // 1. non-finite gradients: the first record that has them, and where the backward pass met them first
  for (const r of records) {
    const badParams = r.params.filter((p) => p.gradNonFinite > 0);
    const badLayers = [...r.layers].filter((l) => nonFiniteCount(l.grad) > 0).sort((a, b) => b.index - a.index);
    if (badParams.length === 0 && badLayers.length === 0) continue;
    const first = badLayers[0]?.name ?? badParams[badParams.length - 1]!.layer;
    return [{
      id: 'exploding-gradients',
      severity: 'critical',
      layers: [first],
      step: r.step,
      evidence: {
        kind: 'non-finite',
        nonFiniteGradients: badParams.reduce((s, p) => s + p.gradNonFinite, 0),
        parameters: badParams.map((p) => p.name),
        gradNorm: r.gradNorm ?? NaN,
        ...ctx,
      },
    }];
  }
  // 2. the depth profile
  const depth = gradientFinding(records, o, 'exploding');
  if (depth) return [depth];
  // 3. growth of the global gradient norm across the records
  const norms = records.filter((r) => r.gradNorm !== null && Number.isFinite(r.gradNorm)).map((r) => ({ step: r.step, n: r.gradNorm! }));
  if (norms.length >= 2) {
    const base = Math.min(...norms.slice(0, Math.max(1, norms.length - 1)).map((x) => x.n));
    const top = norms[norms.length - 1]!;
    if (base > 0 && top.n / base > th.growth)
      return [{
        id: 'exploding-gradients',
        severity: top.n / base > th.growth * th.growth ? 'critical' : 'warning',
        layers: [],
        step: top.step,
        evidence: { kind: 'growth', growth: round(top.n / base), gradNorm: round(top.n), initialGradNorm: round(base), steps: norms.length, ...ctx },
      }];
  }
  return [];
}
