import { describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { tensor, zeros, type Tensor } from '../src/index.js';

const arr = (t: Tensor): number[] => Array.from(t.data);

describe('elementwise conventions', () => {
  it('pow follows C/PyTorch at the special points', () => {
    expect(arr(gl.pow(tensor([1, 1, -1, 0, NaN]), tensor([NaN, Infinity, -Infinity, 0, 0])))).toEqual([1, 1, 1, 1, 1]);
    expect(gl.pow(tensor([-8]), 1 / 3).data[0]).toBeNaN();
    expect(gl.pow(2, 3).item()).toBe(8);
  });

  it('round is half-to-even, keeps -0, and rounds to decimals', () => {
    expect(arr(gl.round(tensor([0.5, 1.5, 2.5, -2.5, -0.4, 3.5])))).toEqual([0, 2, 2, -2, -0, 4]);
    expect(Object.is(gl.round(tensor([-0.4])).data[0], -0)).toBe(true);
    expect(arr(tensor([1.25, 15]).round({ decimals: -1 }))).toEqual([0, 20]);
  });

  it('abs and sign give zero gradient at 0; floor/ceil/round/trunc have zero gradients', () => {
    const x = tensor([-2, 0, 3], { requiresGrad: true });
    x.abs().add(x.sign()).add(x.floor()).add(x.ceil()).add(x.round()).add(x.trunc()).sum().backward();
    expect(arr(x.grad!)).toEqual([-1, 0, 1]);
  });

  it('maximum splits the gradient at ties; clip is clamp', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([1, 3], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(arr(a.grad!)).toEqual([0.5, 0]);
    expect(arr(b.grad!)).toEqual([0.5, 1]);
    expect(gl.clip).toBe(gl.clamp);
  });

  it('x.where(cond, y) is where(cond, x, y); gradients are routed by the condition', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([10], { requiresGrad: true });
    const out = x.where(tensor([1, 0, 1]), y);
    expect(arr(out)).toEqual([1, 10, 3]);
    out.sum().backward();
    expect(arr(x.grad!)).toEqual([1, 0, 1]);
    expect(arr(y.grad!)).toEqual([1]);
  });
});

