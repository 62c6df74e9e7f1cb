import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, randn, rand, tensor, type Tensor } from '../src/index.js';
import * as ops from '../src/index.js';

/** Inputs away from kinks: |x| in [0.3, 1.3] with random signs. */
function awayFromZero(shape: number[]): Tensor {
  const x = rand(shape);
  const s = randn(shape);
  for (let i = 0; i < x.data.length; i++) x.data[i] = (0.3 + x.data[i]!) * (s.data[i]! < 0 ? -1 : 1);
  x.requiresGrad = true;
  return x;
}
const positive = (shape: number[]): Tensor => {
  const x = rand(shape);
  for (let i = 0; i < x.data.length; i++) x.data[i] = 0.5 + x.data[i]!;
  x.requiresGrad = true;
  return x;
};

describe('gradcheck: elementwise', () => {
  manualSeed(7);
  const cases: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['pow tensor^tensor (broadcast)', (a, b) => ops.pow(a, b), () => [positive([2, 3]), awayFromZero([3])]],
    ['pow tensor^number', (a) => a.pow(3), () => [awayFromZero([2, 3])]],
    ['pow number^tensor', (b) => ops.pow(2.5, b), () => [awayFromZero([4])]],
    ['sqrt', (a) => a.sqrt(), () => [positive([5])]],
    ['rsqrt', (a) => a.rsqrt(), () => [positive([5])]],
    ['square', (a) => a.square(), () => [awayFromZero([2, 2])]],
    ['abs', (a) => a.abs(), () => [awayFromZero([6])]],
    ['reciprocal', (a) => a.reciprocal(), () => [awayFromZero([6])]],
    ['log1p', (a) => a.log1p(), () => [positive([6])]],
    ['expm1', (a) => a.expm1(), () => [awayFromZero([6])]],
    ['log2', (a) => a.log2(), () => [positive([6])]],
    ['log10', (a) => a.log10(), () => [positive([6])]],
    ['sin', (a) => a.sin(), () => [awayFromZero([6])]],
    ['cos', (a) => a.cos(), () => [awayFromZero([6])]],
    ['clamp tensor bounds', (x, lo, hi) => ops.clamp(x, { min: lo, max: hi }), () => [awayFromZero([3, 4]), tensor([-0.5, 0.1, -0.9, 0.45], { requiresGrad: true }), tensor([[0.8], [0.2], [1.5]], { requiresGrad: true })]],
    ['clamp number bounds', (x) => x.clamp({ min: -0.5, max: 0.5 }), () => [tensor([-0.9, -0.2, 0.1, 0.7], { requiresGrad: true })]],
    ['maximum', (a, b) => ops.maximum(a, b), () => [awayFromZero([2, 3]), awayFromZero([3])]],
    ['minimum', (a, b) => ops.minimum(a, b), () => [awayFromZero([2, 3]), awayFromZero([2, 1])]],
    ['where', (a, b) => ops.where(tensor([1, 0, 1]), a, b), () => [awayFromZero([2, 3]), awayFromZero([2, 1])]],
    ['lerp', (a, b, w) => ops.lerp(a, b, w), () => [awayFromZero([2, 3]), awayFromZero([3]), positive([2, 1])]],
  ];
  for (const [name, fn, make] of cases) it(name, () => expect(gradcheck(fn, make())).toBe(true));
});

describe('gradcheck: reductions', () => {
  manualSeed(8);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['var all', (x) => x.var()],
    ['var dims [0,2] keepdim correction 0', (x) => x.var([0, 2], { correction: 0, keepdim: true })],
    ['std dim 1', (x) => x.std(1)],
    ['max overall', (x) => x.max()],
    ['max dim', (x) => x.max(1).values],
    ['min dim keepdim', (x) => x.min(-1, { keepdim: true }).values],
    ['amax list', (x) => x.amax([0, 2])],
    ['amin', (x) => x.amin(1)],
    ['norm 2', (x) => x.norm()],
    ['norm 1 dim', (x) => x.norm(1, 1)],
    ['norm 3 dims', (x) => x.norm(3, [0, 2])],
    ['norm 1.5', (x) => x.norm(1.5, 2)],
    ['norm 0.5', (x) => x.norm(0.5, 0)],
    ['norm inf', (x) => x.norm(Infinity, 1)],
    ['norm -inf', (x) => x.norm(-Infinity, 1)],
    ['logsumexp', (x) => x.logsumexp(1)],
    ['logsumexp all', (x) => x.logsumexp()],
    ['prod dim', (x) => x.prod(2)],
    ['prod all', (x) => x.prod()],
    ['cumsum', (x) => x.cumsum(1)],
    ['cumsum last', (x) => x.cumsum(-1)],
  ];
  for (const [name, fn] of cases) it(name, () => expect(gradcheck(fn, [awayFromZero([2, 3, 4])])).toBe(true));
  it('prod with a single zero', () => {
    expect(gradcheck((x) => x.prod(1), [tensor([[0, 0.7, -1.2], [0.5, 0.8, 1.1], [0, 0, 2]], { requiresGrad: true })])).toBe(true);
  });
});

