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
export function networkContext(rec: StepRecord): { activation: string; norm: string; recurrent: string } {
  const counts = new Map<string, number>();
  for (const l of rec.layers) if (['tanh', 'sigmoid', 'relu', 'activation'].includes(l.kind)) counts.set(l.kind, (counts.get(l.kind) ?? 0) + 1);
  const rnn = rec.layers.find((l) => l.kind === 'recurrent');
  let activation = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
  if (activation === 'none' && rnn) activation = 'recurrent';
  return {
    activation,
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
