import { describe, expect, it } from 'vitest';
import {
  Tensor, tensor, randn, manualSeed, gradcheck, ShapeError, ValueError, autograd, enableGrad, Generator,
  conv2d, conv1d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, dropout, dropout2d,
} from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

type Case = {
  kind: string;
  op: string;
  opts: any;
  inputs: FixtureTensor[];
  y: FixtureTensor;
  g?: FixtureTensor;
  grads?: (FixtureTensor | null)[];
  indices?: FixtureTensor;
};

const fx = loadFixture<Case>('ops_nn_conv');

/** The fixture's options without the kernel size, which is positional. */
const rest = ({ kernelSize: _k, ...o }: Record<string, any>): Record<string, any> => o;

function fnOf(c: Case): (...xs: Tensor[]) => Tensor {
  const o = c.opts;
  switch (c.op) {
    case 'conv2d': return (x, w, b) => conv2d(x!, w!, b, o);
    case 'conv1d': return (x, w, b) => conv1d(x!, w!, b, o);
    case 'convTranspose2d': return (x, w, b) => convTranspose2d(x!, w!, b, o);
    case 'maxPool2d': return (x) => maxPool2d(x!, o.kernelSize, rest(o));
    case 'avgPool2d': return (x) => avgPool2d(x!, o.kernelSize, rest(o));
    case 'adaptiveAvgPool2d': return (x) => adaptiveAvgPool2d(x!, o.outputSize);
    case 'adaptiveMaxPool2d': return (x) => adaptiveMaxPool2d(x!, o.outputSize);
  }
  throw new Error(`no op ${c.op}`);
}

describe('conv and pooling against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    it(`${i}: ${c.op} ${JSON.stringify(c.opts)} ${JSON.stringify(c.inputs.map((t) => t.shape))}`, () => {
      if (c.kind === 'poolIndices') {
        const x = fromFixture(c.inputs[0]!);
        const [y, idx] =
          c.op === 'maxPool2d'
            ? maxPool2d(x, c.opts.kernelSize, { ...rest(c.opts), returnIndices: true })
            : adaptiveMaxPool2d(x, c.opts.outputSize, { returnIndices: true });
        expectClose(y, c.y, 0, 0, 'values');
        expectClose(idx, c.indices!, 0, 0, 'indices');
        return;
      }
      const inputs = c.inputs.map((t) => fromFixture(t, true));
      const y = fnOf(c)(...inputs);
      expectClose(y, c.y, 1e-4, 1e-4, 'forward');
      const gs = autograd.grad([y], inputs, { gradOutputs: [fromFixture(c.g!)] });
      c.grads!.forEach((ref, j) => expectClose(gs[j], ref!, 1e-4, 1e-4, `grad of input ${j}`));
    });
  }
});

