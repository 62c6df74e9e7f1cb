/**
 * Recurrent nets through time. An unrolled RNN is a deep net that multiplies one Jacobian per
 * time step, ∂h_{t+1}/∂h_t = diag(f′)·W_hh, so a spectral radius of W_hh below 1 (times the
 * activation's slope) makes ‖∂L/∂h_t‖ vanish geometrically into the past and one above 1 can make
 * it explode. Growth of a bounded output (tanh) over time cannot show either, so the verdict reads
 * the two time profiles the probe records for each recurrent layer:
 *
 * - `timeJacobian`: a random unit vector carried back from the last hidden state — the
 *   through-time factor itself, wherever the loss reads the sequence (for gated layers the total
 *   derivative ∂h_T/∂h_t, through the cell state too);
 * - `timeGradNorm`: ‖∂L/∂h_t‖ — the gradient the weights actually get, compared over time within
 *   one step (a huge norm at the first recorded step is compared with the profile, not with an
 *   earlier step that does not exist).
 *
 * The Jacobian profile is measured on the probe's Jacobian steps only (step 0, then every
 * `jacobian.every`): the latest record that has one is read, inside the window or not. Records
 * without either profile (written by other producers) fall back to the growth of the output's
 * RMS through time (`measure: 'output'`) — this detector is the only one that speaks of time.
 *
 * Evidence: the ratio between the earliest and the latest time step, the per-step factor (the
 * median of the step-to-step factors: one odd step — an LSTM's readout h = o⊙tanh(c) at the last
 * step — does not move it), the span, the spectral radius of W_hh (power iteration) and the profiles.
 */
import type { LayerRecord, StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { median, round } from './series.js';
import type { RawFinding } from './types.js';

/** Layers whose state is carried by gates (the cell state of an LSTM, the update gate of a GRU). */
const GATED = new Set(['LSTM', 'GRU', 'LSTMCell', 'GRUCell']);

interface Profile {
  measure: 'jacobian' | 'gradient' | 'output';
  ratio: number;
  perStep: number;
  span: number;
  values: number[];
}

/** Median of the per-step factors between consecutive picks (back in time: v[i]/v[i+1] per step). */
function medianFactor(v: readonly number[], t: readonly number[], from: number): number {
  const fs: number[] = [];
  for (let i = from; i + 1 < v.length; i++) {
    const dt = t[i + 1]! - t[i]!;
    const a = v[i]!;
    const b = v[i + 1]!;
    if (dt < 1 || Number.isNaN(a) || Number.isNaN(b)) continue;
    fs.push(b > 0 ? (a / b) ** (1 / dt) : a > 0 ? Infinity : NaN);
  }
  return median(fs);
}

function profile(l: LayerRecord, measure: 'jacobian' | 'gradient'): Profile | null {
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
  const perStep = Number.isFinite(ratio) ? medianFactor(v, t, i) : Infinity;
  return { measure, ratio, perStep, span, values: v.map((x) => round(x, 3)) };
}

/** The output's RMS over time, first to last (growth forward in time). */
function outputProfile(l: LayerRecord): Profile | null {
  const rms = l.timeRms;
  if (!rms || rms.length < 3) return null;
  const t = l.timeSteps ?? rms.map((_, i) => i);
  const i0 = rms.findIndex((x) => x > 0);
  const n = rms.length - 1;
  if (i0 < 0 || i0 >= n || !(rms[n]! > 0)) return null;
  const cumulative = rms[n]! / rms[i0]!;
  const fs: number[] = [];
  for (let i = i0; i < n; i++) if (rms[i]! > 0 && t[i + 1]! > t[i]!) fs.push((rms[i + 1]! / rms[i]!) ** (1 / (t[i + 1]! - t[i]!)));
  return { measure: 'output', ratio: cumulative, perStep: Number.isFinite(cumulative) ? median(fs) : Infinity, span: t[n]! - t[i0]!, values: rms.map((x) => round(x, 3)) };
}

function latest(records: readonly StepRecord[], name: string, pick: (l: LayerRecord) => unknown): LayerRecord | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const l = records[i]!.layers.find((x) => x.name === name && x.kind === 'recurrent');
    if (l && pick(l) !== undefined) return l;
  }
  return null;
}

