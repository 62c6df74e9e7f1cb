import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, randn, rand } from '../src/index.js';

/** Standard normal CDF, Abramowitz & Stegun 26.2.17 (|error| < 7.5e-8). */
function phi(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp(-x * x / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

describe('Generator', () => {
  it('is deterministic per seed and independent of how numbers are drawn', () => {
    const a = new Generator(123);
    const b = new Generator(123);
    const bulk = new Float64Array(999);
    a.fillNormal(bulk, 0.5, 2);
    for (let i = 0; i < bulk.length; i++) expect(bulk[i]).toBe(0.5 + 2 * b.normal());
    a.fillUniform(bulk, -1, 3);
    for (let i = 0; i < bulk.length; i++) expect(bulk[i]).toBe(-1 + 4 * b.random());
    expect(a.nextUint32()).toBe(b.nextUint32());
    manualSeed(7);
    const x = randn([10]).data.slice();
    manualSeed(7);
    expect(Array.from(randn([10]).data)).toEqual(Array.from(x));
  });

  it('restores a saved state', () => {
    const g = new Generator(5);
    g.normal();
    const st = g.getState();
    const v = [g.normal(), g.random(), g.nextUint32()];
    g.setState(st);
    expect([g.normal(), g.random(), g.nextUint32()]).toEqual(v);
  });

  it('normals have the moments and the CDF of N(0,1) (ziggurat, incl. the tail beyond r = 3.44)', () => {
    const n = 400_000;
    const g = new Generator(2024);
    const x = new Float64Array(n);
    g.fillNormal(x, 0, 1);
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const v of x) { m1 += v; m2 += v * v; m3 += v ** 3; m4 += v ** 4; }
    m1 /= n; m2 /= n; m3 /= n; m4 /= n;
    // standard errors of the raw moments: E[x] 1/√n, E[x²] √(2/n), E[x³] √(15/n), E[x⁴] √(96/n); allow 5σ
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // empirical CDF at fixed points vs Φ, tolerance 5·√(p(1−p)/n)
    const sorted = Float64Array.from(x).sort();
    for (const q of [-3.6, -3, -2, -1, -0.5, 0, 0.7, 1.5, 2.5, 3.44, 4]) {
      let lo = 0, hi = n;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < q) lo = mid + 1; else hi = mid; }
      const p = phi(q);
      expect(Math.abs(lo / n - p), `CDF at ${q}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 2e-6);
    }
  });

  it('uniforms are in [0, 1) with mean 1/2 and variance 1/12', () => {
    manualSeed(3);
    const u = rand([200_000]).data;
    let s = 0, ss = 0, lo = Infinity, hi = -Infinity;
    for (const v of u) { s += v; ss += v * v; lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const n = u.length;
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(ss / n - s * s / n / n - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('rejects a bad seed', () => {
    expect(() => manualSeed(-1)).toThrow(/seed must be an integer/);
    expect(() => manualSeed(1.5)).toThrow(/seed must be an integer/);
  });
});
