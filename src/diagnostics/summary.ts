/** One tensor's summary as the probe records it (statistics from stats.ts, quantiles.ts, histogram.ts). */
import type { Generator } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorSummary } from './record/types.js';
import { histogram } from './histogram.js';
import { quantiles } from './quantiles.js';
import { moments, type Moments } from './stats.js';

export interface SummaryOptions {
  /** Quantile levels, or false for none. */
  quantiles: readonly number[] | false;
  /** Values handled exactly before sampling (quantiles). */
  quantileSample: number;
  /** Histogram bins, 0 for none. */
  histogramBins: number;
  histogramRange: 'adaptive' | readonly [number, number];
  generator: Generator;
}

export function fromMoments(m: Moments): TensorSummary {
  return {
    count: m.count,
    finite: m.finite,
    mean: m.mean,
    std: m.std,
    rms: m.rms,
    norm: m.norm,
    min: m.min,
    max: m.max,
    zeros: m.zeros,
    nan: m.nan,
    posInf: m.posInf,
    negInf: m.negInf,
  };
}

/** Moments, plus quantiles and a histogram when asked for (and there are finite values). */
export function summarize(t: Tensor, opts: SummaryOptions, m: Moments = moments(t)): TensorSummary {
  const s = fromMoments(m);
  if (m.finite > 0 && opts.quantiles !== false)
    s.quantiles = quantiles(t, { levels: opts.quantiles, maxExact: opts.quantileSample, generator: opts.generator, finite: m.finite });
  if (m.finite > 0 && opts.histogramBins > 0) s.histogram = histogram(t, { bins: opts.histogramBins, range: opts.histogramRange, extremes: [m.min, m.max] });
  return s;
}
