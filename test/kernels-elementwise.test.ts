/**
 * The optional elementwise kernels (tanh, tanh backward, plain SGD): the wasm backend's against the
 * JavaScript loops — tanh within 1 ulp of float32 tanh on a dense grid and exact at special values,
 * the backward and the SGD update bit for bit — plus offsets, tails and chunk edges, declining
 * short arrays, and the ops and SGD giving the same results whichever path runs.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { portableBackend, wasmBackend } from '../src/kernels/index.js';
import { tanhKernel } from '../src/kernels/portable/tanh.js';
import { CHUNK, elementwiseMin, setElementwiseMin } from '../src/kernels/wasm/elementwise.js';
import { sgdPlain } from '../src/optim/kernels.js';
import { uniformArray } from './helpers.js';
import { allowThreads } from './thread-host.js';

const wasm = wasmBackend();
const DEFAULT_MIN = elementwiseMin();

afterEach(() => {
  setElementwiseMin(DEFAULT_MIN);
});

const bits = new Int32Array(1);
const flt = new Float32Array(bits.buffer);
function fromBits(i: number): number {
  bits[0] = i;
  return flt[0]!;
}
function toBits(x: number): number {
  flt[0] = x;
  return bits[0]!;
}
/** Distance in float32 steps between two floats of the same sign. */
function ulps(a: number, b: number): number {
  return Math.abs(toBits(a) - toBits(b));
}

function rnd(n: number, seed: number, scale = 1): Float32Array {
  const out = uniformArray(n, seed);
  for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}

const SPECIAL = [
  0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 1e-30, 0.0004, 0.625, -0.625,
  fromBits(toBits(0.625) - 1), fromBits(toBits(0.625) + 1), 1, -1, 7.905311, 9, 9.5, -9.5, 9.01, 20, 88.7, 1e30,
  -3.4028235e38, 3.4028235e38,
];

/** The JavaScript loops the kernels replace. */
function jsTanhBackward(g: Float32Array, y: Float32Array, n: number): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    d[i] = g[i]! * (1 - v * v);
  }
  return d;
}
/** sgdPlain's JavaScript loops (the portable backend has no sgdStep). */
function jsSgd(w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): void {
  const before = gl.backend().name;
  gl.setBackend('portable');
  try {
    sgdPlain(w, g, lr, sign, wd);
  } finally {
    gl.setBackend(before);
  }
}
/** Same bits, with every NaN counted equal. */
function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let bad = -1;
  for (let i = 0; i < a.length && bad < 0; i++) if (!Object.is(a[i], b[i]) && !(a[i] !== a[i] && b[i] !== b[i])) bad = i;
  expect(bad === -1 ? 'all equal' : `index ${bad}: ${a[bad]} vs ${b[bad]}`).toBe('all equal');
}

describe('backend interface', () => {
  it('the portable backend has no elementwise kernels (ops use their JavaScript loops)', () => {
    expect(portableBackend.tanh).toBeUndefined();
    expect(portableBackend.tanhBackward).toBeUndefined();
    expect(portableBackend.sgdStep).toBeUndefined();
  });
});

