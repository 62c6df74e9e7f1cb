import { describe, expect, it } from 'vitest';
import { Generator, Tensor, ValueError, nn, zeros, noGrad } from '../src/index.js';
import { erf, erfinv, normCdf } from '../src/nn/init/special.js';
import { expectClose, loadFixture } from './helpers.js';

const { init } = nn;
const fx = loadFixture('init');

function stats(d: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / d.length;
  let ss = 0;
  for (const v of d) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (d.length - 1)), min, max };
}

/** Assert a sample's mean and std match (μ, σ) within k standard errors (normal-theory, with kurtosis excess). */
function expectMoments(d: Float32Array, mu: number, sigma: number, kurtosis = 3, k = 5): void {
  const n = d.length;
  const st = stats(d);
  expect(Math.abs(st.mean - mu)).toBeLessThan((k * sigma) / Math.sqrt(n));
  // Var(s) ≈ σ²(κ − 1)/(4n)
  expect(Math.abs(st.std - sigma)).toBeLessThan(k * sigma * Math.sqrt((kurtosis - 1) / (4 * n)));
}

const mat = (shape: number[]): Tensor => zeros(shape);

describe('calculateGain and fans (vs PyTorch)', () => {
  it('gains match exactly', () => {
    for (const c of fx.cases.filter((c) => c.kind === 'gain')) {
      expect(init.calculateGain(c.nonlinearity, c.param)).toBeCloseTo(c.gain, 14);
    }
    expect(init.calculateGain('leakyRelu', 0.2)).toBe(init.calculateGain('leaky_relu', 0.2));
    expect(init.calculateGain('convTranspose2d')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
  });
  it('fans match exactly', () => {
    for (const c of fx.cases.filter((c) => c.kind === 'fans')) {
      expect(init.calculateFanInAndFanOut(mat(c.shape))).toEqual({ fanIn: c.fanIn, fanOut: c.fanOut });
    }
  });
  it('rejects unknown nonlinearities, bad slopes and 1-D tensors', () => {
    expect(() => init.calculateGain('swish')).toThrow(ValueError);
    expect(() => init.calculateGain('swish')).toThrow(/unsupported nonlinearity 'swish'.*leaky_relu/);
    expect(() => init.calculateGain('leaky_relu', NaN)).toThrow(/negative_slope/);
    expect(() => init.calculateFanInAndFanOut(mat([5]))).toThrow(/fewer than 2 dimensions.*\[5\]/);
    expect(() => init.kaimingNormal_(mat([3, 3]), { mode: 'fan_avg' as any })).toThrow(/mode 'fan_avg' not supported/);
  });
});

describe('deterministic initializers (vs PyTorch)', () => {
  it('eye_ and dirac_', () => {
    for (const c of fx.cases.filter((c) => c.kind === 'eye')) expectClose(init.eye_(mat(c.shape)), c.out, 0, 0, 'eye_');
    for (const c of fx.cases.filter((c) => c.kind === 'dirac'))
      expectClose(init.dirac_(mat(c.shape), c.groups), c.out, 0, 0, `dirac_ ${c.shape}`);
  });
  it('dirac_ makes a 1-D convolution the identity on the first channels', () => {
    const [cout, cin, k, len] = [3, 3, 5, 9];
    const w = init.dirac_(mat([cout, cin, k]));
    const x = Float32Array.from({ length: cin * len }, (_, i) => Math.sin(i + 1));
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < len; t++) {
        let acc = 0; // 'same' padding (k−1)/2, cross-correlation as in conv1d
        for (let c = 0; c < cin; c++)
          for (let j = 0; j < k; j++) {
            const s = t + j - (k - 1) / 2;
            if (s >= 0 && s < len) acc += w.data[(o * cin + c) * k + j]! * x[c * len + s]!;
          }
        expect(acc).toBe(x[o * len + t]);
      }
  });
  it('constant_, ones_, zeros_ and shape errors', () => {
    expect(Array.from(init.constant_(mat([2, 2]), 0.5).data)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(init.ones_(mat([3])).data)).toEqual([1, 1, 1]);
    expect(Array.from(init.zeros_(init.ones_(mat([2]))).data)).toEqual([0, 0]);
    expect(() => init.eye_(mat([2, 2, 2]))).toThrow(/only tensors with 2 dimensions/);
    expect(() => init.dirac_(mat([3, 3]))).toThrow(/3, 4, or 5 dimensions/);
    expect(() => init.dirac_(mat([5, 2, 3]), 2)).toThrow(/divisible by groups/);
  });
});

