/**
 * Histograms of a tensor's finite values, as the probe records them: `bins` equal-width bins over
 * a fixed range (values outside are counted in `under` / `over`, NaN and ±Inf are never binned) or
 * an adaptive range [min, max] of the finite values; the last bin is closed on the right.
 */
import { ValueError } from '../tensor/errors.js';
import { valuesOf, type Values } from './stats.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface HistogramOptions {
  /** Number of equal-width bins. Default 32. */
  bins?: number;
  /** 'adaptive' (finite min..max, default) or a fixed [lo, hi]. */
  range?: 'adaptive' | readonly [number, number];
  /** The finite min and max when already known (adaptive range only): saves a pass. */
  extremes?: readonly [number, number];
}

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Finite values below lo / above hi (fixed range only). */
  under: number;
  over: number;
}

/** Histogram of the finite values (see the file header). */
export function histogram(x: Values, opts: HistogramOptions = {}): Histogram {
  opts = checkOptions('histogram', opts, optionKeys<HistogramOptions>({ bins: true, range: true, extremes: true }));
  const d = valuesOf(x, 'histogram');
  const bins = opts.bins ?? 32;
  if (!Number.isInteger(bins) || bins < 1)
    throw new ValueError('histogram', `bins must be a positive integer, got ${bins}`);
  const range = opts.range ?? 'adaptive';
  let lo: number;
  let hi: number;
  if (range === 'adaptive' && opts.extremes && opts.extremes[0] <= opts.extremes[1]) {
    [lo, hi] = opts.extremes;
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
  } else if (range === 'adaptive') {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v - v !== 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    } else if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
  } else {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1]))
      throw new ValueError('histogram', `range must be 'adaptive' or a finite [lo, hi] with lo < hi, got ${JSON.stringify(range)}`);
    [lo, hi] = range as [number, number];
  }
  // Four interleaved sets of counters: element i counts in set i mod 4, so that runs of values
  // in the same bin (a gradient's mass around zero, a saturated tanh's at ±1) do not each wait
  // for the previous increment of that counter; 2–3× faster on such data. Summed at the end.
  const c = new Int32Array(4 * bins);
  let under = 0;
  let over = 0;
  const scale = bins / (hi - lo);
  const last = bins - 1;
  const n = d.length;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    const a = d[i]!;
    const b = d[i + 1]!;
    const e = d[i + 2]!;
    const f = d[i + 3]!;
    // NaN and ±Inf are never binned (v - v is NaN for them)
    if (a >= lo && a <= hi) {
      const q = ((a - lo) * scale) | 0;
      c[(q > last ? last : q) << 2]!++;
    } else if (a - a === 0) a < lo ? under++ : over++;
    if (b >= lo && b <= hi) {
      const q = ((b - lo) * scale) | 0;
      c[((q > last ? last : q) << 2) | 1]!++;
    } else if (b - b === 0) b < lo ? under++ : over++;
    if (e >= lo && e <= hi) {
      const q = ((e - lo) * scale) | 0;
      c[((q > last ? last : q) << 2) | 2]!++;
    } else if (e - e === 0) e < lo ? under++ : over++;
    if (f >= lo && f <= hi) {
      const q = ((f - lo) * scale) | 0;
      c[((q > last ? last : q) << 2) | 3]!++;
    } else if (f - f === 0) f < lo ? under++ : over++;
  }
  for (; i < n; i++) {
    const v = d[i]!;
    if (v >= lo && v <= hi) {
      const q = ((v - lo) * scale) | 0;
      c[(q > last ? last : q) << 2]!++;
    } else if (v - v === 0) v < lo ? under++ : over++;
  }
  const counts = new Array<number>(bins);
  for (let k = 0; k < bins; k++) counts[k] = c[4 * k]! + c[4 * k + 1]! + c[4 * k + 2]! + c[4 * k + 3]!;
  return { lo, hi, counts, under, over };
}