describe.runIf(wasm !== null)('wasm elementwise kernels', () => {
  const b = wasm!;

  it('tanh is within 1 ulp of float32 tanh on a dense grid of [-9.6, 9.6] (and beyond)', () => {
    setElementwiseMin(0);
    // every 601st float32 in [0, 9.6] and its negation (all ~1.1e9 of them were checked when the
    // kernel was written; here 3.6M, which covers every exponent densely)
    const hi = toBits(9.6);
    const stride = 601;
    const n = Math.ceil(hi / stride);
    const x = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = fromBits(i * stride);
      x[2 * i + 1] = -x[2 * i]!;
    }
    const y = new Float32Array(x.length);
    expect(b.tanh!(x, 0, y, 0, x.length)).toBe(true);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < x.length; i++) {
      const u = ulps(y[i]!, Math.fround(Math.tanh(x[i]!)));
      if (u > worst) [worst, at] = [u, x[i]!];
    }
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1);
    // large arguments saturate to exactly ±1
    const big = new Float32Array([9.6, 10, 50, 1e10, -9.6, -1e10]);
    const out = new Float32Array(big.length);
    b.tanh!(big, 0, out, 0, big.length);
    expect([...out]).toEqual([1, 1, 1, 1, -1, -1]);
  });

  it('tanh special values: exact ±0, ±Inf → ±1, NaN → NaN, subnormals unchanged', () => {
    setElementwiseMin(0);
    const x = new Float32Array(SPECIAL);
    const y = new Float32Array(x.length);
    b.tanh!(x, 0, y, 0, x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const want = Math.fround(Math.tanh(v));
      if (Number.isNaN(v)) expect(Number.isNaN(y[i]!)).toBe(true);
      else if (v === 0 || Math.abs(v) < 1e-37) expect(Object.is(y[i], v), `tanh(${v})`).toBe(true);
      else expect(ulps(y[i]!, want), `tanh(${v}) = ${y[i]} vs ${want}`).toBeLessThanOrEqual(1);
    }
    expect(y[2]).toBe(1);
    expect(y[3]).toBe(-1);
  });

  it('tanh honours offsets and writes exactly n elements, for tails and chunk edges', () => {
    setElementwiseMin(0);
    for (const n of [0, 1, 2, 3, 4, 5, 7, 13, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 3]) {
      const x = rnd(n + 9, n + 1, 4);
      const out = new Float32Array(n + 10).fill(42);
      b.tanh!(x, 5, out, 3, n);
      const ref = new Float32Array(n);
      tanhKernel(x, 5, ref, 0, n);
      for (let i = 0; i < 3; i++) expect(out[i]).toBe(42);
      for (let i = n + 3; i < n + 10; i++) expect(out[i]).toBe(42);
      for (let i = 0; i < n; i++) expect(ulps(out[3 + i]!, ref[i]!)).toBeLessThanOrEqual(1);
    }
  });

  it('tanh backward equals the JavaScript loop bit for bit (tails, chunk edges, special values)', () => {
    setElementwiseMin(0);
    for (const n of [1, 3, 4, 6, CHUNK + 5, 3 * CHUNK - 1]) {
      const g = rnd(n, 7 * n + 1, 10);
      const y = rnd(n, 3 * n + 2);
      for (let i = 0; i < Math.min(n, SPECIAL.length); i++) {
        g[i] = SPECIAL[i]!;
        y[(i * 5) % n] = SPECIAL[(i + 3) % SPECIAL.length]!;
      }
      const out = new Float32Array(n + 4).fill(42);
      expect(b.tanhBackward!(g, y, out.subarray(0, n), n)).toBe(true);
      expectSameBits(out.subarray(0, n), jsTanhBackward(g, y, n));
      expect([...out.subarray(n)]).toEqual([42, 42, 42, 42]);
    }
  });

  it('the SGD update equals the JavaScript loops bit for bit (plain, maximize, weight decay, special values)', () => {
    setElementwiseMin(0);
    const cases: [number, number, number][] = [
      [0.01, 1, 0], [0.1, -1, 0], [0.03, 1, 1e-4], [0.5, -1, 0.2], [0, 1, 0], [1e-3, 1, -0.5],
    ];
    for (const n of [1, 5, 4096, CHUNK + 3]) {
      for (const [lr, sign, wd] of cases) {
        const w = rnd(n, n + 11, 2);
        const g = rnd(n, n + 12, 5);
        const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, 3e38];
        for (let i = 0; i < Math.min(n, 20); i++) {
          w[i] = specials[i % specials.length]!;
          g[(i + 3) % n] = specials[(i * 3) % specials.length]!;
        }
        const ref = w.slice();
        jsSgd(ref, g, lr, sign, wd);
        expect(b.sgdStep!(w, g, lr, sign, wd)).toBe(true);
        expectSameBits(w, ref);
      }
    }
  });

  it('arrays shorter than each kernel\'s minimum are declined and left untouched', () => {
    expect(DEFAULT_MIN).toBeGreaterThan(1000);
    // tanh from DEFAULT_MIN / 8, its backward from 4·DEFAULT_MIN, SGD from DEFAULT_MIN
    const cases: [number, (x: Float32Array, out: Float32Array, n: number) => boolean][] = [
      [DEFAULT_MIN / 8, (x, out, n) => b.tanh!(x, 0, out, 0, n)],
      [DEFAULT_MIN * 4, (x, out, n) => b.tanhBackward!(x, x, out, n)],
    ];
    for (const [min, call] of cases) {
      const n = min - 1;
      const x = rnd(n, 1);
      const out = new Float32Array(n).fill(42);
      expect(call(x, out, n)).toBe(false);
      expect(out.every((v) => v === 42)).toBe(true);
      expect(call(rnd(min, 2), new Float32Array(min), min)).toBe(true);
    }
    const x = rnd(DEFAULT_MIN - 1, 1);
    const w = x.slice();
    expect(b.sgdStep!(w, x, 0.1, 1, 0)).toBe(false);
    expectSameBits(w, x);
  });
});

