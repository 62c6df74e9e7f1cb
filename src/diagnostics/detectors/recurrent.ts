/**
 * Recurrent nets through time. An unrolled RNN is a deep net that multiplies one Jacobian per
 * time step, ∂h_{t+1}/∂h_t = diag(f′)·W_hh, so a spectral radius of W_hh below 1 (times the
 * activation's slope) makes ‖∂L/∂h_t‖ vanish geometrically into the past and one above 1 can make
 * it explode. Growth of a bounded output (tanh) over time cannot show either, so the verdict reads
 * the two time profiles the probe records for each recurrent layer:
 *
 * - `timeJacobian`: a random unit vector carried back from the last hidden state through the
 *   recurrent Jacobians — the through-time factor itself, wherever the loss reads the sequence;
 * - `timeGradNorm`: ‖∂L/∂h_t‖ — the gradient the weights actually get, compared over time within
 *   one step (a huge norm at the first recorded step is compared with the profile, not with an
 *   earlier step that does not exist).
 *
 * Evidence: the ratio between the earliest and the latest time step, the per-step factor
 * (ratio^(1/span)), the span, the spectral radius of W_hh (power iteration) and both profiles.
 */
import type { LayerRecord, StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { median, round } from './series.js';
import type { RawFinding } from './types.js';

/** Defaults (see docs/doctor.md); the per-step factors are those of the other depth detectors. */
export const RECURRENT_THRESHOLDS = Object.freeze({
  /** Fewest time steps between the first and the last pick for a verdict. */
  minSpan: 8,
    // an orthogonal tanh RNN on unit-variance inputs measures ≈ 0.82 per step (tanh′ < 1); the
  // PyTorch default U(±1/√H) has ρ ≈ 0.58 and measures ≈ 0.5
  vanishing: Object.freeze({ ratio: 1e-2, perStep: 0.7, critical: 1e-6 }),
  exploding: Object.freeze({ ratio: 1e2, perStep: 1.1, critical: 1e6 }),
});

interface Profile {
  measure: 'jacobian' | 'gradient';
  ratio: number;
  perStep: number;
  span: number;
  values: number[];
}

function profile(l: LayerRecord, measure: Profile['measure']): Profile | null {
  const v = measure === 'jacobian' ? l.timeJacobian : l.timeGradNorm;
  const t = l.timeSteps;
  if (!v || !t || v.length < 2 || v.length !== t.length) return null;
  // the earliest pick with a value (a long sequence is followed back only so far)
  let i = 0;
  while (i < v.length - 1 && Number.isNaN(v[i]!)) i++;
  const last = v.length - 1;
  const span = t[last]! - t[i]!;
  if (span < 1 || i >= last) return null;
  const a = v[i]!;
  const b = v[last]!;
  const ratio = !Number.isFinite(a) ? Infinity : b > 0 ? a / b : a > 0 ? Infinity : 1;
  return { measure, ratio, perStep: ratio ** (1 / span), span, values: v.map((x) => round(x, 3)) };
}

function latest(records: readonly StepRecord[], name: string, pick: (l: LayerRecord) => unknown): LayerRecord | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const l = records[i]!.layers.find((x) => x.name === name && x.kind === 'recurrent');
    if (l && pick(l) !== undefined) return l;
  }
  return null;
}

export function detectRecurrent(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = RECURRENT_THRESHOLDS;
  const win = records.slice(-o.window);
  if (win.length === 0) return [];
  const names = [...new Set(win.flatMap((r) => r.layers.filter((l) => l.kind === 'recurrent').map((l) => l.name)))];
  const out: RawFinding[] = [];
  for (const name of names) {
    const recs = win.filter((r) => r.layers.some((l) => l.name === name && l.kind === 'recurrent'));
    const lastRec = recs[recs.length - 1]!;
    const jl = latest(records, name, (l) => l.timeJacobian);
    const jac = jl ? profile(jl, 'jacobian') : null;
    // the gradient profile: median per-step factor over the window (one step can be noisy)
    const grads = recs.map((r) => profile(r.layers.find((l) => l.name === name && l.kind === 'recurrent')!, 'gradient')).filter((p): p is Profile => p !== null);
    const grad = grads.length === 0 ? null : grads[grads.length - 1]!;
    const gradStep = median(grads.map((p) => p.perStep));
    const rho = latest(records, name, (l) => l.spectralRadius)?.spectralRadius ?? NaN;
    const nonFinite = grads.some((p) => p.values.some((x) => !Number.isFinite(x)));
    const clipped = lastRec.gradNorm !== null && lastRec.gradNormClipped !== null && lastRec.gradNormClipped < lastRec.gradNorm * (1 - 1e-6);
    const ev = (p: Profile, other: Profile | null): RawFinding['evidence'] => ({
      layer: name,
      measure: p.measure,
      ratio: round(p.ratio),
      perStepFactor: round(p.perStep),
      timeSteps: p.span,
      spectralRadius: round(rho),
      profile: p.values,
      ...(other ? { [other.measure === 'gradient' ? 'gradRatio' : 'jacobianRatio']: round(other.ratio) } : {}),
      recurrent: 'yes',
      clipped: clipped ? 'yes' : 'no',
    });
    const ok = (p: Profile | null): p is Profile => p !== null && p.span >= th.minSpan;
    const explodes = (p: Profile | null, step: number): boolean => ok(p) && p.ratio > th.exploding.ratio && step > th.exploding.perStep;
    const vanishes = (p: Profile | null, step: number): boolean => ok(p) && p.ratio < th.vanishing.ratio && step < th.vanishing.perStep;
    if (nonFinite || explodes(jac, jac?.perStep ?? NaN) || explodes(grad, gradStep)) {
      const p = explodes(grad, gradStep) || nonFinite ? grad! : jac!;
      const big = Math.max(jac?.ratio ?? 0, grad?.ratio ?? 0);
      out.push({
        id: 'exploding-through-time',
        severity: nonFinite || big > th.exploding.critical ? 'critical' : 'warning',
        layers: [name],
        step: lastRec.step,
        evidence: ev(p, p === grad ? jac : grad),
      });
    } else if (vanishes(jac, jac?.perStep ?? NaN) || (jac === null && vanishes(grad, gradStep))) {
      const p = jac !== null && vanishes(jac, jac.perStep) ? jac : grad!;
      out.push({
        id: 'vanishing-through-time',
        severity: p.ratio < th.vanishing.critical ? 'critical' : 'warning',
        layers: [name],
        step: lastRec.step,
        evidence: ev(p, p === grad ? jac : grad),
      });
    }
  }
  return out;
}
