/**
 * The wasm backend's fused whole-batch convolution (conv2dForward / conv2dInputGrad /
 * conv2dWeightGrad) against the per-image im2col + GEMM fallback of src/ops/conv-core.ts and the
 * portable backend: odd shapes, stride, padding, dilation, groups, batches of 1 and 7, chunked
 * batches, and bit-identical results for 1 and 2 threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { wasmBackend } from '../src/kernels/wasm/index.js';
import { setConvChunkFloats } from '../src/kernels/wasm/conv.js';
import { convForwardData, convInputGradData, convWeightGradData, type ConvGeo } from '../src/ops/conv-core.js';
import { biasGradData } from '../src/ops/conv-bias.js';
import { uniformArray } from './helpers.js';
import { allowThreads } from './thread-host.js';

const rnd = uniformArray;

type Spec = [N: number, C: number, H: number, W: number, O: number, kH: number, kW: number, s: [number, number], p: [number, number], d: [number, number], groups: number];

function geo([N, C, H, W, O, kH, kW, [sH, sW], [pH, pW], [dH, dW], groups]: Spec): ConvGeo {
  const OH = Math.floor((H + 2 * pH - dH * (kH - 1) - 1) / sH) + 1;
  const OW = Math.floor((W + 2 * pW - dW * (kW - 1) - 1) / sW) + 1;
  return { N, C, H, W, O, kH, kW, sH, sW, pH, pW, dH, dW, OH, OW, groups };
}

const SPECS: Spec[] = [
  [1, 1, 5, 5, 1, 3, 3, [1, 1], [0, 0], [1, 1], 1],
  [7, 3, 11, 9, 5, 3, 3, [1, 1], [1, 1], [1, 1], 1],
  [7, 4, 13, 10, 6, 3, 2, [2, 2], [1, 0], [1, 1], 2],
  [1, 6, 17, 19, 9, 3, 3, [2, 3], [2, 1], [2, 1], 3],
  [7, 5, 9, 14, 7, 1, 1, [1, 2], [0, 0], [1, 1], 1],
  [3, 4, 12, 12, 4, 5, 5, [2, 2], [2, 2], [1, 1], 4], // depthwise
  [2, 2, 30, 31, 3, 3, 3, [2, 2], [1, 1], [1, 1], 1], // rows wider than the stride-2 vector path
  [7, 16, 28, 28, 32, 3, 3, [2, 2], [1, 1], [1, 1], 1], // large enough for threads
  [3, 4, 16, 17, 6, 3, 3, [1, 1], [1, 1], [1, 1], 2], // ≥ 128 pixels per image (one image at a time), groups
  [2, 1, 28, 28, 16, 3, 3, [1, 1], [1, 1], [1, 1], 1], // one input channel, 784 pixels
  [2, 3, 9, 10, 4, 3, 3, [1, 1], [2, 2], [2, 2], 1], // stride 1, output as wide as the input, dilated
  [1, 2, 3, 2, 2, 5, 5, [1, 1], [2, 2], [1, 1], 1], // the same with taps a whole row off the image
];

const wasm = wasmBackend();
const FUSED = ['conv2dForward', 'conv2dInputGrad', 'conv2dWeightGrad'] as const;

/** The three results, with the wasm backend's fused kernels on, off (fallback), or portable. */
function run(mode: 'fused' | 'fallback' | 'portable', g: ConvGeo, seed: number): Float32Array[] {
  const b = wasm as unknown as Record<string, unknown>;
  const before = gl.backend().name;
  gl.setBackend(mode === 'portable' ? 'portable' : 'wasm');
  if (mode === 'fallback') for (const f of FUSED) b[f] = undefined;
  try {
    const x = rnd(g.N * g.C * g.H * g.W, seed);
    const w = rnd(g.O * (g.C / g.groups) * g.kH * g.kW, seed + 1);
    const bias = rnd(g.O, seed + 2);
    const dy = rnd(g.N * g.O * g.OH * g.OW, seed + 3);
    return [convForwardData(x, w, bias, g), convForwardData(x, w, null, g), convInputGradData(dy, w, g), convWeightGradData(dy, x, g)];
  } finally {
    for (const f of FUSED) delete b[f];
    gl.setBackend(before);
  }
}

function expectNear(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  expect(worst).toBeLessThan(tol);
}

