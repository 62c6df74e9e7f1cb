import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, enableGrad, Tensor, ValueError, F, autograd, gradcheck, mul, nn, noGrad, ones, randn, sum, tensor, zeros } from '../src/index.js';

const g = new Generator(11);
const rn = (shape: number[], scale = 1, requiresGrad = true): Tensor => {
  const t = randn(shape, { generator: g });
  for (let i = 0; i < t.data.length; i++) t.data[i] *= scale;
  t.requiresGrad = requiresGrad;
  return t;
};
const near1 = (n: number): Tensor => {
  const t = rn([n], 0.3);
  for (let i = 0; i < n; i++) t.data[i] += 1;
  return t;
};

/** Second order: the gradient of ⟨v, ∂(⟨u, f⟩)/∂inputs⟩ checked by finite differences. */
function gradOfGrad(f: (...xs: Tensor[]) => Tensor, seed: number): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) =>
    enableGrad(() => {
      const y = f(...xs);
      const u = randn(y.shape, { generator: new Generator(seed) });
      const grads = autograd.grad([sum(mul(y, u))], xs, { createGraph: true });
      return grads.reduce((acc: Tensor | null, gr, i) => {
        const s = sum(mul(gr!, randn(gr!.shape, { generator: new Generator(seed + i + 1) })));
        return acc ? acc.add(s) : s;
      }, null)!;
    });
}

describe('normalization ops: finite-difference gradients', () => {
  const opts = { eps: 1e-3, atol: 2e-2, rtol: 2e-2 };
  it('batchNorm (training and eval) with affine', () => {
    const x = rn([4, 3, 5], 1.5);
    const w = near1(3);
    const b = rn([3], 0.5);
    expect(gradcheck((x, w, b) => F.batchNorm(x, null, null, w, b, true), [x, w, b], opts)).toBe(true);
    const rm = rn([3], 0.5, false);
    const rv = tensor([0.8, 1.3, 2.0]);
    expect(gradcheck((x, w, b) => F.batchNorm(x, rm, rv, w, b, false), [x, w, b], opts)).toBe(true);
  });

  it('layerNorm, groupNorm, instanceNorm', () => {
    const x = rn([3, 4, 5], 2);
    const w = near1(20).reshape([4, 5]);
    w.requiresGrad = true;
    const b = rn([4, 5], 0.3);
    expect(gradcheck((x, w, b) => F.layerNorm(x, [4, 5], w, b), [x, w, b], opts)).toBe(true);
    const x4 = rn([2, 6, 2, 3], 1.2);
    const w6 = near1(6);
    const b6 = rn([6], 0.2);
    expect(gradcheck((x, w, b) => F.groupNorm(x, 3, w, b), [x4, w6, b6], opts)).toBe(true);
    expect(gradcheck((x, w, b) => F.instanceNorm(x, null, null, w, b), [x4, w6, b6], opts)).toBe(true);
    expect(gradcheck((x) => F.layerNorm(x, 5), [x], opts)).toBe(true);
  });

  it('second-order gradients (createGraph) of every norm op', () => {
    const opts2 = { eps: 1e-3, atol: 5e-2, rtol: 5e-2 };
    const x = rn([4, 3, 2], 1.5);
    const w = near1(3);
    const b = rn([3], 0.5);
    const rm = rn([3], 0.5, false);
    const rv = tensor([0.8, 1.3, 2.0]);
    const fns: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor][] = [
      ['batchNorm', (x, w, b) => F.batchNorm(x, null, null, w, b, true)],
      ['batchNorm eval', (x, w, b) => F.batchNorm(x, rm, rv, w, b, false)],
      ['groupNorm', (x, w, b) => F.groupNorm(x, 3, w, b)],
      ['instanceNorm', (x, w, b) => F.instanceNorm(x, null, null, w, b)],
    ];
    for (const [, f] of fns) expect(gradcheck(gradOfGrad(f, 3), [x, w, b], opts2)).toBe(true);
    const ln = (x: Tensor, w: Tensor, b: Tensor): Tensor => F.layerNorm(x, [2], w, b);
    const w2 = near1(2);
    const b2 = rn([2], 0.4);
    expect(gradcheck(gradOfGrad(ln, 4), [x, w2, b2], opts2)).toBe(true);
  });
});

