/**
 * The kernel suite every backend must pass: GEMM in all transpose variants against a float64
 * reference (odd sizes, offsets, accumulate), im2col/col2im against naive loops, and for the wasm
 * backend bit-identical results for any thread count and a build artifact that matches its source.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// kernel-level imports only (floor 2 and its Node corner), so this suite does not depend on ops
import {
  backend, getNumThreads, initThreads, listBackends, portableBackend, setBackend, setNumThreads, setWorkerHost,
  shutdownThreads, wasmBackend, type Backend, type ConvGeometry,
} from '../src/kernels/index.js';
import { THREAD_MIN_WORK } from '../src/kernels/wasm/index.js';
import { nodeWorkerHost } from '../src/node/threads.js';
import { ValueError } from '../src/tensor/errors.js';
import { uniformArray } from './helpers.js';
import { allowThreads } from './thread-host.js';

setWorkerHost(nodeWorkerHost());

const rnd = uniformArray;

function refGemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[aOff + (ta ? k * M + i : i * K + k)]! * B[bOff + (tb ? j * K + k : k * N + j)]!;
      C[i * N + j] = s;
    }
  return C;
}

function refIm2col(x: Float32Array, xOff: number, g: ConvGeometry): Float32Array {
  const L = g.outH * g.outW;
  const cols = new Float32Array(g.C * g.kH * g.kW * L);
  for (let c = 0; c < g.C; c++)
    for (let i = 0; i < g.kH; i++)
      for (let j = 0; j < g.kW; j++)
        for (let oh = 0; oh < g.outH; oh++)
          for (let ow = 0; ow < g.outW; ow++) {
            const ih = oh * g.strideH - g.padH + i * g.dilH;
            const iw = ow * g.strideW - g.padW + j * g.dilW;
            const v = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W ? x[xOff + (c * g.H + ih) * g.W + iw]! : 0;
            cols[((c * g.kH + i) * g.kW + j) * L + oh * g.outW + ow] = v;
          }
  return cols;
}

function geom(C: number, H: number, W: number, k: number, stride: number, pad: number, dil: number): ConvGeometry {
  const outH = Math.floor((H + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  const outW = Math.floor((W + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  return { C, H, W, kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, dilH: dil, dilW: dil, outH, outW };
}

const wasm = wasmBackend();
const backends: [string, Backend | null][] = [['portable', portableBackend], ['wasm', wasm]];

const SIZES: [number, number, number][] = [[1, 1, 1], [7, 13, 5], [4, 8, 256], [9, 17, 257], [130, 257, 65], [3, 300, 2]];
const GEOMS: ConvGeometry[] = [
  geom(1, 5, 5, 3, 1, 0, 1),
  geom(3, 7, 6, 3, 1, 1, 1),
  geom(2, 9, 9, 3, 2, 1, 1),
  geom(2, 11, 10, 3, 1, 2, 2),
  geom(4, 8, 8, 1, 1, 0, 1),
  geom(2, 6, 13, 5, 3, 2, 1),
  { C: 2, H: 5, W: 9, kH: 2, kW: 4, strideH: 1, strideW: 2, padH: 0, padW: 3, dilH: 2, dilW: 1, outH: 3, outW: 6 },
];

for (const [name, be] of backends) {
  describe.runIf(be !== null)(`kernels: ${name} backend`, () => {
    const b = be!;
    for (const [M, N, K] of SIZES)
      for (const ta of [false, true])
        for (const tb of [false, true])
          it(`gemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${M}×${N}×${K} with offsets, overwrite and accumulate`, () => {
            const aOff = 3, bOff = 5, cOff = 7;
            const A = rnd(aOff + M * K + 2, M * 31 + K);
            const B = rnd(bOff + K * N + 2, N * 17 + K);
            const ref = refGemm(ta, tb, M, N, K, A, aOff, B, bOff);
            const C0 = rnd(cOff + M * N + 4, 99);
            const tol = 1e-6 * K + 1e-6;
            for (const acc of [false, true]) {
              const C = C0.slice();
              b.gemm(ta, tb, M, N, K, A, aOff, B, bOff, C, cOff, acc);
              let err = 0;
              for (let i = 0; i < M * N; i++) err = Math.max(err, Math.abs(C[cOff + i]! - (ref[i]! + (acc ? C0[cOff + i]! : 0))));
              expect(err).toBeLessThan(tol);
              // nothing outside C's range is touched
              expect(Array.from(C.subarray(0, cOff))).toEqual(Array.from(C0.subarray(0, cOff)));
              expect(Array.from(C.subarray(cOff + M * N))).toEqual(Array.from(C0.subarray(cOff + M * N)));
            }
          });

    it('gemm with K = 0 zeroes C (or leaves it when accumulating); M or N = 0 is a no-op', () => {
      const C = new Float32Array([1, 2, 3, 4, 5, 6]);
      b.gemm(false, false, 2, 3, 0, new Float32Array(0), 0, new Float32Array(0), 0, C, 0, true);
      expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
      b.gemm(false, false, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, C, 1, false);
      expect(Array.from(C)).toEqual([1, 0, 0, 0, 0, 6]);
      b.gemm(false, false, 0, 3, 4, new Float32Array(0), 0, new Float32Array(12), 0, C, 0, false);
      expect(Array.from(C)).toEqual([1, 0, 0, 0, 0, 6]);
    });

    it('gemm propagates NaN and Inf', () => {
      const A = new Float32Array([NaN, 1, 2, 3, Infinity, 1]);
      const B = new Float32Array([1, 1, 1, 1, 1, 1]);
      const C = new Float32Array(4);
      b.gemm(false, false, 2, 2, 3, A, 0, B, 0, C, 0, false);
      expect(C[0]).toBeNaN();
      expect(C[2]).toBe(Infinity);
    });

    for (const [gi, g] of GEOMS.entries())
      it(`im2col / col2im geometry #${gi} (C${g.C} ${g.H}×${g.W} k${g.kH}×${g.kW} s${g.strideH},${g.strideW} p${g.padH},${g.padW} d${g.dilH},${g.dilW})`, () => {
        const xOff = 2, colOff = 3;
        const nx = g.C * g.H * g.W;
        const x = rnd(xOff + nx + 1, gi + 1);
        const expected = refIm2col(x, xOff, g);
        const cols = new Float32Array(colOff + expected.length + 2).fill(7);
        b.im2col(x, xOff, g, cols, colOff);
        expect(Array.from(cols.subarray(colOff, colOff + expected.length))).toEqual(Array.from(expected));
        expect(cols[0]).toBe(7);
        expect(cols[cols.length - 1]).toBe(7);
        // col2im is im2col's adjoint: <im2col(x), c> = <x, col2im(c)>, and it accumulates
        const c = rnd(expected.length, 1000 + gi);
        const colsBuf = new Float32Array(colOff + c.length);
        colsBuf.set(c, colOff);
        const base = rnd(xOff + nx + 1, 77);
        const xb = base.slice();
        b.col2im(colsBuf, colOff, g, xb, xOff);
        const naive = new Float64Array(nx);
        const L = g.outH * g.outW;
        for (let ch = 0; ch < g.C; ch++)
          for (let i = 0; i < g.kH; i++)
            for (let j = 0; j < g.kW; j++)
              for (let oh = 0; oh < g.outH; oh++)
                for (let ow = 0; ow < g.outW; ow++) {
                  const ih = oh * g.strideH - g.padH + i * g.dilH;
                  const iw = ow * g.strideW - g.padW + j * g.dilW;
                  if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                    naive[(ch * g.H + ih) * g.W + iw] += c[((ch * g.kH + i) * g.kW + j) * L + oh * g.outW + ow]!;
                }
        for (let i = 0; i < nx; i++) expect(xb[xOff + i]).toBeCloseTo(base[xOff + i]! + naive[i]!, 5);
        expect(xb[0]).toBe(base[0]);
        expect(xb[xOff + nx]).toBe(base[xOff + nx]);
      });
  });
}

describe('backend selection', () => {
  it('registers wasm where WebAssembly SIMD exists and makes it the default', () => {
    expect(listBackends()).toContain('portable');
    if (wasm !== null) {
      expect(listBackends()).toContain('wasm');
      expect(backend().name).toBe('wasm');
    } else expect(backend().name).toBe('portable');
  });

  it('setBackend switches and rejects unknown names with the list of known ones', () => {
    const before = backend().name;
    expect(setBackend('portable').name).toBe('portable');
    expect(backend().name).toBe('portable');
    expect(() => setBackend('cuda')).toThrow(/unknown backend 'cuda'.*portable/);
    setBackend(before);
  });
});

describe.runIf(wasm !== null)('wasm threads', () => {
  const restore = allowThreads(3); // 3 threads even on 2 cores (setNumThreads caps at the cores)
  afterAll(() => {
    setNumThreads(2);
    shutdownThreads();
    restore();
  });

  it('setNumThreads validates its argument', () => {
    expect(() => setNumThreads(0)).toThrow(ValueError);
    expect(() => setNumThreads(1.5)).toThrow(/positive integer, got 1.5/);
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
  });

  it('gives bit-identical GEMM results for 1, 2 and 3 threads', async () => {
    const cases: [boolean, boolean, number, number, number][] = [
      [false, true, 130, 515, 301], // split by columns
      [true, false, 517, 37, 270], // split by rows
      [false, false, 64, 300, 129],
    ];
    for (const [ta, tb, M, N, K] of cases) {
      expect(M * N * K).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const A = rnd(M * K, 5);
      const B = rnd(K * N, 6);
      const C0 = rnd(M * N, 7);
      const results: Float32Array[] = [];
      for (const t of [1, 2, 3]) {
        setNumThreads(t);
        expect(await initThreads()).toBe(t);
        for (const acc of [false, true]) {
          const C = C0.slice();
          wasm!.gemm(ta, tb, M, N, K, A, 0, B, 0, C, 0, acc);
          results.push(C);
        }
      }
      for (let r = 2; r < results.length; r++) expect(results[r]!.every((v, i) => Object.is(v, results[r % 2]![i]))).toBe(true);
      const ref = refGemm(ta, tb, M, N, K, A, 0, B, 0);
      let err = 0;
      for (let i = 0; i < M * N; i++) err = Math.max(err, Math.abs(results[0]![i]! - ref[i]!));
      expect(err).toBeLessThan(1e-4);
    }
  });
});

describe.runIf(wasm !== null)('wasm build artifact', () => {
  it('module.generated.ts equals a fresh build of the .wat sources (no drift)', async () => {
    // @ts-expect-error the build script is plain JavaScript
    const { buildWasm } = await import('../scripts/build-wasm.mjs');
    const fresh: string = await buildWasm();
    const committed = readFileSync(fileURLToPath(new URL('../src/kernels/wasm/module.generated.ts', import.meta.url)), 'utf8');
    expect(committed === fresh, 'run npm run build:wasm and commit the result').toBe(true);
  });
});

describe('tanh kernel', () => {
  it('matches Math.tanh rounded to float32 within 1 ulp, exactly at special values', async () => {
    const { tanhKernel } = await import('../src/kernels/portable/tanh.js');
    const n = 1 << 18;
    const x = new Float32Array(n + 16);
    for (let i = 0; i < n; i++) {
      const u = i / n;
      x[i] = (u < 0.5 ? -1 : 1) * Math.exp(((u * 2) % 1) * 30 - 25); // |x| from 1e-11 to 1e2
    }
    x.set([0, -0, NaN, Infinity, -Infinity, 1e-45, 9, 9.1, 20, 40, 41, 1e30, -1e30, 0.1733, 0.5, -0.5], n);
    const out = new Float32Array(x.length);
    tanhKernel(x, 0, out, 0, x.length);
    const ref = x.map((v) => Math.tanh(v));
    const bo = new Int32Array(out.buffer);
    const br = new Int32Array(ref.buffer);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(ref[i]!)) {
        expect(out[i]).toBeNaN();
        continue;
      }
      worst = Math.max(worst, Math.abs(bo[i]! - br[i]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(Object.is(out[n + 1], -0)).toBe(true);
    expect([out[n + 3], out[n + 4], out[n + 11], out[n + 12]]).toEqual([1, -1, 1, -1]);
  });
});