describe.runIf(wasm !== null)('fused wasm convolution', () => {
  const restore = allowThreads(3); // 3 threads even on 2 cores (setNumThreads caps at the cores)
  afterAll(() => {
    restore();
    gl.setNumThreads(1);
  });

  it('the wasm backend provides the fused kernels', () => {
    expect(typeof wasm!.conv2dForward).toBe('function');
    expect(typeof wasm!.conv2dInputGrad).toBe('function');
    expect(typeof wasm!.conv2dWeightGrad).toBe('function');
  });

  it('agrees with the per-image fallback and the portable backend', () => {
    gl.setNumThreads(1);
    SPECS.forEach((s, i) => {
      const g = geo(s);
      const fused = run('fused', g, 10 * i + 1);
      const fallback = run('fallback', g, 10 * i + 1);
      const portable = run('portable', g, 10 * i + 1);
      for (let r = 0; r < 4; r++) {
        // forward and input gradient: same GEMMs per element as the fallback, summed the same way
        if (r < 3) expect(fused[r]).toEqual(fallback[r]);
        // the weight gradient sums over the whole batch in another order (float32, N·L terms)
        const tol = r === 3 ? 1e-4 : 1e-5;
        expectNear(fused[r]!, fallback[r]!, tol);
        expectNear(fused[r]!, portable[r]!, tol);
      }
    });
  });

  it('processes a batch a chunk of images at a time when it is large, with the same results', () => {
    // 54 pixels per image (3 images share a GEMM) and 240 (one image at a time); budgets of 2 images
    const cases: [ConvGeo, number][] = [
      [geo([7, 3, 11, 9, 5, 3, 3, [2, 1], [1, 1], [1, 1], 1]), 5000],
      [geo([5, 2, 16, 15, 3, 3, 3, [1, 1], [1, 1], [1, 1], 1]), 3000],
    ];
    for (const [g, budget] of cases) {
      const whole = run('fused', g, 77);
      const old = setConvChunkFloats(budget);
      try {
        const chunked = run('fused', g, 77);
        for (let r = 0; r < 3; r++) expect(chunked[r]).toEqual(whole[r]);
        expectNear(chunked[3]!, whole[3]!, 1e-4);
        setConvChunkFloats(1); // one image per chunk
        const single = run('fused', g, 77);
        for (let r = 0; r < 3; r++) expect(single[r]).toEqual(whole[r]);
        expectNear(single[3]!, whole[3]!, 1e-4);
      } finally {
        setConvChunkFloats(old);
      }
    }
  });

  it.runIf(wasm?.threadable ?? false)('is bit-identical for 1, 2 and 3 threads (work queue: any thread takes any chunk)', async () => {
    const g = geo([9, 16, 28, 28, 32, 3, 3, [2, 2], [1, 1], [1, 1], 1]);
    const g2 = geo([5, 8, 30, 30, 16, 3, 3, [1, 1], [1, 1], [1, 1], 2]);
    // 37 images: the weight gradient's 16 partials over 3 images each (the last over 1)
    const g3 = geo([37, 8, 16, 16, 16, 3, 3, [1, 1], [1, 1], [1, 1], 1]);
    // 49 pixels per image: groups of 3 images per GEMM, also inside the weight gradient's partials
    const g4 = geo([33, 16, 14, 14, 32, 3, 3, [2, 2], [1, 1], [1, 1], 1]);
    // (a deep toEqual of these arrays takes seconds; compare bit patterns directly)
    const all = (): Int32Array[] =>
      [run('fused', g, 5), run('fused', g2, 6), run('fused', g3, 7), run('fused', g4, 8)]
        .flat()
        .map((a) => new Int32Array(a.buffer, a.byteOffset, a.length));
    const same = (got: Int32Array[], want: Int32Array[]): boolean =>
      got.length === want.length && got.every((a, i) => a.length === want[i]!.length && a.every((v, j) => v === want[i]![j]));
    gl.setNumThreads(1);
    const one = all();
    gl.setNumThreads(2);
    expect(await gl.initThreads()).toBe(2);
    expect(same(all(), one)).toBe(true);
    gl.setNumThreads(3);
    expect(await gl.initThreads()).toBe(3);
    for (let r = 0; r < 3; r++) expect(same(all(), one)).toBe(true);
  });

  it('gives the bias gradient with the weight gradient, bit-identical to biasGradData (also chunked)', () => {
    gl.setNumThreads(1);
    gl.setBackend('wasm');
    const old = setConvChunkFloats(1 << 24);
    try {
      SPECS.forEach((s, i) => {
        const g = geo(s);
        const x = rnd(g.N * g.C * g.H * g.W, i + 40);
        const dy = rnd(g.N * g.O * g.OH * g.OW, i + 50);
        const want = new Float32Array(g.O);
        biasGradData(dy, g, want);
        setConvChunkFloats(1 << 24);
        const dwAlone = convWeightGradData(dy, x, g);
        for (const chunk of [1 << 24, 1]) {
          setConvChunkFloats(chunk); // whole batch, then one image per chunk
          const db = new Float32Array(g.O).fill(42);
          const dw = convWeightGradData(dy, x, g, db);
          expect(db).toEqual(want);
          if (chunk > 1) expect(dw).toEqual(dwAlone);
        }
      });
    } finally {
      setConvChunkFloats(old);
    }
  });

  it('conv2dBackward gives both gradients and the bias one as the separate calls do, bit for bit', async () => {
    const b = wasm!;
    const cases = [...SPECS, [33, 16, 14, 14, 32, 3, 3, [2, 2], [1, 1], [1, 1], 1] as Spec].map(geo);
    for (const t of [1, 2]) {
      gl.setNumThreads(t);
      if (t > 1) await gl.initThreads();
      cases.forEach((g, i) => {
        const kg = {
          N: g.N, C: g.C, H: g.H, W: g.W, O: g.O, kH: g.kH, kW: g.kW, strideH: g.sH, strideW: g.sW,
          padH: g.pH, padW: g.pW, dilH: g.dH, dilW: g.dW, outH: g.OH, outW: g.OW, groups: g.groups,
        };
        const x = rnd(g.N * g.C * g.H * g.W, i + 60);
        const w = rnd(g.O * (g.C / g.groups) * g.kH * g.kW, i + 61);
        const dy = rnd(g.N * g.O * g.OH * g.OW, i + 62);
        const dx1 = new Float32Array(x.length), dw1 = new Float32Array(w.length), db1 = new Float32Array(g.O);
        b.conv2dInputGrad(dy, w, kg, dx1);
        b.conv2dWeightGrad(dy, x, kg, dw1, db1);
        const dx2 = new Float32Array(x.length).fill(7), dw2 = new Float32Array(w.length).fill(7), db2 = new Float32Array(g.O).fill(7);
        b.conv2dBackward(dy, x, w, kg, dx2, dw2, db2);
        const same = (a: Float32Array, c: Float32Array): boolean => a.every((v, j) => Object.is(v, c[j]));
        expect([i, t, same(dx2, dx1), same(dw2, dw1), same(db2, db1)]).toEqual([i, t, true, true, true]);
      });
    }
    gl.setNumThreads(1);
  });

  it('conv2d on the tape takes both gradients from conv2dBackward, the same as without it', () => {
    gl.setNumThreads(1);
    gl.setBackend('wasm');
    const grads = (): Float32Array[] => {
      gl.manualSeed(21);
      const x = gl.randn([5, 4, 9, 8], { requiresGrad: true });
      const w = gl.randn([6, 2, 3, 3], { requiresGrad: true });
      const bias = gl.randn([6], { requiresGrad: true });
      const y = gl.F.conv2d(x, w, bias, { stride: 1, padding: 1, groups: 2 });
      gl.sum(gl.mul(y, gl.randn(y.shape))).backward();
      return [x.grad!.data, w.grad!.data, bias.grad!.data];
    };
    const calls: number[] = [];
    const orig = wasm!.conv2dBackward.bind(wasm);
    const spy = wasm as unknown as { conv2dBackward: unknown };
    spy.conv2dBackward = (...a: Parameters<typeof orig>) => {
      calls.push(1);
      orig(...a);
    };
    try {
      const fused = grads();
      expect(calls.length).toBe(1);
      spy.conv2dBackward = undefined;
      expect(grads()).toEqual(fused);
    } finally {
      delete (spy as { conv2dBackward?: unknown }).conv2dBackward;
    }
  });

  it('gradients through conv2d still pass gradcheck with the fused kernels', () => {
    gl.setNumThreads(1);
    gl.manualSeed(11);
    const x = gl.randn([2, 4, 7, 6], { requiresGrad: true });
    const w = gl.randn([6, 2, 3, 2], { requiresGrad: true });
    const b = gl.randn([6], { requiresGrad: true });
    const f = (xx: gl.Tensor, ww: gl.Tensor, bb: gl.Tensor) => gl.F.conv2d(xx, ww, bb, { stride: [2, 1], padding: 1, groups: 2 });
    expect(gl.backend().name).toBe('wasm');
    expect(gl.gradcheck(f, [x, w, b], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });
});
