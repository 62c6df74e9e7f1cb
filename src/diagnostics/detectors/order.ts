/**
 * One causal story out of the detectors' findings, in the order a careful engineer fixes things:
 *
 * 1. **where a non-finite value was made** — a fact, and everything after it is garbage: the
 *    other detectors judge only the records before the first non-finite one;
 * 2. **initialization and architecture** (broken symmetry, activation explosion or collapse,
 *    saturation, dead units, exploding or vanishing gradients, through depth or time) when they
 *    are there at initialization (the first record: its activations and gradients come from the
 *    forward and backward pass before any update);
 * 3. **optimization** (the learning rate), unless an init/architecture finding explains the
 *    update size (tiny weights make ‖Δw‖/‖w‖ large, starved gradients make it small);
 * 4. **consequences of the learning rate**: architecture-like findings that were not there at
 *    initialization and appeared under a too-large update ratio (units killed or saturated by
 *    large steps); they are marked `cause: 'learning-rate'` and never outrank their cause.
 *
 * And judged with the loss in view: when the loss falls steadily, a warning-level gradient or
 * activation ratio (not a critical one) is not reported — the network trains.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { initFollows } from './init-match.js';
import { hasNonFinite, locate, lossTrend, round } from './series.js';
import type { FindingId, RawFinding, Severity } from './types.js';

type Detector = (records: readonly StepRecord[], o: Resolved) => RawFinding[];

/** Init and architecture findings, in the order their causes act (forward pass before backward). */
export const ARCHITECTURE: readonly FindingId[] = [
  'broken-symmetry',
  'activation-explosion',
  'activation-collapse',
  'saturation',
  'dead-units',
  'exploding-through-time',
  'vanishing-through-time',
  'exploding-gradients',
  'vanishing-gradients',
];
const OPTIMIZATION: readonly FindingId[] = ['update-ratio-high', 'update-ratio-low'];
/** Findings judged on a ratio that a steadily falling loss overrules (below critical). */
const RATIO_ONLY = new Set<FindingId>(['vanishing-gradients', 'exploding-gradients', 'activation-collapse', 'activation-explosion', 'vanishing-through-time', 'exploding-through-time']);
/** Findings that starve the gradient: small updates are their symptom, not a learning-rate problem. */
const SMALL_UPDATE_CAUSES = new Set<FindingId>(['saturation', 'vanishing-gradients', 'activation-collapse', 'dead-units', 'vanishing-through-time', 'broken-symmetry']);
const SEV: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };


const isRatioFinding = (f: RawFinding): boolean =>
  RATIO_ONLY.has(f.id) && (f.id !== 'exploding-gradients' || f.evidence.kind === 'depth');

/**
 * The first weight matrix's median ‖Δw‖/‖w‖ over the last records, relative to the median over
 * all weight matrices (NaN without updates): ≈ 1 when the first layer learns at the network's pace.
 */
