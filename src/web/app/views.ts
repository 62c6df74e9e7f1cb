/**
 * What the lab draws besides the report's view model (../../report/view.ts, used as is for the
 * activation histograms, the heatmap, the curves and the clipping chart): the gradient
 * histograms of the same layers and steps, and the gradient norm through time of recurrent
 * layers. Like the report, this only picks the record's numbers (counts become shares of the
 * layer's values); it computes no statistic.
 */
import type { LayerRecord, StepRecord } from '../../diagnostics/record/types.js';
import type { HistogramView } from '../../report/view.js';

const fin = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function layerAt(steps: readonly StepRecord[], step: number, name: string): LayerRecord | undefined {
  return steps.find((s) => s.step === step)?.layers.find((l) => l.name === name);
}

/** The gradient histograms (∂L/∂output) of the activation view's layers at its steps. */
export function gradHistView(steps: readonly StepRecord[], act: HistogramView): HistogramView {
  return {
    layers: act.layers,
    kinds: act.kinds,
    steps: act.steps,
    stds: act.steps.map((st) => act.layers.map((n) => fin(layerAt(steps, st, n)?.grad?.std))),
    bins: act.steps.map((st) =>
      act.layers.map((n) => {
        const h = layerAt(steps, st, n)?.grad?.histogram;
        if (!h) return null;
        const total = h.counts.reduce((a, b) => a + b, 0) + h.under + h.over;
        return [h.lo, h.hi, ...h.counts.map((c) => (total > 0 ? c / total : 0))];
      }),
    ),
  };
}

export interface TimeView {
  layers: string[];
  /** Time steps (the union of the layers' recorded time steps, ascending). */
  t: number[];
  /** [layer][time index] → ‖∂L/∂h_t‖ or null. */
  norms: (number | null)[][];
}

/** ‖∂L/∂h_t‖ of every recurrent layer at one recorded step (empty when the record has none). */
export function timeView(rec: StepRecord | undefined): TimeView {
  const layers = (rec?.layers ?? []).filter((l) => Array.isArray(l.timeGradNorm) && Array.isArray(l.timeSteps));
  const t = [...new Set(layers.flatMap((l) => l.timeSteps!))].sort((a, b) => a - b);
  return {
    layers: layers.map((l) => l.name),
    t,
    norms: layers.map((l) => t.map((ts) => fin(l.timeGradNorm![l.timeSteps!.indexOf(ts)]))),
  };
}

/** At most `max` indices of 0…n−1, evenly spaced, first and last kept. */
export function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(Math.round((i * (n - 1)) / (max - 1)));
  return [...out];
}