describe('conv and pooling: gradcheck incl. second order', () => {
  const second = (f: (...a: Tensor[]) => Tensor, k: number) => (...a: Tensor[]): Tensor =>
    enableGrad(() => {
      const y = f(...a);
      return autograd.grad([y.mul(y).sum()], [a[k]!], { createGraph: true })[0]!;
    });

  it('conv2d with stride, padding, dilation, groups and bias', () => {
    manualSeed(11);
    const x = randn([2, 4, 5, 5], { requiresGrad: true });
    const w = randn([6, 2, 3, 2], { requiresGrad: true });
    const b = randn([6], { requiresGrad: true });
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
    expect(gradcheck(f, [x, w, b])).toBe(true);
    expect(gradcheck(second(f, 0), [x, w, b], { atol: 3e-2, rtol: 3e-2 })).toBe(true);
    expect(gradcheck(second(f, 1), [x, w, b], { atol: 3e-2, rtol: 3e-2 })).toBe(true);
  });

  it('convTranspose2d and conv1d', () => {
    manualSeed(12);
    const x = randn([2, 3, 3, 4], { requiresGrad: true });
    const w = randn([3, 2, 3, 3], { requiresGrad: true });
    const b = randn([2], { requiresGrad: true });
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });
    expect(gradcheck(f, [x, w, b])).toBe(true);
    expect(gradcheck(second(f, 0), [x, w, b], { atol: 3e-2, rtol: 3e-2 })).toBe(true);
    const x1 = randn([2, 2, 7], { requiresGrad: true });
    const w1 = randn([3, 2, 3], { requiresGrad: true });
    expect(gradcheck((x, w) => conv1d(x, w, null, { padding: 'same', dilation: 2 }), [x1, w1])).toBe(true);
  });

  it('pools', () => {
    // Max pooling has a kink wherever two window values tie: use distinct values at least 0.02
    // apart (≫ the finite-difference step), in a seeded random order.
    manualSeed(13);
    const order = randn([120]).data;
    const ranks = Array.from(order.keys()).sort((a, b) => order[a]! - order[b]!);
    const vals = new Float32Array(120);
    ranks.forEach((idx, r) => (vals[idx] = (r - 60) * 0.02));
    const x = tensor(vals, { shape: [2, 2, 5, 6], requiresGrad: true });
    const fs = [
      (v: Tensor) => maxPool2d(v, 3, { stride: 2, padding: 1, ceilMode: true }),
      (v: Tensor) => avgPool2d(v, [2, 3], { stride: [2, 1], padding: [1, 1], ceilMode: true, countIncludePad: false }),
      (v: Tensor) => adaptiveAvgPool2d(v, [3, 4]),
      (v: Tensor) => adaptiveMaxPool2d(v, [2, 4]),
    ];
    for (const f of fs) {
      expect(gradcheck(f, [x])).toBe(true);
      expect(gradcheck(second((v) => f(v).tanh(), 0), [x], { atol: 3e-2, rtol: 3e-2 })).toBe(true);
    }
  });

  it('images batched into shared GEMMs (small outputs) match one image at a time', () => {
    manualSeed(14);
    // 4x4 outputs: 8 images share a GEMM, so a batch of 43 runs as 6 chunks (the last one short).
    const x = randn([43, 3, 6, 6], { requiresGrad: true });
    const w = randn([5, 3, 3, 3], { requiresGrad: true });
    const y = conv2d(x, w);
    const g = randn(y.shape as number[]);
    const [gx, gw] = autograd.grad([y], [x, w], { gradOutputs: [g] });
    const img = 3 * 36;
    const L = 5 * 16;
    let gwSum = new Float32Array(w.data.length);
    for (const n of [0, 7, 8, 42]) {
      const xn = new Tensor(x.data.slice(n * img, (n + 1) * img), [1, 3, 6, 6], true);
      const yn = conv2d(xn, w);
      expectClose(new Tensor(y.data.slice(n * L, (n + 1) * L), yn.shape), yn, 1e-5, 1e-5, `image ${n}`);
      const [gxn] = autograd.grad([yn], [xn], { gradOutputs: [new Tensor(g.data.slice(n * L, (n + 1) * L), yn.shape)] });
      expectClose(new Tensor(gx!.data.slice(n * img, (n + 1) * img), gxn!.shape), gxn!, 1e-5, 1e-5, `dx of image ${n}`);
    }
    // dW is the sum over images of the per-image weight gradients
    for (let n = 0; n < 43; n++) {
      const xn = new Tensor(x.data.slice(n * img, (n + 1) * img), [1, 3, 6, 6]);
      const [gwn] = autograd.grad([conv2d(xn, w)], [w], { gradOutputs: [new Tensor(g.data.slice(n * L, (n + 1) * L), [1, 5, 4, 4])] });
      gwSum = gwSum.map((v, i) => v + gwn!.data[i]!);
    }
    expectClose(gw, new Tensor(gwSum, w.shape as number[]), 1e-4, 1e-4, 'dW');
  });
});