export function firstLayerPace(records: readonly StepRecord[], window = 5): number {
  const recs = records.slice(-window).filter((r) => r.params.some((p) => p.update !== null && p.shape.length >= 2));
  if (recs.length === 0) return NaN;
  const ws = recs[recs.length - 1]!.params.filter((p) => p.shape.length >= 2 && p.update !== null).map((p) => p.name);
  if (ws.length < 3) return NaN;
  const med = (xs: number[]): number => {
    const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return v.length === 0 ? NaN : v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const per = ws.map((n) => med(recs.map((r) => r.params.find((p) => p.name === n)?.update ?? NaN)));
  const all = med(per);
  return all > 0 ? per[0]! / all : NaN;
}

export function tellStory(records: readonly StepRecord[], o: Resolved, nonFinite: Detector, detectors: readonly Detector[]): RawFinding[] {
  const origin = nonFinite(records, o);
  const cut = o.nonFinite ? records.findIndex(hasNonFinite) : -1;
  const clean = cut < 0 ? records : records.slice(0, cut);
  let out = clean.length > 0 ? detectors.flatMap((d) => d(clean, o)) : [];
  // non-finite gradients are the origin's business once it reports them
  if (origin.length > 0) out = out.filter((f) => !(f.id === 'exploding-gradients' && f.evidence.kind === 'non-finite'));
  // one cause, one finding: a recurrent matrix that explodes through time also makes the global
  // gradient norm grow across the steps
  if (out.some((f) => f.id === 'exploding-through-time')) out = out.filter((f) => !(f.id === 'exploding-gradients' && f.evidence.kind === 'growth'));

  // Judged with the loss in view: a steadily falling loss overrules a warning-level ratio that
  // no critical finding corroborates.
  const trend = lossTrend(clean);
  const corroborated = out.some((f) => f.severity === 'critical' && ARCHITECTURE.includes(f.id));
  if (trend.falling && !corroborated) out = out.filter((f) => !(isRatioFinding(f) && f.severity !== 'critical'));
  // Judged by its effect: vanishing gradients matter because the first layers stop learning. When
  // the first weight layer's relative updates ‖Δw‖/‖w‖ keep pace with the network's (an adaptive
  // optimizer, or large inputs to the first layer, compensate), a warning-level ratio is not a problem.
  const pace = firstLayerPace(clean);
  if (pace >= 0.3) out = out.filter((f) => !(f.id === 'vanishing-gradients' && f.severity !== 'critical'));
  for (const f of out) if (f.id === 'vanishing-gradients' && Number.isFinite(pace)) f.evidence.firstLayerUpdatePace = round(pace);

  const atInit = new Set(clean.length > 0 ? detectors.flatMap((d) => d(clean.slice(0, 1), o)).map((f) => f.id) : []);
  const arch = out.filter((f) => ARCHITECTURE.includes(f.id));
  const initArch = arch.filter((f) => atInit.has(f.id));
  // the update size is explained by the init/architecture: no learning-rate finding
  if (initArch.length > 0) out = out.filter((f) => !OPTIMIZATION.includes(f.id));
  if (out.some((f) => SMALL_UPDATE_CAUSES.has(f.id))) out = out.filter((f) => f.id !== 'update-ratio-low');

  const high = out.find((f) => f.id === 'update-ratio-high');
  const consequences = new Set<RawFinding>();
  if (high) {
    for (const f of arch) {
      if (atInit.has(f.id)) continue;
      consequences.add(f);
      f.evidence.cause = 'learning-rate';
      if (SEV[f.severity] < SEV[high.severity]) high.severity = f.severity;
      if (f.severity === 'critical') f.severity = 'warning';
    }
    for (const f of origin) f.evidence.trigger = 'learning-rate';
  }

  const rank = (f: RawFinding): number =>
    f.id === 'non-finite' ? 0 : consequences.has(f) ? 3 : OPTIMIZATION.includes(f.id) ? 2 : ARCHITECTURE.includes(f.id) ? 1 : 2;
  const within = (f: RawFinding): number => {
    const i = ARCHITECTURE.indexOf(f.id);
    return i >= 0 ? i : ARCHITECTURE.length + OPTIMIZATION.indexOf(f.id);
  };
  const all = [...origin, ...out].sort((a, b) => rank(a) - rank(b) || SEV[a.severity] - SEV[b.severity] || within(a) - within(b));
  // What the remedies must know to not offer what is already in effect.
  const follows = initFollows(records[0]);
  const clipped = records.some((r) => r.gradNorm !== null && r.gradNormClipped !== null && r.gradNormClipped < r.gradNorm * 0.999) ? 'yes' : 'no';
  for (const f of all) {
    Object.assign(f.evidence, { initFollows: follows, clipped });
    if (trend.n >= 6) Object.assign(f.evidence, { lossFirst: round(trend.first), lossLast: round(trend.last) });
    const rec = records.find((r) => r.step === f.step) ?? clean[clean.length - 1] ?? records[records.length - 1];
    const where = rec ? locate(rec, f.layers) : null;
    if (where) Object.assign(f.evidence, where);
  }
  return all;
}


