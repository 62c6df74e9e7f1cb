/**
 * Leaves may take a gradient's storage as their .grad instead of a copy, only when nothing else
 * can see that storage. These cases would alias if that rule were wrong: every one checks that
 * .grad buffers are distinct from each other and from user-visible tensors, and that a second
 * backward accumulates correctly.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, ones, randn, manualSeed, matmul, noGrad, nn, optim, F, randint } from '../src/index.js';

const sameStorage = (a: Tensor | null, b: Tensor | null): boolean => !!a && !!b && a.data.buffer === b.data.buffer;

describe('gradient storage', () => {
  it('add(x, y) of equal shapes: x.grad and y.grad are separate buffers', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([4, 5, 6], { requiresGrad: true });
    x.add(y).sum().backward();
    expect(sameStorage(x.grad, y.grad)).toBe(false);
    x.add(y).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2]);
    expect(Array.from(y.grad!.data)).toEqual([2, 2, 2]);
  });

  it('add(x, x) accumulates both contributions', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.add(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 2]);
  });

  it('a leaf used as the root does not take the seed', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const seed = tensor([1, 1, 1]);
    x.backward(seed);
    expect(sameStorage(x.grad, seed)).toBe(false);
    x.backward(seed);
    expect(Array.from(seed.data)).toEqual([1, 1, 1]);
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2]);
  });

  it('a hook declaring keepsGradient() false lets the leaf take the storage; true (or no declaration) makes a copy', () => {
    for (const keeps of [false, true, undefined]) {
      const w = randn([64, 64], { requiresGrad: true });
      let seen: Tensor | null = null;
      const hook = (g: Tensor): void => {
        seen = g;
      };
      w.registerHook(keeps === undefined ? hook : Object.assign(hook, { keepsGradient: () => keeps }));
      F.linear(randn([8, 64]), w).sum().backward();
      expect(sameStorage(w.grad, seen)).toBe(keeps === false);
    }
  });

  it('a hook that returns a tensor of its own never has it adopted', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const mine = tensor([10, 20]);
    for (let i = 0; i < 2; i++) {
      const h = w.mul(1).reshape([2]);
      h.registerHook(() => mine);
      h.reshape([1, 2]).sum().backward();
      expect(sameStorage(w.grad, mine)).toBe(false);
    }
    expect(Array.from(mine.data)).toEqual([10, 20]);
    expect(Array.from(w.grad!.data)).toEqual([20, 40]);
  });

  it('identity-like rules (reshape, add) pass a shared buffer: copies are made', () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const b = tensor([[1, 1], [1, 1]], { requiresGrad: true });
    const r = a.reshape([2, 2]).add(b);
    r.sum().backward();
    expect(sameStorage(a.grad, b.grad)).toBe(false);
    expect(Array.from(a.grad!.data)).toEqual([1, 1, 1, 1]);
  });

  it('a hook that keeps the gradient it saw on a leaf sees it unchanged by clipping', () => {
    manualSeed(0);
    const m = new nn.Linear(4, 3);
    const seen: Tensor[] = [];
    m.weight.registerHook((g) => void seen.push(g));
    F.mseLoss(m.forward(randn([5, 4])), randn([5, 3])).backward();
    const before = Array.from(seen[0]!.data);
    nn.utils.clipGradNorm_(m.parameters(), 1e-3);
    expect(Array.from(seen[0]!.data)).toEqual(before);
  });

  it('training with adopted gradients equals training with copies (same bits)', () => {
    const run = (copyGrads: boolean): number[] => {
      manualSeed(3);
      const m = nn.mlp({ inFeatures: 6, hidden: [8, 8], outFeatures: 3 });
      const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = randn([10, 6]);
      const y = randint(0, 3, [10]);
      if (copyGrads) for (const p of m.parameters()) p.registerHook(() => undefined); // a hook disables adoption
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        const l = F.crossEntropy(m.forward(x), y);
        l.backward();
        opt.step();
        out.push(l.item());
      }
      return out.concat(Array.from(m.parameters()[0]!.data));
    };
    expect(run(false)).toEqual(run(true));
  });

  it('matmul weight gradients of two steps do not share storage', () => {
    const w = randn([3, 3], { requiresGrad: true });
    matmul(ones([2, 3]), w).sum().backward();
    const g1 = w.grad!;
    w.grad = null;
    matmul(ones([2, 3]), w).sum().backward();
    expect(sameStorage(g1, w.grad)).toBe(false);
    noGrad(() => w.grad!.mul_(0));
    expect(Array.from(g1.data).every((v) => v === 2)).toBe(true);
  });
});
