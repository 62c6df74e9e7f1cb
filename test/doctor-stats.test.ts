import { describe, expect, it } from 'vitest';
import { Generator, Tensor, ValueError, randn, tensor } from '../src/tensor/index.js';
import { histogram } from '../src/diagnostics/histogram.js';
import { quantileSorted, quantiles, sortFinite32 } from '../src/diagnostics/quantiles.js';
import { l2norm, moments, countNonFinite } from '../src/diagnostics/stats.js';
import { deadUnitShare, duplicateRows, saturationShare } from '../src/diagnostics/unit-stats.js';

const direct = (a: ArrayLike<number>) => {
  const v = Array.from(a).filter(Number.isFinite);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return { mean, variance, min: Math.min(...v), max: Math.max(...v), norm: Math.sqrt(v.reduce((s, x) => s + x * x, 0)) };
};

describe('moments', () => {
  it('agrees with direct float64 sums for every length mod 4 (the fast path keeps four partial sums)', () => {
    const g = new Generator(12);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 1003]) {
      const x = randn([n], { generator: g }).data.map((v) => v + 3);
      if (n > 4) x[n - 1] = 0;
      const m = moments(x);
      const d = direct(x);
      expect(m.mean).toBeCloseTo(d.mean, 12);
      expect(m.variance).toBeCloseTo(d.variance, 12);
      expect(m.norm).toBeCloseTo(d.norm, 10);
      expect([m.min, m.max]).toEqual([d.min, d.max]);
      expect(m.zeros).toBe(Array.from(x).filter((v) => v === 0).length / n);
    }
  });

  it('match a direct float64 computation', () => {
    const x = randn([37, 11], { generator: new Generator(3) });
    const m = moments(x);
    const d = direct(x.data);
    expect(m.count).toBe(407);
    expect(m.finite).toBe(407);
    expect(m.mean).toBeCloseTo(d.mean, 12);
    expect(m.variance).toBeCloseTo(d.variance, 12);
    expect(m.std).toBeCloseTo(Math.sqrt(d.variance), 12);
    expect(m.min).toBe(d.min);
    expect(m.max).toBe(d.max);
    expect(m.norm).toBeCloseTo(d.norm, 10);
    expect(m.rms).toBeCloseTo(d.norm / Math.sqrt(407), 12);
    expect(l2norm(x)).toBeCloseTo(d.norm, 10);
  });

  it('stay accurate for a large mean and a tiny spread (two passes)', () => {
    const d = new Float32Array(10000);
    for (let i = 0; i < d.length; i++) d[i] = 1000 + (i % 2 === 0 ? 0.001953125 : -0.001953125);
    const m = moments(d);
    expect(m.mean).toBeCloseTo(1000, 9);
    expect(m.std).toBeCloseTo(0.001953125, 9);
  });

  it('count NaN and ±Inf apart and describe the finite rest', () => {
    const x = tensor([1, NaN, 3, Infinity, -Infinity, 0, NaN]);
    const m = moments(x);
    expect([m.nan, m.posInf, m.negInf, m.finite, m.count]).toEqual([2, 1, 1, 3, 7]);
    expect(m.mean).toBeCloseTo(4 / 3, 12);
    expect(m.zeros).toBeCloseTo(1 / 7, 12);
    expect(countNonFinite(x)).toBe(4);
    const e = moments(new Float32Array(0));
    expect(e.count).toBe(0);
    expect(Number.isNaN(e.mean)).toBe(true);
  });

  it('refuse what is not a tensor', () => {
    expect(() => moments([1, 2, 3] as never)).toThrow(ValueError);
    expect(() => moments([1, 2, 3] as never)).toThrow(/plain array/);
  });
});

describe('quantiles', () => {
  it('are exact (linear interpolation, as torch.quantile) on small tensors', () => {
    const x = randn([999], { generator: new Generator(5) });
    const q = quantiles(x);
    const sorted = Float64Array.from(x.data).sort();
    expect(q.exact).toBe(true);
    expect(q.sampleSize).toBe(999);
    q.levels.forEach((lv, i) => {
      const pos = lv * 998;
      const lo = Math.floor(pos);
      const want = sorted[lo]! + (sorted[Math.min(lo + 1, 998)]! - sorted[lo]!) * (pos - lo);
      expect(q.values[i]).toBeCloseTo(want, 5);
    });
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantiles(tensor([3, 1, 2]), { levels: [0, 0.5, 1] }).values).toEqual([1, 2, 3]);
  });

  it('are sampled above maxExact, within the sampling error', () => {
    const x = randn([100000], { generator: new Generator(7) });
    const q = quantiles(x, { maxExact: 4096, generator: new Generator(1) });
    expect(q.exact).toBe(false);
    expect(q.sampleSize).toBe(4096);
    // N(0,1) quantiles; rank error sd √(p(1-p)/n) ≤ 0.0078 → value error ≤ 4 sd / density.
    const z = [-2.326, -1.645, -0.674, 0, 0.674, 1.645, 2.326];
    const dens = (v: number) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
    q.values.forEach((v, i) => {
      const p = q.levels[i]!;
      expect(Math.abs(v - z[i]!)).toBeLessThan((4 * Math.sqrt(p * (1 - p) / 4096)) / dens(z[i]!) + 0.01);
    });
  });

  it('ignore non-finite values and refuse bad levels', () => {
    expect(quantiles(tensor([NaN, 1, Infinity, 3]), { levels: [0.5] }).values).toEqual([2]);
    expect(() => quantiles(tensor([1]), { levels: [99] })).toThrow(/fractions/);
    expect(() => quantiles(tensor([1]), { levels: [] })).toThrow(ValueError);
    expect(() => quantiles(tensor([1]), { maxExact: 0 })).toThrow(ValueError);
  });
});