describe('normalization ops: statistics and errors', () => {
  it('batchNorm updates running stats with the unbiased variance and normalises with the biased one', () => {
    const x = tensor([[1], [2], [3], [6]]); // one channel, n = 4: mean 3, biased var 3.5, unbiased 14/3
    const rm = zeros([1]);
    const rv = ones([1]);
    const y = F.batchNorm(x, rm, rv, null, null, true, 0.1, 0);
    expect(y.data[0]).toBeCloseTo(-2 / Math.sqrt(3.5), 5);
    expect(rm.data[0]).toBeCloseTo(0.3, 6);
    expect(rv.data[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 5);
    // float64 statistics: a large offset does not swamp the variance
    const big = tensor([[10000.5], [10001.5], [10000.5], [10001.5]]);
    const yb = F.batchNorm(big, null, null, null, null, true, 0.1, 0);
    expect([...yb.data].map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-1, 1, -1, 1]);
  });

  it('rejects bad arguments with typed, helpful errors', () => {
    const x = randn([4, 3, 5]);
    expect(() => F.batchNorm(x, null, null, ones([4]))).toThrow(ShapeError);
    expect(() => F.batchNorm(x, null, null, ones([4]), null, true)).toThrow(/C=3/);
    expect(() => F.batchNorm(x, null, null)).toThrow(/eval mode/);
    expect(() => F.batchNorm(randn([1, 3]), null, null, null, null, true)).toThrow(/more than 1 value per channel/);
    expect(() => F.batchNorm(randn([5]), null, null, null, null, true)).toThrow(ShapeError);
    expect(() => F.batchNorm(x, null, null, null, null, true, 1.5)).toThrow(ValueError);
    expect(() => F.batchNorm(x, null, null, null, null, true, 0.1, -1)).toThrow(/eps/);
    expect(() => F.layerNorm(x, [3])).toThrow(/trailing dims/);
    expect(() => F.layerNorm(x, [5], ones([4]))).toThrow(ShapeError);
    expect(() => F.groupNorm(x, 2)).toThrow(/cannot be split into 2 groups/);
    expect(() => F.groupNorm(randn([3]), 1)).toThrow(ShapeError);
    expect(() => F.instanceNorm(randn([2, 3]))).toThrow(ShapeError);
    expect(() => F.instanceNorm(randn([2, 3, 1]))).toThrow(/more than 1 spatial element/);
    expect(() => F.instanceNorm(x, null, null, null, null, false)).toThrow(/running/);
    expect(() => F.layerNorm('x' as unknown as Tensor, 3)).toThrow(ValueError);
  });
});

describe('BatchNorm modules', () => {
  it('registers PyTorch state-dict keys with camelCase getters', () => {
    const bn = new nn.BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.runningMean).toBe(bn.running_mean);
    expect(bn.runningVar).toBe(bn.running_var);
    expect(bn.toString()).toBe('BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    bn.forward(randn([2, 3, 2, 2]));
    bn.forward(randn([2, 3, 2, 2]));
    expect(bn.numBatchesTracked).toBe(2);
    bn.eval();
    bn.forward(randn([2, 3, 2, 2]));
    expect(bn.numBatchesTracked).toBe(2);
    bn.resetRunningStats();
    expect(bn.numBatchesTracked).toBe(0);
    expect([...bn.runningVar!.data]).toEqual([1, 1, 1]);
    const plain = new nn.BatchNorm1d(4, { affine: false, trackRunningStats: false, momentum: null });
    expect(Object.keys(plain.stateDict())).toEqual([]);
    expect(plain.toString()).toBe('BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, track_running_stats=False)');
    plain.eval(); // no running stats: eval uses batch statistics
    const y = plain.forward(randn([5, 4]));
    let s = 0;
    for (let i = 0; i < 5; i++) s += y.data[i * 4]!;
    expect(Math.abs(s)).toBeLessThan(1e-5);
  });

  it('momentum null is a cumulative moving average of the batch statistics', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    const batches = [[1, 3], [2, 6], [0, 10]];
    noGrad(() => batches.forEach((b) => bn.forward(tensor(b.map((v) => [v])))));
    const means = batches.map((b) => (b[0]! + b[1]!) / 2);
    const vars = batches.map((b) => (b[0]! - b[1]!) ** 2 / 2); // unbiased, n = 2
    expect(bn.runningMean!.data[0]).toBeCloseTo(means.reduce((a, v) => a + v) / 3, 5);
    expect(bn.runningVar!.data[0]).toBeCloseTo(vars.reduce((a, v) => a + v) / 3, 4);
  });

  it('validates construction and input shapes', () => {
    expect(() => new nn.BatchNorm2d(0)).toThrow(ValueError);
    expect(() => new nn.BatchNorm2d(3, { momentum: 2 })).toThrow(ValueError);
    expect(() => new nn.BatchNorm2d(3, { eps: -1 })).toThrow(ValueError);
    expect(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4]))).toThrow(/4D input/);
    expect(() => new nn.BatchNorm1d(3).forward(randn([2, 3, 4, 5]))).toThrow(/2D or 3D/);
    expect(() => new nn.BatchNorm1d(3).forward(randn([2, 4]))).toThrow(/expected 3 channels/);
    expect(() => new nn.InstanceNorm1d(3, { momentum: null })).toThrow(ValueError);
    expect(() => new nn.InstanceNorm2d(3, { affine: true }).forward(randn([2, 4, 3, 3]))).toThrow(ShapeError);
    expect(() => new nn.InstanceNorm2d(3).forward(randn([2, 3]))).toThrow(ShapeError);
  });
});

describe('LayerNorm and GroupNorm modules', () => {
  it('print like PyTorch, validate, and honour elementwiseAffine / bias', () => {
    expect(new nn.LayerNorm(4).toString()).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=True)');
    expect(new nn.GroupNorm(2, 4).toString()).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
    expect(Object.keys(new nn.LayerNorm([2, 3], { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.LayerNorm(3, { elementwiseAffine: false }).stateDict())).toEqual([]);
    expect(() => new nn.GroupNorm(3, 4)).toThrow(/divisible/);
    expect(() => new nn.LayerNorm([])).toThrow(ValueError);
    expect(() => new nn.LayerNorm(4).forward(randn([2, 5]))).toThrow(ShapeError);
    expect(() => new nn.GroupNorm(2, 4).forward(randn([2, 6]))).toThrow(ShapeError);
  });
});