describe('random initializers: statistics with fixed seeds', () => {
  const gen = () => new Generator(1234);
  it('uniform_ bounds, mean and variance', () => {
    const t = init.uniform_(mat([100, 200]), -2, 3, { generator: gen() });
    const s = stats(t.data);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(3);
    expect(s.min).toBeLessThan(-1.99);
    expect(s.max).toBeGreaterThan(2.99);
    expectMoments(t.data, 0.5, 5 / Math.sqrt(12), 1.8);
    expect(() => init.uniform_(mat([2]), 1, 0)).toThrow(/a=1 > b=0/);
    expect(() => init.uniform_(mat([2]), 0, Infinity)).toThrow(ValueError);
  });
  it('normal_ mean and std', () => {
    const t = init.normal_(mat([100, 200]), 1.5, 0.3, { generator: gen() });
    expectMoments(t.data, 1.5, 0.3);
    expect(() => init.normal_(mat([2]), 0, -1)).toThrow(/std >= 0/);
  });
  it('xavier uniform and normal std from fans and gain', () => {
    const gain = init.calculateGain('tanh');
    const std = gain * Math.sqrt(2 / (200 + 300));
    const u = init.xavierUniform_(mat([300, 200]), { gain, generator: gen() });
    expect(stats(u.data).max).toBeLessThanOrEqual(Math.sqrt(3) * std);
    expectMoments(u.data, 0, std, 1.8);
    const n = init.xavierNormal_(mat([300, 200]), { gain, generator: gen() });
    expectMoments(n.data, 0, std);
    expectMoments(init.xavierNormal_(mat([32, 16, 3, 3]), { generator: gen() }).data, 0, Math.sqrt(2 / (144 + 288)));
    expect(() => init.xavierUniform_(mat([0, 0]))).toThrow(/fanIn \+ fanOut is 0/);
  });
  it('kaiming normal/uniform per mode, nonlinearity and slope', () => {
    const shape = [64, 32, 3, 3]; // fanIn 288, fanOut 576
    expectMoments(init.kaimingNormal_(mat(shape), { generator: gen() }).data, 0, Math.SQRT2 / Math.sqrt(288));
    expectMoments(init.kaimingNormal_(mat(shape), { mode: 'fan_out', nonlinearity: 'relu', generator: gen() }).data, 0, Math.SQRT2 / Math.sqrt(576));
    expectMoments(init.kaimingNormal_(mat(shape), { mode: 'fanOut', nonlinearity: 'tanh', generator: gen() }).data, 0, 5 / 3 / Math.sqrt(576));
    const u = init.kaimingUniform_(mat([400, 50]), { a: Math.sqrt(5), generator: gen() });
    const bound = 1 / Math.sqrt(50); // nn.Linear's default: U(±1/√fanIn)
    const s = stats(u.data);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeGreaterThan(bound * 0.999);
    expectMoments(u.data, 0, bound / Math.sqrt(3), 1.8);
    const empty = mat([0, 5]);
    expect(init.kaimingUniform_(empty)).toBe(empty);
  });
  it('truncNormal_ stays in [a, b] with the moments of the truncated normal', () => {
    const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    for (const [mu, sigma, a, b] of [[0, 1, -2, 2], [1, 2, 0, 5], [0, 0.02, -0.04, 0.04], [0.5, 1, -Infinity, 1]] as const) {
      const al = (a - mu) / sigma;
      const be = (b - mu) / sigma;
      const z = normCdf(be) - normCdf(al);
      const pa = Number.isFinite(al) ? phi(al) : 0;
      const pb = Number.isFinite(be) ? phi(be) : 0;
      const aphi = Number.isFinite(al) ? al * pa : 0;
      const mean = mu + (sigma * (pa - pb)) / z;
      const sd = sigma * Math.sqrt(1 + (aphi - be * pb) / z - ((pa - pb) / z) ** 2);
      const t = init.truncNormal_(mat([200, 100]), { mean: mu, std: sigma, a, b, generator: gen() });
      const s = stats(t.data);
      expect(s.min).toBeGreaterThanOrEqual(Math.fround(a));
      expect(s.max).toBeLessThanOrEqual(Math.fround(b));
      expectMoments(t.data, mean, sd, 3);
    }
    expect(() => init.truncNormal_(mat([2]), { a: 1, b: 1 })).toThrow(/a < b/);
    expect(() => init.truncNormal_(mat([2]), { std: 0 })).toThrow(/std must be > 0/);
  });
  it('erf/erfinv helpers are accurate', () => {
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 14);
    expect(erfinv(0.5)).toBeCloseTo(0.4769362762044699, 13);
    expect(erfinv(-0.9)).toBeCloseTo(-1.1630871536766743, 13);
    expect(erfinv(0.999999)).toBeCloseTo(3.458910737279500, 9);
    expect(normCdf(2)).toBeCloseTo(0.9772498680518208, 14);
  });
  it('orthogonal_: WᵀW = I for tall, WWᵀ = I for wide, scaled by gain²', () => {
    for (const [shape, gain] of [[[7, 4], 1], [[3, 8], 1], [[5, 5], 2], [[4, 2, 3, 3], 1], [[20, 1], 0.5]] as const) {
      const w = init.orthogonal_(mat([...shape]), { gain, generator: gen() });
      const rows = shape[0];
      const cols = w.numel() / rows;
      const tall = rows >= cols;
      const k = tall ? cols : rows;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          let dot = 0;
          for (let r = 0; r < (tall ? rows : cols); r++)
            dot += tall ? w.data[r * cols + i]! * w.data[r * cols + j]! : w.data[i * cols + r]! * w.data[j * cols + r]!;
          expect(dot).toBeCloseTo(i === j ? gain * gain : 0, 5);
        }
    }
    expect(() => init.orthogonal_(mat([4]))).toThrow(/2 or more dimensions/);
    const e = mat([0, 3]);
    expect(init.orthogonal_(e)).toBe(e);
  });
  it('sparse_: ⌈sparsity·rows⌉ zeros in every column, N(0, std²) elsewhere', () => {
    const [rows, cols] = [50, 400];
    const w = init.sparse_(mat([rows, cols]), 0.3, { std: 0.05, generator: gen() });
    const nz: number[] = [];
    for (let c = 0; c < cols; c++) {
      let zerosInCol = 0;
      for (let r = 0; r < rows; r++) {
        const v = w.data[r * cols + c]!;
        if (v === 0) zerosInCol++;
        else nz.push(v);
      }
      expect(zerosInCol).toBe(15);
    }
    expectMoments(Float32Array.from(nz), 0, 0.05);
    expect(() => init.sparse_(mat([2, 2, 2]), 0.1)).toThrow(/2 dimensions/);
    expect(() => init.sparse_(mat([2, 2]), 1.5)).toThrow(/\[0, 1\]/);
  });
});

describe('in-place semantics', () => {
  it('works on parameters that require grad, outside noGrad, and returns the same tensor', () => {
    const p = new nn.Parameter(zeros([4, 3]));
    const v = p._version;
    expect(init.kaimingUniform_(p)).toBe(p);
    expect(init.orthogonal_(p)).toBe(p);
    expect(init.zeros_(p)).toBe(p);
    expect(p._version).toBe(v + 3);
    expect(p.requiresGrad).toBe(true);
    expect(p.gradFn).toBeNull();
    noGrad(() => init.normal_(p));
  });
  it('the same seed gives the same values; the default generator is used without one', () => {
    const a = init.xavierNormal_(mat([5, 6]), { generator: new Generator(7) });
    const b = init.xavierNormal_(mat([5, 6]), { generator: new Generator(7) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const c = init.uniform_(mat([10]));
    expect(c.data.some((x) => x !== 0)).toBe(true);
  });
});
