/**
 * Detector thresholds. Every default is documented, with its rationale, in docs/doctor.md; every
 * one can be overridden, and a detector can be switched off with `false`.
 */
import { ValueError } from '../../tensor/errors.js';

const f = <T extends Record<string, number>>(x: T): Readonly<{ [K in keyof T]: number }> => Object.freeze(x);

export const DEFAULT_THRESHOLDS = Object.freeze({
  /** Records (latest first) a detector looks at; verdicts use the median over them. */
  window: 5,
  vanishing: f({ ratio: 0.2, perLayerFactor: 0.8, critical: 1e-3, minDepth: 3 }),
  exploding: f({ ratio: 5, perLayerFactor: 1.25, critical: 1e3, minDepth: 3, growth: 1e3 }),
  /**
   * Through time (detectors/recurrent.ts): the profile of a recurrent layer from its last time
   * step back to its first, over at least `minSpan` steps; the per-step factor is the median of
   * the step-to-step factors. An orthogonal tanh RNN measures ≈ 0.82 per step, an LSTM with
   * forget-gate bias 1 ≈ 0.82, PyTorch's default RNN ≈ 0.5 and its default LSTM ≈ 0.6.
   * `outputGrowth`/`outputCumulative`: the fallback for records without a profile (other
   * producers): the RMS of the layer's output growing per step and overall.
   */
  recurrent: f({
    minSpan: 8,
    vanishingRatio: 1e-2,
    vanishingPerStep: 0.7,
    vanishingCritical: 1e-6,
    explodingRatio: 1e2,
    explodingPerStep: 1.1,
    explodingCritical: 1e6,
    outputGrowth: 1.1,
    outputCumulative: 100,
  }),
  saturation: f({ share: 0.2, critical: 0.5 }),
  deadUnits: f({ share: 0.5, critical: 0.8 }),
  variance: f({ perLayerFactor: 0.7, cumulative: 0.01, critical: 1e-4, minDepth: 3 }),
  symmetry: f({ share: 0.5 }),
  updateRatio: f({ high: 3e-2, criticalHigh: 0.3, low: 1e-5 }),
});

type Th = typeof DEFAULT_THRESHOLDS;
type Opt<T> = { -readonly [K in keyof T]?: number } | false;

export interface DetectorOptions {
  window?: number;
  vanishing?: Opt<Th['vanishing']>;
  exploding?: Opt<Th['exploding']>;
  recurrent?: Opt<Th['recurrent']>;
  saturation?: Opt<Th['saturation']>;
  deadUnits?: Opt<Th['deadUnits']>;
  variance?: Opt<Th['variance']>;
  symmetry?: Opt<Th['symmetry']>;
  updateRatio?: Opt<Th['updateRatio']>;
  nonFinite?: false | Record<string, never>;
}

export type Resolved = {
  window: number;
  vanishing: Th['vanishing'] | false;
  exploding: Th['exploding'] | false;
  recurrent: Th['recurrent'] | false;
  saturation: Th['saturation'] | false;
  deadUnits: Th['deadUnits'] | false;
  variance: Th['variance'] | false;
  symmetry: Th['symmetry'] | false;
  updateRatio: Th['updateRatio'] | false;
  nonFinite: boolean;
};

const KEYS = ['vanishing', 'exploding', 'recurrent', 'saturation', 'deadUnits', 'variance', 'symmetry', 'updateRatio'] as const;

export function resolveDetectorOptions(o: DetectorOptions): Resolved {
  if (o === null || typeof o !== 'object') throw new ValueError('detect', 'options must be an object');
  const window = o.window ?? DEFAULT_THRESHOLDS.window;
  if (!Number.isInteger(window) || window < 1) throw new ValueError('detect', `window must be a positive integer, got ${window}`);
  const out: Record<string, unknown> = { window, nonFinite: o.nonFinite !== false };
  for (const k of KEYS) {
    const given = o[k];
    if (given === false) {
      out[k] = false;
      continue;
    }
    const def = DEFAULT_THRESHOLDS[k] as Record<string, number>;
    const merged: Record<string, number> = { ...def };
    for (const [name, v] of Object.entries(given ?? {})) {
      if (!(name in def)) throw new ValueError('detect', `${k}.${name} is not a threshold; ${k} has ${Object.keys(def).join(', ')}`);
      if (typeof v !== 'number' || !(v >= 0)) throw new ValueError('detect', `${k}.${name} must be a number ≥ 0, got ${String(v)}`);
      merged[name] = v;
    }
    out[k] = merged;
  }
  return out as Resolved;
}
