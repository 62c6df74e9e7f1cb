/**
 * From run records to what a report draws. Nothing here computes a statistic of its own: the
 * numbers are the record's (histograms, norms, losses); this file only picks, groups and
 * thins them, and turns non-finite numbers into null (JSON has no NaN; a chart shows a gap).
 */
import type { Finding } from '../diagnostics/detectors/types.js';
import type { LayerRecord, RunRecord, StepRecord } from '../diagnostics/record/types.js';

/** One step's metrics as the lab's runner reports them (every step's loss; accuracies at eval steps). */
export interface MetricPoint {
  step: number;
  loss?: number | null;
  accuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

/** A run for a report: its record, and optionally a label and the runner's per-step metrics. */
export interface ReportRun {
  record: RunRecord;
  label?: string;
  /** Every step's loss (and accuracies at eval steps), when the runner has them; else the record's step lines are used. */
  metrics?: readonly MetricPoint[];
  /** Where the record came from (a file path), shown in the summary. */
  source?: string;
  /** True when `record.findings` were derived by re-running the detectors (the record held none). */
  findingsDerived?: boolean;
}

export type Num = number | null;

export interface HistogramView {
  /** Layers whose output histograms are drawn (activations first; all layers when there are none). */
  layers: string[];
  kinds: string[];
  steps: number[];
  /** [step index][layer index] → [lo, hi, ...shares] or null. */
  bins: (number[] | null)[][];
  /** [step index][layer index] → the output's std (for the charts' text alternative). */
  stds: Num[][];
}

export interface RunView {
  label: string;
  source: string | null;
  seed: number | null;
  createdAt: string | null;
  library: string;
  status: string | null;
  error: string | null;
  truncated: boolean;
  recordedSteps: number;
  lastStep: number | null;
  spec: unknown;
  environment: Record<string, string | number | boolean | null>;
  findings: Finding[];
  findingsDerived: boolean;
  hist: HistogramView;
  /** Layers × steps of log10 ‖∂L/∂W‖ (weights and biases of the layer together). */
  heat: { layers: string[]; steps: number[]; log10: Num[][] };
  curves: { step: number[]; series: Record<string, Num[]> };
  clip: { step: number[]; before: Num[]; after: Num[] };
  layerStats: { name: string; kind: string; stdFirst: Num; stdLast: Num; gradFirst: Num; gradLast: Num }[];
  finalLoss: Num;
  finalAccuracy: Num;
}

/** At most this many steps go into the histogram slider and the heatmap (evenly thinned, first and last kept). */
export const MAX_VIEW_STEPS = 60;

const fin = (v: number | null | undefined): Num => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ACTIVATION_KINDS = new Set(['tanh', 'sigmoid', 'relu', 'activation']);

export function thin<T>(xs: readonly T[], max = MAX_VIEW_STEPS): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
  return out;
}

function histogramView(steps: readonly StepRecord[]): HistogramView {
  const withHist = (l: LayerRecord): boolean => l.output?.histogram !== undefined;
  const names: string[] = [];
  const kinds: string[] = [];
  const seen = new Set<string>();
  const pickAll = !steps.some((s) => s.layers.some((l) => withHist(l) && ACTIVATION_KINDS.has(l.kind)));
  for (const s of steps)
    for (const l of [...s.layers].sort((a, b) => a.index - b.index))
      if (withHist(l) && (pickAll || ACTIVATION_KINDS.has(l.kind)) && !seen.has(l.name)) {
        seen.add(l.name);
        names.push(l.name);
        kinds.push(l.kind);
      }
  const picked = thin(steps.filter((s) => s.layers.some(withHist)));
  return {
    layers: names,
    kinds,
    steps: picked.map((s) => s.step),
    stds: picked.map((s) => names.map((n) => fin(s.layers.find((l) => l.name === n)?.output?.std))),
    bins: picked.map((s) =>
      names.map((n) => {
        const h = s.layers.find((l) => l.name === n)?.output?.histogram;
        if (!h) return null;
        const total = h.counts.reduce((a, b) => a + b, 0) + h.under + h.over;
        return [h.lo, h.hi, ...h.counts.map((c) => (total > 0 ? c / total : 0))];
      }),
    ),
  };
}

