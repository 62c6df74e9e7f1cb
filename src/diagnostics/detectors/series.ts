/** Helpers the detectors share: depth series, medians, context of the network. */
import type { LayerRecord, StepRecord } from '../record/types.js';

export const WEIGHT = new Set(['linear', 'conv', 'recurrent']);

export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** The depth points of a record: outputs of weight layers in forward order (all layers if fewer than 2). */
export function depthLayers(rec: StepRecord): LayerRecord[] {
  const sorted = [...rec.layers].sort((a, b) => a.index - b.index);
  const w = sorted.filter((l) => WEIGHT.has(l.kind));
  return w.length >= 2 ? w : sorted;
}

/** Consecutive ratios v[i+1]/v[i]. */
export function ratios(v: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < v.length; i++) out.push(v[i + 1]! / v[i]!);
  return out;
}

export const round = (x: number, digits = 4): number => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** What kind of network this is, for explanations: main activation, normalization, recurrence. */
export function networkContext(rec: StepRecord): { activation: string; activationType: string; norm: string; recurrent: string } {
  const counts = new Map<string, number>();
  const types = new Map<string, number>();
  for (const l of rec.layers)
    if (['tanh', 'sigmoid', 'relu', 'activation'].includes(l.kind)) {
      counts.set(l.kind, (counts.get(l.kind) ?? 0) + 1);
      const t = opOf(l) ?? l.type;
      types.set(t, (types.get(t) ?? 0) + 1);
    }
  const rnn = rec.layers.find((l) => l.kind === 'recurrent');
  let activation = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
  if (activation === 'none' && rnn) activation = 'recurrent';
  return {
    activation,
    activationType: [...types.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none',
    norm: rec.layers.some((l) => l.kind === 'norm') ? 'present' : 'none',
    recurrent: rnn ? 'yes' : 'no',
  };
}

/** The latest `n` records (those that have the field wanted). */
export function lastRecords(records: readonly StepRecord[], n: number, has: (r: StepRecord) => boolean = () => true): StepRecord[] {
  const out: StepRecord[] = [];
  for (let i = records.length - 1; i >= 0 && out.length < n; i--) if (has(records[i]!)) out.unshift(records[i]!);
  return out;
}

export function nonFiniteCount(s: { nan: number; posInf: number; negInf: number } | undefined): number {
  return s ? s.nan + s.posInf + s.negInf : 0;
}

/** The op of a layer made of a function call (`F.relu(h)`), when the record says so. */
export const opOf = (l: LayerRecord): string | undefined => {
  const op = (l as { op?: unknown }).op;
  return typeof op === 'string' ? op : undefined;
};

/** The ReLU-family layers whose units can die: ReLU and ReLU6 (LeakyReLU, ELU, SELU… always pass a gradient). */
export function canDie(l: LayerRecord): boolean {
  const name = (opOf(l) ?? l.type).toLowerCase();
  return name === 'relu' || name === 'relu6' || name === 'f.relu';
}

/**
 * How much an unwatched op between two depth points inflated the signal's mean square — in
 * practice dropout in train mode, which scales the survivors by 1/(1−p) and so multiplies the
 * mean square (and, on the way back, the gradient's squared norm) by 1/(1−p). For depth point l
 * it compares what its layer received, E[x²] = Var(out)/gain + mean², with what the watched layer
 * just before it produced (dropout keeps the mean). 1 where nothing is in between; corrections
 * outside [1.05, 5] (p ≤ 0.8) are not applied, so a real ×10 in a custom op stays visible.
 */
export function inflations(rec: StepRecord, depth: readonly LayerRecord[]): number[] {
  const sorted = [...rec.layers].sort((a, b) => a.index - b.index);
  return depth.map((l, i) => {
    if (i === 0 || !l.output || !(l.gain! > 0)) return 1;
    const prev = [...sorted].reverse().find((x) => x.index < l.index && x.output);
    if (!prev || !prev.output || depth.includes(prev)) return 1;
    const m = prev.output.mean;
    const msPrev = prev.output.std ** 2 + m * m;
    if (!(msPrev > 0)) return 1;
    const f = (l.output.std ** 2 / l.gain! + m * m) / msPrev;
    return f >= 1.05 && f <= 5 ? f : 1;
  });
}

/**
 * The loss over the records: `falling` when the run is long enough to judge (≥ 6 finite losses)
 * and the median of the last third is below 0.9× the median of the first third. A net whose
 * loss falls steadily trains; a warning-level ratio alone does not make it broken.
 */
export function lossTrend(records: readonly StepRecord[]): { falling: boolean; first: number; last: number; n: number } {
  const ls = records.map((r) => r.loss).filter((x): x is number => x !== null && Number.isFinite(x));
  const n = ls.length;
  if (n < 6 || ls.length < records.filter((r) => r.loss !== null).length) return { falling: false, first: NaN, last: NaN, n };
  const k = Math.max(2, Math.floor(n / 3));
  const first = median(ls.slice(0, k));
  const last = median(ls.slice(n - k));
  return { falling: last < 0.9 * first, first, last, n };
}

/**
 * Whether a record holds a NaN or ±Inf anywhere (loss, activations, gradients, weights), or the
 * tape saw one made (`nonFinite`: an intermediate value that a later op masked still marks the step).
 */
export function hasNonFinite(r: StepRecord): boolean {
  if (r.nonFinite) return true;
  if (r.loss !== null && !Number.isFinite(r.loss)) return true;
  if (r.gradNorm !== null && !Number.isFinite(r.gradNorm)) return true;
  if (r.layers.some((l) => nonFiniteCount(l.output) > 0 || nonFiniteCount(l.grad) > 0 || nonFiniteCount(l.input) > 0)) return true;
  return r.params.some((p) => p.nonFinite > 0 || p.gradNonFinite > 0);
}

const ACT_LABEL: Record<string, string> = { Tanh: 'tanh', Sigmoid: 'sigmoid' };

/**
 * Where layers sit in the network, for readable findings: the 1-based position among the depth
 * points (weight layers in forward order; 0 before the first), their number, and the activation
 * of the block (the first activation after a weight layer; an activation's own type).
 */
export function locate(rec: StepRecord, names: readonly string[]): { layerDepths: number[]; layerCount: number; layerKinds: string[] } | null {
  const sorted = [...rec.layers].sort((a, b) => a.index - b.index);
  const depth = sorted.filter((l) => WEIGHT.has(l.kind));
  if (depth.length === 0 || names.length === 0) return null;
  const label = (l: LayerRecord): string => ACT_LABEL[l.type] ?? (opOf(l) ?? l.type);
  const depths: number[] = [];
  const kinds: string[] = [];
  for (const name of names) {
    const l = sorted.find((x) => x.name === name) ?? sorted.find((x) => x.name.startsWith(`${name}.`));
    if (!l) return null;
    const pos = depth.filter((d) => d.index <= l.index).length;
    depths.push(pos);
    if (WEIGHT.has(l.kind)) {
      const next = depth.find((d) => d.index > l.index);
      const act = sorted.find((x) => x.index > l.index && (next === undefined || x.index < next.index) && ['tanh', 'sigmoid', 'relu', 'activation'].includes(x.kind));
      kinds.push(l.kind === 'recurrent' ? l.type : act ? label(act) : '');
    } else kinds.push(label(l));
  }
  return { layerDepths: depths, layerCount: depth.length, layerKinds: kinds };
}
