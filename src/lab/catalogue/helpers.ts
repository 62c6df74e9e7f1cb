/**
 * Small shared pieces of the catalogue entries: reading runs (first record, layers of a kind, the
 * loss at the end), and summary numbers.
 */
import type { LayerKind, LayerRecord, StepRecord } from '../../diagnostics/record/types.js';
import type { RunResult } from '../runner/index.js';
import { parseSpec, type Spec, type SpecInput } from '../spec/index.js';
import type { Texts } from './types.js';

/** The first record of a run (the probe records step 0: the net at initialization). */
export function firstRecord(run: RunResult): StepRecord | null {
  return run.records[0] ?? null;
}

/** The layers of a record of one kind, in forward order. */
export function layersOf(rec: StepRecord | null, kind: LayerKind): LayerRecord[] {
  return rec === null ? [] : rec.layers.filter((l) => l.kind === kind);
}

/** Geometric mean of the step-to-step factors of a positive sequence: (v_last / v_first)^(1/(n−1)). */
export function geometricFactor(v: readonly number[]): number {
  if (v.length < 2) return NaN;
  return Math.pow(v[v.length - 1]! / v[0]!, 1 / (v.length - 1));
}

/** Mean training loss over the last `k` steps of a run (NaN/Infinity when the run blew up, Infinity when it stopped early). */
export function finalLoss(run: RunResult, k = 20): number {
  if (run.status === 'failed') return Infinity;
  const m = run.metrics;
  if (m.length === 0) return NaN;
  const tail = m.slice(-k);
  let s = 0;
  for (const r of tail) s += r.loss;
  return s / tail.length;
}

/** Mean training loss over the first `k` steps. */
export function initialLoss(run: RunResult, k = 5): number {
  const head = run.metrics.slice(0, k);
  let s = 0;
  for (const r of head) s += r.loss;
  return head.length === 0 ? NaN : s / head.length;
}

/** The last test accuracy of a run (null when it never evaluated). */
export function finalTestAccuracy(run: RunResult): number | null {
  for (let i = run.metrics.length - 1; i >= 0; i--) {
    const a = run.metrics[i]!.testAccuracy;
    if (a !== undefined) return a;
  }
  return null;
}

/** A number for a sentence: 3 significant digits, exponent notation when tiny or huge. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** `num` with a decimal comma for French. */
export function numFr(v: number | null | undefined): string {
  return num(v).replace('.', ',');
}

/** A verdict when some runs are missing or failed in an unexpected way. */
export function incomplete(expected: number, got: number): { ok: false; text: Texts } {
  return {
    ok: false,
    text: {
      en: `expected ${expected} runs (one per variant), got ${got}`,
      fr: `${expected} exécutions attendues (une par variante), ${got} reçues`,
    },
  };
}

/** An entry's base spec: the input parsed (defaults filled) so that a bad entry fails at load, naming the entry. */
export function baseSpec(id: string, input: SpecInput): Spec {
  return parseSpec({ name: id, ...input }, `catalogue entry '${id}'`);
}