describe.runIf(wasm !== null)('ops use the kernels with the JavaScript loops as fallback', () => {
  const before = gl.backend().name;
  afterEach(() => {
    gl.setBackend(before);
  });

  /** tanh forward and backward on a tensor, and one SGD step of a linear layer, on one backend. */
  function run(backendName: string, n: number): { y: Float32Array; gx: Float32Array; w: Float32Array } {
    gl.setBackend(backendName);
    gl.manualSeed(5);
    const x = gl.mul(gl.randn([n]), 3).detach().requiresGrad_();
    const y = gl.tanh(x);
    gl.sum(y).backward();
    const lin = new gl.nn.Linear(n >> 4, 16);
    const opt = new gl.optim.SGD(lin.parameters(), { lr: 0.1, weightDecay: 1e-3 });
    gl.sum(gl.tanh(lin.forward(gl.randn([3, n >> 4])) as gl.Tensor)).backward();
    opt.step();
    return { y: y.data, gx: x.grad!.data, w: lin.weight.data };
  }

  for (const n of [64, 20000]) {
    it(`tanh, its gradient and an SGD step agree across backends (${n} elements, ${n < DEFAULT_MIN ? 'JavaScript' : 'wasm'} path)`, () => {
      const p = run('portable', n);
      const w = run('wasm', n);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ulps(p.y[i]!, w.y[i]!));
      expect(worst).toBeLessThanOrEqual(1);
      // the backward is exact given y: 1·(1 − y²) in float64, rounded once
      const ones = new Float32Array(n).fill(1);
      expectSameBits(p.gx, jsTanhBackward(ones, p.y, n));
      expectSameBits(w.gx, jsTanhBackward(ones, w.y, n));
      for (let i = 0; i < p.w.length; i++) expect(w.w[i]).toBeCloseTo(p.w[i]!, 6);
    });
  }

  it('with the kernels switched off the wasm backend gives the portable bits', () => {
    setElementwiseMin(Number.MAX_SAFE_INTEGER);
    const p = run('portable', 20000);
    const w = run('wasm', 20000);
    expectSameBits(w.y, p.y);
    expectSameBits(w.gx, p.gx);
  });

  it('sgdPlain takes the wasm path for large parameters and matches the loop bit for bit', () => {
    gl.setBackend('wasm');
    const w = rnd(50000, 9);
    const g = rnd(50000, 10);
    const ref = w.slice();
    jsSgd(ref, g, 0.01, 1, 0);
    sgdPlain(w, g, 0.01, 1, 0);
    expectSameBits(w, ref);
  });
});

describe.runIf(wasm !== null && wasm.kernels.shared)('elementwise kernels split over the worker pool', () => {
  const restore = allowThreads(3); // 3 threads even on 2 cores (setNumThreads caps at the cores)
  afterAll(restore);
  const b = wasm!;
  afterEach(() => {
    gl.setNumThreads(2);
  });

  /** Run f on 1, 2 and 3 threads (the pool ready for each) and return the three results. */
  async function onThreads(f: () => Float32Array): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const t of [1, 2, 3]) {
      gl.setNumThreads(t);
      expect(await gl.initThreads()).toBe(t);
      expect(b.elementwiseThreads(200_003, 16384)).toBe(t);
      out.push(f());
    }
    return out;
  }

  it('tanh and its backward give the same bits on any thread count, offsets, tails and NaN kept', async () => {
    const n = 200_003; // not a multiple of 4 or 16: the last range has a tail
    const x = rnd(n + 7, 21, 6);
    x[5] = NaN;
    x[n] = -0;
    const [y1, y2, y3] = await onThreads(() => {
      const y = new Float32Array(n + 9).fill(7);
      expect(b.tanh!(x, 3, y, 2, n)).toBe(true);
      return y;
    });
    expectSameBits(y2!, y1!);
    expectSameBits(y3!, y1!);
    // exactly [2, 2 + n) written
    expect([y1![0], y1![1], y1![n + 2], y1![n + 8]]).toEqual([7, 7, 7, 7]);
    for (let i = 0; i < n; i += 997) expect(ulps(y1![2 + i]!, Math.fround(Math.tanh(x[3 + i]!)))).toBeLessThanOrEqual(1);

    const g = rnd(n, 22);
    const yy = rnd(n, 23);
    const [d1, d2, d3] = await onThreads(() => {
      const d = new Float32Array(n);
      expect(b.tanhBackward!(g, yy, d, n)).toBe(true);
      return d;
    });
    expectSameBits(d1!, jsTanhBackward(g, yy, n));
    expectSameBits(d2!, d1!);
    expectSameBits(d3!, d1!);
  });

  it('the SGD update gives the JavaScript bits on any thread count, resident or not, with and without weight decay', async () => {
    const n = 300_001;
    const w0 = rnd(n, 24);
    const g = rnd(n, 25);
    for (const [lr, sign, wd] of [[0.01, 1, 0], [0.1, -1, 0.05]] as const) {
      const ref = w0.slice();
      jsSgd(ref, g, lr, sign, wd);
      for (const resident of [false, true]) {
        const results = await onThreads(() => {
          const w = resident ? b.allocPersistent(n)! : new Float32Array(n);
          w.set(w0);
          expect(b.sgdStep!(w, g, lr, sign, wd)).toBe(true);
          return w.slice();
        });
        for (const r of results) expectSameBits(r, ref);
      }
    }
  });
});