describe('gradcheck: indexing', () => {
  manualSeed(9);
  const idx = tensor([[0, 2, 2], [1, 0, 3]]);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['narrow', (x) => x.narrow(1, -3, 2)],
    ['slice step', (x) => x.slice(2, 1, null, 2)],
    ['select', (x) => x.select(0, -1)],
    ['flip', (x) => x.flip(0, 2)],
    ['expand', (x) => x.narrow(1, 0, 1).expand(2, 2, 3, -1)],
    ['repeat', (x) => x.repeat(2, 1, 1, 2)],
    ['cat', (x) => ops.cat([x, x.mul(2), x.narrow(1, 0, 1)], 1)],
    ['stack', (x) => ops.stack([x, x.square()], -1)],
    ['split', (x) => x.split([1, 2], 1)[1]!],
    ['chunk', (x) => x.chunk(3, 2)[1]!],
    ['gather', (x) => x.select(1, 0).gather(1, idx)],
    ['scatterAdd src', (x) => ops.scatterAdd(ops.zeros([2, 4]), 1, idx, x.select(1, 1).narrow(1, 0, 3))],
    ['scatter', (x) => x.select(1, 2).scatter(1, tensor([[3], [0]]), x.select(1, 0).narrow(1, 1, 1))],
    ['indexSelect', (x) => x.indexSelect(2, tensor([3, 0, 3]))],
    ['indexAdd', (x) => x.select(2, 0).indexAdd(1, tensor([2, 0, 2]), x.select(2, 1))],
    ['maskedFill', (x) => x.maskedFill(x.gt(0), 0.5)],
    ['tril', (x) => x.tril(1)],
    ['triu', (x) => x.triu(-1)],
  ];
  for (const [name, fn] of cases) it(name, () => expect(gradcheck(fn, [awayFromZero([2, 3, 4])])).toBe(true));
});

describe('second order', () => {
  it('pow, norm and gather are differentiable twice', () => {
    manualSeed(10);
    const x = awayFromZero([3, 4]);
    expect(gradcheck((x) => ops.enableGrad(() => {
      const y = x.pow(3).norm(2, 1).sum().add(x.gather(1, tensor([[1], [0], [3]])).square().sum());
      const [g] = ops.autograd.grad(y, [x], { createGraph: true });
      return g!.square().sum();
    }), [x])).toBe(true);
  });
});

describe('second order through each backward rule', () => {
  manualSeed(11);
  const gradgrad = (fn: (x: Tensor) => Tensor) => (x: Tensor): Tensor =>
    ops.enableGrad(() => {
      const y = fn(x);
      const v = ops.linspace(-1, 1.3, y.numel()).reshape(y.shape);
      const [g] = ops.autograd.grad(y.mul(v).sum(), [x], { createGraph: true });
      return g!.mul(g!).sum();
    });
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['pow tensor^tensor', (x) => ops.pow(x.abs(), x)],
    ['rsqrt/reciprocal', (x) => x.abs().rsqrt().add(x.reciprocal())],
    ['clamp', (x) => x.clamp({ min: -0.6, max: 0.6 }).mul(x)],
    ['maximum', (x) => ops.maximum(x, x.flip(1)).mul(x)],
    ['var/std', (x) => x.var(1).add(x.std(0).sum())],
    ['norm 3 / inf', (x) => x.norm(3, 1).add(x.norm(Infinity))],
    ['logsumexp', (x) => x.logsumexp(1)],
    ['prod', (x) => x.prod(1)],
    ['amax', (x) => x.amax(0).mul(x.sum(0))],
    ['cumsum', (x) => x.cumsum(1).square()],
    ['indexSelect/scatter', (x) => x.indexSelect(1, tensor([2, 0, 2])).square().scatter(1, tensor([[1], [0], [2]]), x.narrow(1, 0, 1))],
    ['cat/stack', (x) => ops.stack([ops.cat([x, x.square()], 1), ops.cat([x.sin(), x.cos()], 1)])],
    ['lerp/where', (x) => ops.lerp(x, x.square(), x.abs()).where(tensor([1, 0, 1, 1]), x.log1p())],
  ];
  for (const [name, fn] of cases) it(name, () => expect(gradcheck(gradgrad(fn), [awayFromZero([3, 4])], { atol: 2e-2, rtol: 2e-2 })).toBe(true));
});