/** ‖∂L/∂W‖ of each layer: its parameters' gradient norms combined (L2); layers without parameters fall back to ‖∂L/∂output‖ of weight layers. */
function heatView(steps: readonly StepRecord[]): RunView['heat'] {
  const picked = thin(steps);
  const layerOrder: string[] = [];
  const seen = new Set<string>();
  const add = (n: string): void => {
    if (!seen.has(n)) {
      seen.add(n);
      layerOrder.push(n);
    }
  };
  const hasParams = picked.some((s) => s.params.length > 0);
  if (hasParams) {
    // Execution order of the layers when known, else parameter order.
    const index = new Map<string, number>();
    for (const s of picked) for (const l of s.layers) if (!index.has(l.name)) index.set(l.name, l.index);
    const names = [...new Set(picked.flatMap((s) => s.params.map((p) => p.layer)))];
    names.sort((a, b) => (index.get(a) ?? Infinity) - (index.get(b) ?? Infinity));
    names.forEach(add);
    return {
      layers: layerOrder,
      steps: picked.map((s) => s.step),
      log10: layerOrder.map((n) =>
        picked.map((s) => {
          const ps = s.params.filter((p) => p.layer === n && p.gradNorm !== null);
          if (ps.length === 0) return null;
          const sq = ps.reduce((a, p) => a + p.gradNorm! * p.gradNorm!, 0);
          return sq > 0 && Number.isFinite(sq) ? Math.log10(Math.sqrt(sq)) : null;
        }),
      ),
    };
  }
  for (const s of picked) for (const l of [...s.layers].sort((a, b) => a.index - b.index)) if (l.grad && !ACTIVATION_KINDS.has(l.kind)) add(l.name);
  return {
    layers: layerOrder,
    steps: picked.map((s) => s.step),
    log10: layerOrder.map((n) =>
      picked.map((s) => {
        const g = fin(s.layers.find((l) => l.name === n)?.grad?.norm);
        return g !== null && g > 0 ? Math.log10(g) : null;
      }),
    ),
  };
}

const METRIC_KEYS = ['loss', 'accuracy', 'testLoss', 'testAccuracy'] as const;

function curvesView(run: ReportRun): RunView['curves'] {
  const points: MetricPoint[] =
    run.metrics && run.metrics.length > 0
      ? [...run.metrics]
      : run.record.steps.map((s) => ({ step: s.step, loss: s.loss, ...(s.metrics ?? {}) }));
  const extra = new Set<string>();
  for (const p of points) for (const k of Object.keys(p)) if (k !== 'step' && !(METRIC_KEYS as readonly string[]).includes(k)) extra.add(k);
  const keys = [...METRIC_KEYS, ...extra];
  const series: Record<string, Num[]> = {};
  for (const k of keys) {
    const vs = points.map((p) => fin((p as unknown as Record<string, number | null | undefined>)[k]));
    if (vs.some((v) => v !== null) || (k === 'loss' && points.length > 0)) series[k] = vs;
  }
  return { step: points.map((p) => p.step), series };
}

function layerStatsView(steps: readonly StepRecord[]): RunView['layerStats'] {
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (!first || !last) return [];
  const at = (s: StepRecord, n: string): LayerRecord | undefined => s.layers.find((l) => l.name === n);
  return [...last.layers]
    .sort((a, b) => a.index - b.index)
    .map((l) => ({
      name: l.name,
      kind: l.kind,
      stdFirst: fin(at(first, l.name)?.output?.std),
      stdLast: fin(l.output?.std),
      gradFirst: fin(at(first, l.name)?.grad?.norm),
      gradLast: fin(l.grad?.norm),
    }));
}

function lastOf(xs: readonly Num[] | undefined): Num {
  if (!xs) return null;
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null) return xs[i]!;
  return null;
}

export function runView(run: ReportRun, label: string): RunView {
  const r = run.record;
  const curves = curvesView(run);
  const lastRaw = run.metrics?.length ? run.metrics[run.metrics.length - 1]!.loss : r.steps[r.steps.length - 1]?.loss;
  return {
    label,
    source: run.source ?? null,
    seed: r.header.seed,
    createdAt: r.header.createdAt,
    library: `${r.header.library.name} ${r.header.library.version}`,
    status: r.end?.status ?? null,
    error: r.end?.error ?? null,
    truncated: r.truncated,
    recordedSteps: r.steps.length,
    lastStep: r.steps.length > 0 ? r.steps[r.steps.length - 1]!.step : null,
    spec: r.header.spec,
    environment: r.header.environment,
    findings: r.findings,
    findingsDerived: run.findingsDerived ?? false,
    hist: histogramView(r.steps),
    heat: heatView(r.steps),
    curves,
    clip: {
      step: r.steps.map((s) => s.step),
      before: r.steps.map((s) => fin(s.gradNorm)),
      after: r.steps.map((s) => fin(s.gradNormClipped)),
    },
    layerStats: layerStatsView(r.steps),
    // A diverged run's last loss is NaN: keep it visible in the summary rather than the last finite one.
    finalLoss: typeof lastRaw === 'number' ? lastRaw : lastOf(curves.series.loss),
    finalAccuracy: lastOf(curves.series.testAccuracy ?? curves.series.accuracy),
  };
}
