import { describe, expect, it } from 'vitest';
import { NonFiniteError, Tensor, ValueError, ShapeError, nn, zeros, tensor } from '../src/index.js';
import { expectClose, fromFixture, loadFixture } from './helpers.js';

const { clipGradNorm_, clipGradValue_, getTotalNorm, clipGradsWithNorm_, parametersToVector, vectorToParameters } = nn.utils;
const fx = loadFixture('clip');
const p = (x: string | number) => (x === 'inf' ? Infinity : (x as number));

function params(grads: any[]): Tensor[] {
  return grads.map((g) => {
    if (g === null) return zeros([2], { requiresGrad: true });
    const q = zeros(g.shape, { requiresGrad: true });
    q.grad = fromFixture(g);
    return q;
  });
}

describe('clipGradNorm_ (vs PyTorch)', () => {
  it('p = 1, 2, 3, ∞, 0.5; clipping and no-op cases; a grad-less parameter is skipped', () => {
    const cases = fx.cases.filter((c) => c.kind === 'norm');
    expect(cases.length).toBe(10);
    for (const c of cases) {
      const ps = params(c.grads);
      const total = clipGradNorm_(ps, c.maxNorm, { normType: p(c.normType) });
      expect(total.shape).toEqual([]);
      expect(total.item()).toBeCloseTo(c.total, 4);
      expect(Math.abs(total.item() - c.total) / c.total).toBeLessThan(1e-6);
      ps.forEach((q, i) => (c.after[i] ? expectClose(q.grad, c.after[i], 1e-7, 1e-5, `p=${c.normType} max=${c.maxNorm} grad ${i}`) : expect(q.grad).toBeNull()));
    }
  });
  it('non-finite norms: NaN/Inf total returned, grads scaled like PyTorch, errorIfNonfinite throws', () => {
    const cases = fx.cases.filter((c) => c.kind === 'nonfinite');
    expect(cases.length).toBe(4);
    for (const c of cases) {
      const ps = params(c.grads);
      const total = clipGradNorm_(ps, c.maxNorm, { normType: p(c.normType) });
      expectClose(total, c.total, 0, 0, 'total');
      ps.forEach((q, i) => expectClose(q.grad, c.after[i], 0, 0, `${c.name} grad ${i}`));
      expect(c.raised).toBe(true);
      const fresh = params(c.grads);
      expect(() => clipGradNorm_(fresh, 1, { normType: p(c.normType), errorIfNonfinite: true })).toThrow(NonFiniteError);
      expect(() => clipGradNorm_(fresh, 1, { normType: p(c.normType), errorIfNonfinite: true })).toThrow(/non-finite.*errorIfNonfinite: false/);
      fresh.forEach((q, i) => expectClose(q.grad, c.grads[i], 0, 0, 'untouched after the error'));
    }
  });
  it('a single tensor, an iterable, no gradients at all', () => {
    const q = tensor([3, 4], { requiresGrad: true });
    q.grad = tensor([3, 4]);
    expect(clipGradNorm_(q, 1).item()).toBeCloseTo(5, 6);
    expect(Array.from(q.grad.data).map((v) => +v.toFixed(5))).toEqual([0.6, 0.8]);
    function* gen() { yield q; }
    expect(clipGradNorm_(gen(), 10).item()).toBeCloseTo(1, 5);
    expect(clipGradNorm_([zeros([3], { requiresGrad: true })], 1).item()).toBe(0);
    expect(clipGradNorm_([], 1).shape).toEqual([]);
  });
  it('getTotalNorm and clipGradsWithNorm_ split the two halves', () => {
    const c = fx.cases.find((c) => c.kind === 'norm' && c.normType === 2 && c.maxNorm === 0.5)!;
    const ps = params(c.grads);
    const grads = ps.flatMap((q) => (q.grad ? [q.grad] : []));
    const total = getTotalNorm(grads);
    expect(total.item()).toBeCloseTo(c.total, 4);
    clipGradsWithNorm_(ps, 0.5, total);
    ps.forEach((q, i) => c.after[i] && expectClose(q.grad, c.after[i], 1e-7, 1e-5));
    expect(() => getTotalNorm([tensor([NaN])], { errorIfNonfinite: true })).toThrow(NonFiniteError);
  });
  it('rejects bad arguments with typed errors', () => {
    const q = zeros([2], { requiresGrad: true });
    expect(() => clipGradNorm_(q, -1)).toThrow(ValueError);
    expect(() => clipGradNorm_(q, 1, { normType: 0 })).toThrow(/normType must be a positive number or Infinity/);
    expect(() => clipGradNorm_(q, 1, { normType: -Infinity })).toThrow(ValueError);
    expect(() => clipGradNorm_(null as any, 1)).toThrow(/Tensor or an iterable/);
    expect(() => clipGradNorm_([q, 3 as any], 1)).toThrow(/parameters\[1\] is not a Tensor/);
    expect(() => clipGradValue_(q, -0.1)).toThrow(/clipValue must be a number >= 0/);
  });
});

describe('clipGradValue_ (vs PyTorch)', () => {
  it('clamps every gradient to [−v, v]', () => {
    for (const c of fx.cases.filter((c) => c.kind === 'value')) {
      const ps = params(c.grads);
      clipGradValue_(ps, c.clip);
      ps.forEach((q, i) => (c.after[i] ? expectClose(q.grad, c.after[i], 0, 0, `clip ${c.clip}`) : expect(q.grad).toBeNull()));
    }
    const q = tensor([NaN, 5], { requiresGrad: true });
    q.grad = tensor([NaN, 5]);
    clipGradValue_(q, 1);
    expect(Number.isNaN(q.grad.data[0])).toBe(true);
    expect(q.grad.data[1]).toBe(1);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('round trips and is differentiable', () => {
    const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = tensor([5, 6, 7], { requiresGrad: true });
    const v = parametersToVector([a, b]);
    expect(v.shape).toEqual([7]);
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    v.mul(tensor([1, 2, 3, 4, 5, 6, 7])).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(b.grad!.data)).toEqual([5, 6, 7]);
    vectorToParameters(tensor([7, 6, 5, 4, 3, 2, 1]), [a, b]);
    expect(a.toArray()).toEqual([[7, 6], [5, 4]]);
    expect(Array.from(b.data)).toEqual([3, 2, 1]);
  });
  it('gradients flow through a nonlinear use of the vector', () => {
    const a = tensor([0.5, -1], { requiresGrad: true });
    const v = parametersToVector([a]);
    const y = v.mul(v).sum();
    y.backward();
    expect(Array.from(a.grad!.data)).toEqual([1, -2]);
  });
  it('size mismatches and non-tensors throw', () => {
    const a = zeros([2, 2], { requiresGrad: true });
    expect(() => vectorToParameters(tensor([1, 2, 3]), [a])).toThrow(ShapeError);
    expect(() => vectorToParameters(tensor([1, 2, 3]), [a])).toThrow(/3 elements but the 1 parameters hold 4/);
    expect(() => vectorToParameters(tensor([[1, 2], [3, 4]]), [a])).toThrow(/must be 1-D/);
    expect(() => vectorToParameters([1, 2, 3, 4] as any, [a])).toThrow(ValueError);
  });
});