export function detectRecurrent(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.recurrent;
  if (!th) return [];
  const win = records.slice(-o.window);
  if (win.length === 0) return [];
  const names = [...new Set(win.flatMap((r) => r.layers.filter((l) => l.kind === 'recurrent').map((l) => l.name)))];
  const out: RawFinding[] = [];
  for (const name of names) {
    const recs = win.filter((r) => r.layers.some((l) => l.name === name && l.kind === 'recurrent'));
    const lastRec = recs[recs.length - 1]!;
    // the most recent Jacobian profile, wherever it is (it is measured on Jacobian steps only)
    const jl = latest(records, name, (l) => l.timeJacobian);
    const jac = jl ? profile(jl, 'jacobian') : null;
    // the gradient profile: median per-step factor over the window (one step can be noisy)
    const grads = recs.map((r) => profile(r.layers.find((l) => l.name === name && l.kind === 'recurrent')!, 'gradient')).filter((p): p is Profile => p !== null);
    const grad = grads.length === 0 ? null : grads[grads.length - 1]!;
    const gradStep = median(grads.map((p) => p.perStep));
    const rho = latest(records, name, (l) => l.spectralRadius)?.spectralRadius ?? NaN;
    const nonFinite = grads.some((p) => p.values.some((x) => !Number.isFinite(x)));
    const type = lastRec.layers.find((l) => l.name === name && l.kind === 'recurrent')!.type;
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
      layerType: type,
      gated: GATED.has(type) ? 'yes' : 'no',
      clipped: clipped ? 'yes' : 'no',
    });
    const ok = (p: Profile | null): p is Profile => p !== null && p.span >= th.minSpan;
    const explodes = (p: Profile | null, step: number): boolean => ok(p) && p.ratio > th.explodingRatio && step > th.explodingPerStep;
    const vanishes = (p: Profile | null, step: number): boolean => ok(p) && p.ratio < th.vanishingRatio && step < th.vanishingPerStep;
    if (nonFinite || explodes(jac, jac?.perStep ?? NaN) || explodes(grad, gradStep)) {
      const p = explodes(grad, gradStep) || nonFinite ? grad! : jac!;
      const big = Math.max(jac?.ratio ?? 0, grad?.ratio ?? 0);
      out.push({
        id: 'exploding-through-time',
        severity: nonFinite || big > th.explodingCritical ? 'critical' : 'warning',
        layers: [name],
        step: lastRec.step,
        evidence: ev(p, p === grad ? jac : grad),
      });
    } else if (vanishes(jac, jac?.perStep ?? NaN) || (jac === null && vanishes(grad, gradStep))) {
      const p = jac !== null && vanishes(jac, jac.perStep) ? jac : grad!;
      out.push({
        id: 'vanishing-through-time',
        severity: p.ratio < th.vanishingCritical ? 'critical' : 'warning',
        layers: [name],
        step: lastRec.step,
        evidence: ev(p, p === grad ? jac : grad),
      });
    } else if (jac === null && grad === null) {
      // no profile: the output growing through time (a spectral radius above 1) is the sign left
      const l = lastRec.layers.find((x) => x.name === name && x.kind === 'recurrent')!;
      const p = outputProfile(l);
      if (p && (!Number.isFinite(p.ratio) || (p.perStep > th.outputGrowth && p.ratio > th.outputCumulative)))
        out.push({
          id: 'exploding-through-time',
          severity: !Number.isFinite(p.ratio) || p.ratio > th.explodingCritical ? 'critical' : 'warning',
          layers: [name],
          step: lastRec.step,
          evidence: ev(p, null),
        });
    }
  }
  return out;
}