describe('comparisons', () => {
  it('return 0/1 float tensors without gradient, NaN compares unequal', () => {
    const x = tensor([1, NaN, 3], { requiresGrad: true });
    const e = x.eq(tensor([1, NaN, 2]));
    expect(arr(e)).toEqual([1, 0, 0]);
    expect(e.requiresGrad).toBe(false);
    expect(arr(x.ne(x))).toEqual([0, 1, 0]);
  });

  it('allclose/equal return booleans', () => {
    expect(gl.allclose(tensor([1, 2]), tensor([1 + 1e-6, 2]))).toBe(true);
    expect(gl.allclose(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(tensor([NaN]).allclose(tensor([NaN]), { equalNan: true })).toBe(true);
    expect(gl.allclose(tensor([1]), tensor([1.1]), { rtol: 0.2 })).toBe(true);
    expect(gl.equal(tensor([1, 2]), tensor([1, 2]))).toBe(true);
    expect(gl.equal(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
    expect(tensor([NaN]).equal(tensor([NaN]))).toBe(false);
  });

  it('any/all reduce to 0-d tensors by default', () => {
    const x = tensor([[0, 1], [0, 0]]);
    expect(x.any().shape).toEqual([]);
    expect(x.any().item()).toBe(1);
    expect(x.all().item()).toBe(0);
    expect(arr(x.any(1))).toEqual([1, 0]);
    expect(gl.any(zeros([0])).item()).toBe(0);
    expect(gl.all(zeros([0])).item()).toBe(1);
  });
});

describe('reductions', () => {
  it('var accepts an options object in place of dim, and the old unbiased flag', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(x.var().item()).toBeCloseTo(5 / 3, 6);
    expect(x.var({ unbiased: false }).item()).toBeCloseTo(1.25, 6);
    expect(gl.variance(x, 0, { correction: 0 }).item()).toBeCloseTo(1.25, 6);
    const [v, m] = x.varMean();
    expect([v.item(), m.item()]).toEqual([expect.closeTo(5 / 3, 6), 2.5]);
  });

  it('var is float64-accurate on large offsets', () => {
    const x = tensor([1e4 + 1, 1e4 + 2, 1e4 + 3]);
    expect(x.var().item()).toBeCloseTo(1, 6);
  });

  it('max(dim) returns typed values and first-occurrence indices; the gradient goes to that index', () => {
    const x = tensor([[1, 3, 3], [2, 0, 2]], { requiresGrad: true });
    const { values, indices } = x.max(1);
    expect(arr(values)).toEqual([3, 2]);
    expect(arr(indices)).toEqual([1, 0]);
    expect(indices.requiresGrad).toBe(false);
    values.sum().backward();
    expect(arr(x.grad!)).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it('max() splits the gradient among ties; amax over a list of dims', () => {
    const x = tensor([[1, 3], [3, 0]], { requiresGrad: true });
    x.max().backward();
    expect(arr(x.grad!)).toEqual([0, 0.5, 0.5, 0]);
    expect(gl.amax(tensor([[[1, 5]], [[7, 2]]]), [0, 2]).shape).toEqual([1]);
  });

  it('argmax without dim indexes the flattened tensor', () => {
    expect(tensor([[1, 9], [9, 2]]).argmax().item()).toBe(1);
    expect(tensor([[1, 9], [9, 2]]).argmin(0, { keepdim: true }).shape).toEqual([1, 2]);
  });

  it('norm of zeros has zero gradient; norm accumulates in float64', () => {
    const z = zeros([3], { requiresGrad: true });
    z.norm().backward();
    expect(arr(z.grad!)).toEqual([0, 0, 0]);
    expect(tensor([3e20, 4e20]).norm().item()).toBeCloseTo(5e20, -14);
    expect(tensor([1e-30, 1e-30]).norm(2).item()).toBeGreaterThan(0);
  });

  it('logsumexp is stable for large inputs', () => {
    expect(tensor([1000, 1000]).logsumexp().item()).toBeCloseTo(1000 + Math.log(2), 3);
    expect(tensor([-1000, -1000]).logsumexp(0).item()).toBeCloseTo(-1000 + Math.log(2), 3);
  });

  it('prod gradient with one zero is the product of the others, with two zeros is zero', () => {
    const x = tensor([2, 0, 3], { requiresGrad: true });
    x.prod().backward();
    expect(arr(x.grad!)).toEqual([0, 6, 0]);
    const y = tensor([0, 0, 3], { requiresGrad: true });
    y.prod().backward();
    expect(arr(y.grad!)).toEqual([0, 0, 0]);
  });

  it('cumsum gradient is the reversed cumulative sum', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.cumsum(0).backward(tensor([1, 10, 100]));
    expect(arr(x.grad!)).toEqual([111, 110, 100]);
  });
});

describe('indexing', () => {
  const x = tensor([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  it('narrow/slice/select follow Python indexing', () => {
    expect(x.narrow(1, -2, 2).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
    expect(x.slice(1, -3, -1).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(x.slice(0, 5).shape).toEqual([0, 4]);
    expect(x.slice(1, 3, 1).shape).toEqual([3, 0]);
    expect(x.select(0, -1).toArray()).toEqual([8, 9, 10, 11]);
  });

  it('split/chunk return pieces like PyTorch', () => {
    expect(x.split(3, 1).map((t) => t.shape)).toEqual([[3, 3], [3, 1]]);
    expect(gl.chunk(tensor([1, 2, 3, 4, 5, 6]), 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(gl.chunk(zeros([0, 2]), 2).map((t) => t.shape)).toEqual([[0, 2], [0, 2]]);
  });

  it('cat skips legacy empty 1-D tensors; stack adds a dim', () => {
    expect(gl.cat([x, zeros([0])]).shape).toEqual([3, 4]);
    expect(gl.stack([x, x], 2).shape).toEqual([3, 4, 2]);
  });

  it('expand/repeat/flip accept varargs or one array', () => {
    const v = tensor([[1], [2]]);
    expect(v.expand(2, 3).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(v.expand([3, -1, 2]).shape).toEqual([3, 2, 2]);
    expect(v.expandAs(zeros([2, 2])).shape).toEqual([2, 2]);
    expect(v.repeat([1, 2]).toArray()).toEqual([[1, 1], [2, 2]]);
    expect(v.flip(0).toArray()).toEqual([[2], [1]]);
  });

  it('gather/scatter/scatterAdd/indexSelect/indexAdd', () => {
    const i = tensor([[3, 0], [1, 1], [0, 2]]);
    expect(x.gather(1, i).toArray()).toEqual([[3, 0], [5, 5], [8, 10]]);
    expect(zeros([2, 3]).scatterAdd(1, tensor([[0, 0, 2]]), tensor([[1, 2, 3]])).toArray()).toEqual([[3, 0, 3], [0, 0, 0]]);
    expect(zeros([2, 2]).scatter(0, tensor([[1, 0]]), 7).toArray()).toEqual([[0, 7], [7, 0]]);
    expect(x.indexSelect(0, tensor([2, 0])).toArray()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(x.indexSelect(1, tensor(1)).shape).toEqual([3, 1]);
    expect(zeros([3]).indexAdd(0, tensor([0, 0, 2]), tensor([1, 2, 3])).toArray()).toEqual([3, 0, 3]);
  });

  it('maskedFill/tril/triu set exact values even for non-finite inputs', () => {
    const m = tensor([[Infinity, NaN], [1, 2]]);
    expect(m.tril().toArray()).toEqual([[Infinity, 0], [1, 2]]);
    expect(m.triu(1).toArray()).toEqual([[0, NaN], [0, 0]]);
    expect(m.maskedFill(m.isnan(), 0).toArray()).toEqual([[Infinity, 0], [1, 2]]);
  });
});