describe('dropout', () => {
  it('keeps 1−p of the elements, scaled by 1/(1−p), and is reproducible with a generator', () => {
    const x = new Tensor(new Float32Array(20000).fill(1), [20000], true);
    const y = dropout(x, { p: 0.3, generator: new Generator(7) });
    let kept = 0;
    let wrong = 0;
    const scale = Math.fround(1 / 0.7);
    for (const v of y.data) {
      if (v !== 0) kept++;
      if (v !== 0 && v !== scale) wrong++;
    }
    expect(wrong).toBe(0);
    // Binomial(20000, 0.7): σ ≈ 65; allow 5σ.
    expect(Math.abs(kept - 14000)).toBeLessThan(5 * Math.sqrt(20000 * 0.3 * 0.7));
    const y2 = dropout(x, { p: 0.3, generator: new Generator(7) });
    expect(Array.from(y2.data)).toEqual(Array.from(y.data));
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.data));
  });

  it('eval mode and p = 0 are the identity; p = 1 zeroes (NaN stays NaN)', () => {
    const x = tensor([1, NaN, 3]);
    expect(dropout(x, { training: false })).toBe(x);
    expect(dropout(x, { p: 0 })).toBe(x);
    const z = dropout(x, { p: 1 });
    expect(z.data[0]).toBe(0);
    expect(Number.isNaN(z.data[1])).toBe(true);
  });

  it('dropout2d zeroes whole channels', () => {
    const x = new Tensor(new Float32Array(4 * 50 * 9).fill(1), [4, 50, 3, 3]);
    const y = dropout2d(x, { p: 0.5, generator: new Generator(3) });
    for (let c = 0; c < 200; c++) {
      const ch = y.data.subarray(c * 9, c * 9 + 9);
      expect(ch.every((v) => v === ch[0])).toBe(true);
    }
    expect(() => dropout2d(randn([3, 4]))).toThrow(ShapeError);
  });

  it('validates p', () => {
    expect(() => dropout(randn([2]), { p: 1.5 })).toThrow(ValueError);
    expect(() => dropout(randn([2]), { p: -0.1 })).toThrow(/dropout probability has to be between 0 and 1, but got -0.1/);
  });
});

describe('conv and pooling errors', () => {
  it('conv2d names channel and geometry mistakes', () => {
    expect(() => conv2d(randn([2, 3, 5, 5]), randn([8, 4, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(randn([2, 3, 5, 5]), randn([8, 4, 3, 3]))).toThrow(
      'conv2d: input [2,3,5,5] has 3 channels but weight [8,4,3,3] expects 4 (in_channels / groups = 4, groups = 1)',
    );
    expect(() => conv2d(randn([1, 3, 2, 2]), randn([1, 3, 3, 3]))).toThrow(/smaller than the kernel size/);
    expect(() => conv2d(randn([1, 3, 5, 5]), randn([1, 3, 3, 3]), null, { stride: 2, padding: 'same' })).toThrow(/not supported for strided/);
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/divisible by groups/);
    expect(() => conv2d(randn([1, 3, 5, 5]), randn([2, 3, 3, 3]), randn([3]))).toThrow(/bias must have shape \[2\]/);
    expect(() => conv2d(randn([3, 5]), randn([2, 3, 3, 3]))).toThrow(/expected a 4-D/);
    expect(() => conv2d(randn([1, 3, 5, 5]), randn([2, 3, 3, 3]), null, { stride: 0 })).toThrow(ValueError);
    expect(() => conv1d(randn([1, 3, 5]), randn([2, 2, 3]))).toThrow(/conv1d: input \[1,3,5\] has 3 channels/);
    expect(() => convTranspose2d(randn([1, 3, 4, 4]), randn([3, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding/);
  });

  it('pools check padding, size and options', () => {
    expect(() => maxPool2d(randn([1, 1, 6, 6]), 2, { padding: 2 })).toThrow(/at most half of the kernel size/);
    expect(() => maxPool2d(randn([1, 1, 2, 2]), 3)).toThrow(ShapeError);
    expect(() => avgPool2d(randn([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow(/divisorOverride/);
    expect(() => adaptiveAvgPool2d(randn([1, 1, 4, 4]), 0)).toThrow(ValueError);
    expect(() => maxPool2d(randn([4, 4]), 2)).toThrow(/expected a 4-D \[N,C,H,W\] or 3-D \[C,H,W\] input/);
  });
});
