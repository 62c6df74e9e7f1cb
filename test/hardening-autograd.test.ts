/**
 * Hardening of the tape: version counters (an in-place change to a tensor backward needs is an
 * error, not a wrong gradient), the backward() call forms, and a second backward through a graph
 * that saved nothing.
 */
import { describe, expect, it } from 'vitest';
import { AutogradError, F, Tensor, ValueError, autograd, linspace, manualSeed, nn, noGrad, optim, randn, tensor, zeros } from '../src/index.js';

const modified = /modified by an inplace operation/;

function catchErr(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('version counters', () => {
  it('y = (x*w).sum(); w.mul_(2); y.backward() raises, naming the op, the shape and the versions', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4]);
    const y = x.mul(w).sum();
    w.mul_(2);
    const e = catchErr(() => y.backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(modified);
    expect(e.message).toContain("mul's input 1 of shape [2] is at version 1; expected version 0");
    expect(x.grad).toBeNull();
  });

  it('a weight changed under noGrad between forward and backward raises', () => {
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const x = tensor([[1, 1]]);
    const loss = x.matmul(w).sum();
    noGrad(() => w.add_(1));
    expect(() => loss.backward()).toThrow(modified);
  });

  it('a tanh output zeroed in place raises', () => {
    const x = tensor([0.5, -0.5], { requiresGrad: true });
    const y = x.tanh();
    noGrad(() => y.zero_());
    const e = catchErr(() => y.sum().backward());
    expect(e.message).toMatch(modified);
    expect(e.message).toContain("tanh's output of shape [2]");
  });

  it('an optimizer step between forward and backward raises (SGD and Adam)', () => {
    for (const make of [(p: nn.Parameter[]) => new optim.SGD(p, { lr: 0.1 }), (p: nn.Parameter[]) => new optim.Adam(p)]) {
      manualSeed(1);
      const lin = new nn.Linear(3, 2);
      const opt = make(lin.parameters());
      const loss = lin.forward(randn([4, 3])).pow(2).sum();
      loss.backward({ retainGraph: true });
      opt.step();
      expect(() => loss.backward()).toThrow(modified);
    }
  });

  it('a write through a view (shared storage) is seen by the tensor it views', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const w = tensor([1, 2, 3, 4]);
    const y = x.mul(w).sum();
    noGrad(() => w.reshape([2, 2]).fill_(0));
    expect(() => y.backward()).toThrow(modified);
    // and the other way round: the view is saved, its base changes
    const v = w.reshape([2, 2]);
    const z = x.reshape([2, 2]).mul(v).sum();
    w.add_(1);
    expect(() => z.backward()).toThrow(modified);
  });

  it('assigning .data counts as an in-place change; detach() shares the counter', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const w = tensor([3, 4]);
    const y = x.mul(w).sum();
    w.data = Float32Array.of(5, 6);
    expect(() => y.backward()).toThrow(modified);
    const y2 = x.mul(w).sum();
    w.detach().mul_(2);
    expect(() => y2.backward()).toThrow(modified);
    expect(() => (w.data = new Float32Array(3))).toThrow(/Float32Array of 2 elements/);
  });

  it('changes that do not touch a saved tensor pass, and gradients stay right', () => {
    // add saves nothing: changing its input afterwards is allowed (as in PyTorch)
    const x = tensor([1, 2], { requiresGrad: true });
    const b = tensor([5, 5]);
    const y = x.add(b).sum();
    b.mul_(3);
    y.backward();
    expect([...x.grad!.data]).toEqual([1, 1]);
    // the in-place change happens before the op: the op sees (and saves) the new version
    const w = tensor([3, 4]);
    w.mul_(2);
    const x2 = tensor([1, 2], { requiresGrad: true });
    x2.mul(w).sum().backward();
    expect([...x2.grad!.data]).toEqual([6, 8]);
  });

  it('a training loop with the storage pool, resident weights and in-place backwards raises nothing', () => {
    manualSeed(3);
    const net = new nn.Sequential(new nn.Linear(64, 128), new nn.Tanh(), new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const opt = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
    const x = randn([64, 64]);
    const t = tensor(Array.from({ length: 64 }, (_, i) => i % 10));
    let first = 0;
    let last = 0;
    for (let s = 0; s < 20; s++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(net.forward(x), t);
      loss.backward();
      nn.utils.clipGradNorm_(net.parameters(), 5);
      opt.step();
      if (s === 0) first = loss.item();
      last = loss.item();
    }
    expect(last).toBeLessThan(first);
  });

  it('autograd.grad checks versions too', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    const e = y.gradFn!.inputs[0]!; // exp's output, saved by exp
    noGrad(() => e.mul_(2));
    expect(() => autograd.grad(y, [x])).toThrow(modified);
  });
});

describe('backward call forms', () => {
  it('backward({ retainGraph: true }) keeps the graph for a second pass', () => {
    const x = tensor([0.5, 1.5], { requiresGrad: true });
    const y = x.tanh().mul(x).sum();
    y.backward({ retainGraph: true });
    const g1 = [...x.grad!.data];
    y.backward();
    expect([...x.grad!.data]).toEqual(g1.map((v) => Math.fround(v * 2)));
    expect(() => y.backward()).toThrow(/second time/);
  });

  it('backward(gradient, { retainGraph }) and backward(null, { retainGraph })', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    y.backward(tensor([1, 1]), { retainGraph: true });
    y.backward(tensor([1, 0]));
    expect([...x.grad!.data]).toEqual([4, 4]);
    const z = x.exp().sum();
    x.grad = null;
    z.backward(null, { retainGraph: true });
    z.backward(undefined, {});
    expect(x.grad!.data[0]).toBeCloseTo(2 * Math.E, 5);
  });

  it('a wrong first argument is a typed error naming the forms', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.sum();
    expect(() => y.backward(3 as unknown as Tensor)).toThrow(/backward\(gradient\?: Tensor, options\?\)/);
    expect(() => y.backward({ retainGraph: true } as unknown as Tensor, {})).toThrow(ValueError);
  });

  it('a second backward through a graph that saved no tensors works (as in PyTorch)', () => {
    const x = tensor([1, 1], { requiresGrad: true });
    const y = x.add(1).reshape([1, 2]).sum();
    y.backward();
    y.backward();
    expect([...x.grad!.data]).toEqual([2, 2]);
    // a graph with a saved tensor (mul) still refuses, like PyTorch
    const z = x.mul(2).sum();
    z.backward();
    expect(() => z.backward()).toThrow(/second time/);
  });
});

describe('small op fixes', () => {
  it('linspace(-1, 1, 1) is [-1]', () => {
    expect([...linspace(-1, 1, 1).data]).toEqual([-1]);
  });

  it('Tensor.mm and Tensor.bmm exist', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.mm(a).toArray()).toEqual([[7, 10], [15, 22]]);
    const b = zeros([2, 2, 3]);
    expect(b.bmm(zeros([2, 3, 1])).shape).toEqual([2, 2, 1]);
    expect(() => a.mm(b)).toThrow(/2-D/);
  });
});
