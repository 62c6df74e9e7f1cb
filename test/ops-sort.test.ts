import { describe, expect, it } from 'vitest';
import { GradlabError, OptionsError, Tensor, argsort, gradcheck, manualSeed, randn, randperm, sort, tensor, topk, Generator } from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

/**
 * sort, argsort, topk against PyTorch (values, indices, gradient of the values), randperm as a
 * permutation, and Tensor.float()/long() as documented for a float32 library.
 */
interface Case {
  kind: string;
  x: FixtureTensor;
  k?: number;
  opts: Record<string, any>;
  values?: FixtureTensor;
  indices: FixtureTensor;
  gy?: FixtureTensor;
  gx?: FixtureTensor;
}
const fx = loadFixture<Case>('day_one');

describe('sort, argsort and topk against PyTorch', () => {
  for (const [i, c] of fx.cases.entries()) {
    if (c.kind !== 'sort' && c.kind !== 'argsort' && c.kind !== 'topk') continue;
    it(`${i}: ${c.kind} ${JSON.stringify(c.opts)}${c.k !== undefined ? ` k=${c.k}` : ''} ${JSON.stringify(c.x.shape)}`, () => {
      const x = fromFixture(c.x, true);
      if (c.kind === 'argsort') {
        expectClose(argsort(x, c.opts.dim, { descending: c.opts.descending }), c.indices, 0, 0, 'indices');
        // the method and PyTorch's positional form agree
        expectClose(x.argsort(c.opts.dim, c.opts.descending), c.indices, 0, 0, 'indices (method)');
        return;
      }
      const r = c.kind === 'sort'
        ? sort(x, c.opts.dim, { descending: c.opts.descending })
        : topk(x, c.k!, c.opts.dim, { largest: c.opts.largest });
      expectClose(r.values, c.values!, 0, 0, 'values');
      expectClose(r.indices, c.indices, 0, 0, 'indices');
      r.values.backward(fromFixture(c.gy!));
      expectClose(x.grad, c.gx!, 0, 0, 'grad');
      const m = c.kind === 'sort' ? x.sort(c.opts.dim, c.opts.descending) : x.topk(c.k!, c.opts.dim, c.opts.largest);
      expectClose(m.indices, c.indices, 0, 0, 'indices (positional method)');
    });
  }

  it('keeps ties in index order (stable) and gradients check by finite differences', () => {
    const x = tensor([2, 1, 2, 1, 2]);
    expect(sort(x).indices.toArray()).toEqual([1, 3, 0, 2, 4]);
    expect(sort(x, 0, true).indices.toArray()).toEqual([0, 2, 4, 1, 3]);
    expect(topk(x, 2).indices.toArray()).toEqual([0, 2]);
    const g = new Generator(3);
    const y = randn([3, 4], { generator: g, requiresGrad: true });
    expect(gradcheck((a) => sort(a, 1, true).values.mul(a.sort(0).values).sum(), [y], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    expect(gradcheck((a) => topk(a, 2, 0).values.pow(2).sum(), [y], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });

  it('topk with sorted: false returns the chosen elements in index order', () => {
    const x = tensor([[1, 9, 3, 7], [8, 2, 6, 4]]);
    expect(topk(x, 2, 1, { sorted: false }).indices.toArray()).toEqual([[1, 3], [0, 2]]);
    expect(topk(x, 2, 1, true, false).values.toArray()).toEqual([[9, 7], [8, 6]]);
  });

  it('sorts 0-d and empty tensors', () => {
    expect(sort(tensor(3)).values.item()).toBe(3);
    expect(sort(new Tensor(new Float32Array(0), [2, 0]), 1).values.shape).toEqual([2, 0]);
    expect(topk(new Tensor(new Float32Array(0), [0]), 0).values.shape).toEqual([0]);
  });

  it('refuses bad arguments with typed errors', () => {
    const x = randn([2, 3]);
    expect(() => sort(x, 2)).toThrow(GradlabError);
    expect(() => sort(x, 0, { descend: true } as never)).toThrow(/did you mean 'descending'/);
    expect(() => sort(x, 0, 'yes' as never)).toThrow(GradlabError);
    expect(() => topk(x, 4)).toThrow(/k must be an integer in \[0, 3\]/);
    expect(() => topk(x, 1, 0, { biggest: true } as never)).toThrow(OptionsError);
    expect(() => sort('x' as never)).toThrow(GradlabError);
  });
});

describe('randperm', () => {
  it('is a permutation, repeatable under a seed or a generator', () => {
    manualSeed(5);
    const a = randperm(50);
    manualSeed(5);
    const b = randperm(50);
    expect([...a.data]).toEqual([...b.data]);
    expect([...a.data].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a.data]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const g1 = randperm(20, { generator: new Generator(1) });
    const g2 = randperm(20, { generator: new Generator(1) });
    expect([...g1.data]).toEqual([...g2.data]);
    expect(randperm(0).shape).toEqual([0]);
  });

  it('draws every permutation of 3 about equally often', () => {
    const g = new Generator(9);
    const counts = new Map<string, number>();
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const k = [...randperm(3, { generator: g }).data].join('');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // each count is Binomial(6000, 1/6): mean 1000, sd ≈ 28.9; 5 sd either way
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(5 * 28.9);
  });

  it('refuses bad sizes and options', () => {
    expect(() => randperm(-1)).toThrow(GradlabError);
    expect(() => randperm(2.5)).toThrow(GradlabError);
    expect(() => randperm(3, { generater: new Generator(1) } as never)).toThrow(/did you mean 'generator'/);
  });
});

describe('Tensor.float() and .long() in a float32 library', () => {
  it('float() is the tensor itself; long() truncates toward zero and stays float32 without gradient', () => {
    const x = tensor([-1.7, -0.2, 0.2, 2.9, 1e6 + 0.5], { requiresGrad: true });
    expect(x.float()).toBe(x);
    const l = x.long();
    expect([...l.data]).toEqual([-1, 0, 0, 2, 1e6]);
    expect(Object.is(l.data[1], -0)).toBe(false);
    expect(l.dtype).toBe('float32');
    expect(l.requiresGrad).toBe(false);
    expect(l.gradFn).toBeNull();
  });
});
