import { describe, expect, it } from 'vitest';
import { tensor, randn, manualSeed, matmul, noGrad, gradcheck, ShapeError, AutogradError, autograd, sum } from '../src/index.js';

describe('core autograd', () => {
  it('computes gradients of a small expression', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6, 8]);
  });

  it('accumulates gradients across backward calls', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 4, 4]);
  });

  it('refuses a second backward through a freed graph', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.tanh().sum();
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/second time/);
  });

  it('retainGraph allows a second pass', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.tanh().sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad!.data[0]).toBeCloseTo(2 * (1 - Math.tanh(1) ** 2), 5);
  });

  it('matmul rejects mismatched shapes with a named error', () => {
    expect(() => matmul(randn([2, 3]), randn([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(randn([2, 3]), randn([4, 5]))).toThrow('matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)');
  });

  it('gradcheck passes for a composite of core ops with broadcasting and batching', () => {
    manualSeed(1);
    const a = randn([2, 3, 4], { requiresGrad: true });
    const b = randn([4, 5], { requiresGrad: true });
    const c = randn([5], { requiresGrad: true });
    expect(gradcheck((a, b, c) => matmul(a, b).add(c).tanh().mul(a.sum(-1, { keepdim: true })), [a, b, c])).toBe(true);
  });

  it('noGrad stops recording', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
  });

  it('a 2000-layer chain backpropagates without overflowing the stack', () => {
    const x = tensor([0.5], { requiresGrad: true });
    let h = x;
    for (let i = 0; i < 2000; i++) h = h.mul(1.0001).add(0);
    h.sum().backward();
    expect(x.grad!.data[0]).toBeCloseTo(1.0001 ** 2000, 3);
  });

  it('autograd.grad returns gradients without touching .grad; hooks can replace gradients', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(2);
    h.registerHook((g) => g.mul(10));
    const [gx] = autograd.grad(sum(h.mul(h)), [x]);
    expect(Array.from(gx!.data)).toEqual([80, 160, 240]);
    expect(x.grad).toBeNull();
  });
});

describe('relu kernels on special values (branch-free bit patterns)', () => {
  it('matches the float definitions for ±0, ±Inf, NaN, subnormals', async () => {
    const { relu, reluBackward } = await import('../src/ops/unary.js');
    const vals = [1, -1, 0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.5, -2.25];
    const x = tensor(vals);
    const y = relu(x);
    vals.forEach((v, i) => {
      const want = v > 0 || Number.isNaN(v) ? Math.fround(v) : 0;
      expect(Object.is(y.data[i], want) || (Number.isNaN(want) && Number.isNaN(y.data[i]!))).toBe(true);
    });
    const g = tensor(vals.map((_, i) => i + 1));
    const gx = reluBackward(g, x); // any y, incl. negatives and -0
    vals.forEach((v, i) => expect(gx.data[i]).toBe(Math.fround(v) <= 0 ? 0 : i + 1));
  });
});