describe('sortFinite32', () => {
  it('orders finite float32 values exactly as TypedArray#sort, −0 before +0, every magnitude', () => {
    const g = new Generator(13);
    for (const n of [0, 1, 5, 63, 64, 65, 1000, 8192]) {
      const a = randn([n], { generator: g }).data;
      for (let i = 0; i < n; i++) a[i] = a[i]! * 10 ** ((i % 13) - 6);
      if (n > 10) {
        a[1] = -0;
        a[2] = 0;
        a[3] = -3.4028234663852886e38;
        a[4] = 3.4028234663852886e38;
        a[5] = 1e-45;
        a[6] = -1e-45;
        a[7] = a[8]!;
      }
      const want = a.slice().sort();
      sortFinite32(a);
      expect(a.every((v, i) => Object.is(v, want[i]))).toBe(true);
    }
  });
});

describe('histogram', () => {
  it('counts equal-width bins over the adaptive range, last bin closed', () => {
    const x = tensor([0, 1, 2, 3, 4, NaN, Infinity]);
    const h = histogram(x, { bins: 4 });
    expect([h.lo, h.hi]).toEqual([0, 4]);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(h.under + h.over).toBe(0);
  });

  it('uses a fixed range and counts the outliers, matching direct binning', () => {
    const x = randn([5000], { generator: new Generator(9) });
    const h = histogram(x, { bins: 10, range: [-1, 1] });
    const want = new Array(10).fill(0);
    let under = 0;
    let over = 0;
    for (const v of x.data) {
      if (v < -1) under++;
      else if (v > 1) over++;
      else want[Math.min(9, Math.floor((v + 1) * 5))]++;
    }
    expect(h.counts).toEqual(want);
    expect([h.under, h.over]).toEqual([under, over]);
    expect(h.counts.reduce((a, b) => a + b, 0) + under + over).toBe(5000);
  });

  it('matches direct binning for every length mod 4, with NaN, ±Inf and outliers anywhere', () => {
    const g = new Generator(11);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 9, 1001]) {
      const x = randn([n], { generator: g }).data;
      // runs in one bin (the interleaved counters' case), non-finite values and outliers
      for (let i = 0; i < n; i++) if (i % 7 < 3) x[i] = 0.01;
      for (let i = 2; i < n; i += 5) x[i] = [NaN, Infinity, -Infinity, 5, -5][i % 5]!;
      const h = histogram(x, { bins: 8, range: [-2, 2] });
      const want = new Array(8).fill(0);
      let under = 0;
      let over = 0;
      for (const v of x) {
        if (Number.isNaN(v) || !Number.isFinite(v)) continue;
        if (v < -2) under++;
        else if (v > 2) over++;
        else want[Math.min(7, Math.floor((v + 2) * 2))]++;
      }
      expect({ n, counts: h.counts, under: h.under, over: h.over }).toEqual({ n, counts: want, under, over });
    }
  });

  it('handles a constant tensor and refuses bad options', () => {
    const h = histogram(tensor([2, 2, 2]), { bins: 3 });
    expect([h.lo, h.hi, h.counts[1]]).toEqual([1.5, 2.5, 3]);
    expect(() => histogram(tensor([1]), { bins: 0 })).toThrow(/bins/);
    expect(() => histogram(tensor([1]), { range: [1, 0] })).toThrow(/lo < hi/);
  });
});

describe('unit statistics', () => {
  it('saturation share counts |tanh| > 0.97 and sigmoid outside [0.03, 0.97]', () => {
    const y = tensor([0.5, 0.98, -0.995, 0.96, -0.2, 0.999]);
    expect(saturationShare(y, 'tanh')).toBeCloseTo(3 / 6, 12);
    expect(saturationShare(y, 'tanh', { tanh: 0.99 })).toBeCloseTo(2 / 6, 12);
    const s = tensor([0.01, 0.5, 0.98, 0.04, 0.96]);
    expect(saturationShare(s, 'sigmoid')).toBeCloseTo(2 / 5, 12);
    expect(() => saturationShare(y, 'relu' as never)).toThrow(ValueError);
    expect(() => saturationShare(y, 'tanh', { tanh: 1.5 })).toThrow(/threshold/);
  });

  it('dead-unit share: units ≤ 0 for every sample (features and channels)', () => {
    const y = tensor([
      [0, 1, 0, -0.1],
      [0, 0, 0, -2],
      [0, 0, 3, -1],
    ]);
    expect(deadUnitShare(y)).toBeCloseTo(2 / 4, 12); // units 0 and 3
    const c = new Tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
    c.data[1 * 12 + 2 * 4 + 3] = 0.5; // sample 1, channel 2, position 3
    expect(deadUnitShare(c)).toBeCloseTo(2 / 3, 12);
    expect(() => deadUnitShare(tensor(1))).toThrow(/0-d/);
  });

  it('duplicate rows: constant weights are fully symmetric, random ones not at all', () => {
    const w = new Tensor(new Float32Array(64 * 10).fill(0.3), [64, 10]);
    expect(duplicateRows(w)).toEqual({ share: 63 / 64, distinct: 1, rows: 64 });
    const r = randn([256, 32], { generator: new Generator(2) });
    expect(duplicateRows(r).share).toBe(0);
    const half = r.data.slice();
    for (let i = 128; i < 256; i++) half.copyWithin(i * 32, (i - 128) * 32, (i - 127) * 32);
    expect(duplicateRows(new Tensor(half, [256, 32])).distinct).toBe(128);
    expect(() => duplicateRows(tensor([1, 2]))).toThrow(/at least 2 dims/);
  });
});
