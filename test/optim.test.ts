import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor, ValueError, nn, noGrad, optim, tensor, zeros } from '../src/index.js';
import { expectClose, fromFixture, loadFixture } from './helpers.js';

const fx = loadFixture('optim');
const init = fx.cases.find((c) => c.kind === 'init')!;
const [xs, ys, cs, qs] = [init.x, init.y, init.c, init.q].map((f: any) => Float64Array.from(f.data as number[]));

/** Fresh copies of the fixture's W [3,4], b [3], V [2,2], U [2] (U never gets a gradient). */
function makeParams(): Tensor[] {
  return [init.W, init.b, init.V, init.U].map((f: any) => fromFixture(f, true));
}

/** Gradients of L = Σ(Wx + b − y)² + Σ tanh(b)·c + Σ q·V³, computed by hand in float64. */
function setGrads([W, b, V]: Tensor[]): void {
  const r = [0, 1, 2].map((i) => {
    let s = b!.data[i]! - ys[i]!;
    for (let j = 0; j < 4; j++) s += W!.data[i * 4 + j]! * xs[j]!;
    return s;
  });
  W!.grad = new Tensor(Float32Array.from({ length: 12 }, (_, k) => 2 * r[Math.floor(k / 4)]! * xs[k % 4]!), [3, 4]);
  b!.grad = new Tensor(Float32Array.from({ length: 3 }, (_, i) => 2 * r[i]! + cs[i]! * (1 - Math.tanh(b!.data[i]!) ** 2)), [3]);
  V!.grad = new Tensor(Float32Array.from({ length: 4 }, (_, i) => 3 * qs[i]! * V!.data[i]! ** 2), [2, 2]);
}

const make = (name: string, params: any, opts: any): optim.Optimizer<any> => new (optim as any)[name](params, opts);

function run(opt: optim.Optimizer<any>, ps: Tensor[], steps: number, check?: (k: number) => void): void {
  for (let k = 0; k < steps; k++) {
    opt.zeroGrad();
    setGrads(ps);
    opt.step();
    check?.(k);
  }
}

describe('optimizer trajectories match PyTorch (6 steps)', () => {
  for (const c of fx.cases.filter((c) => c.kind === 'optim')) {
    it(`${c.optimizer} ${JSON.stringify(c.opts)}`, () => {
      const ps = makeParams();
      const u0 = Array.from(ps[3]!.data);
      const opt = make(c.optimizer, ps, c.opts);
      run(opt, ps, 6, (k) => ps.slice(0, 3).forEach((p, i) => expectClose(p, c.traj[k][i], 1e-6, 1e-5, `step ${k + 1} param ${i}`)));
      expect(Array.from(ps[3]!.data)).toEqual(u0);
      if (c.optimizer !== 'Adagrad') expect(opt.state.has(ps[3]!)).toBe(false);
    });
  }
  it('parameter groups with their own lr and momentum', () => {
    const c = fx.cases.find((c) => c.kind === 'groups')!;
    const ps = makeParams();
    const opt = new optim.SGD([{ params: [ps[0]!], lr: 0.1 }, { params: [ps[1]!, ps[2]!], momentum: 0.9 }, { params: ps[3]! }], { lr: 0.02 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0], [0.02, 0.9], [0.02, 0]]);
    run(opt, ps, 6, (k) => ps.slice(0, 3).forEach((p, i) => expectClose(p, c.traj[k][i], 1e-6, 1e-5, `step ${k + 1} param ${i}`)));
  });
});

describe('state dicts', () => {
  const configs: [string, any][] = [
    ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true }],
    ['Adam', { lr: 0.05, amsgrad: true }],
    ['AdamW', { lr: 0.05 }],
    ['RMSprop', { lr: 0.01, centered: true, momentum: 0.5 }],
    ['Adagrad', { lr: 0.1, lrDecay: 0.1 }],
  ];
  for (const [name, opts] of configs)
    it(`${name}: a round trip continues identically`, () => {
      const ps = makeParams();
      const a = make(name, ps, opts);
      run(a, ps, 3);
      const sd = a.stateDict();
      const qs = ps.map((p) => new Tensor(p.data.slice(), p.shape, true));
      const b = make(name, qs, { lr: 123 });
      b.loadStateDict(sd);
      expect(b.paramGroups[0]!.lr).toBe(opts.lr);
      expect(b.paramGroups[0]!.params[0]).toBe(qs[0]);
      run(a, ps, 3);
      run(b, qs, 3);
      ps.forEach((p, i) => expect(Array.from(qs[i]!.data)).toEqual(Array.from(p.data)));
      // the saved dict is a copy: stepping a and b did not change it
      const again = make(name, ps.map((p) => new Tensor(p.data.slice(), p.shape, true)), {});
      again.loadStateDict(sd);
      const plain = (st: any) => Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.data) : v]));
      expect(plain(again.stateDict().state[0])).toEqual(plain(sd.state[0]));
    });
  it("has PyTorch's layout: state by parameter index, groups with params as indices", () => {
    const ps = makeParams();
    const opt = new optim.Adam([{ params: ps.slice(0, 2) }, { params: ps.slice(2), lr: 0.5 }]);
    run(opt, ps, 1);
    const sd = opt.stateDict();
    expect(Object.keys(sd.state).sort()).toEqual(['0', '1', '2']);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(sd.state[0]!.step).toBe(1);
    expect((sd.state[0]!.expAvg as Tensor).shape).toEqual([3, 4]);
    expect(sd.state[0]!.expAvg).not.toBe(opt.state.get(ps[0]!)!.expAvg);
    expect(sd.paramGroups).toEqual([
      { lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0, 1] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [2, 3] },
    ]);
  });
  it('loadStateDict refuses mismatched layouts', () => {
    const ps = makeParams();
    const a = new optim.Adam(ps);
    run(a, ps, 1);
    const sd = a.stateDict();
    expect(() => new optim.Adam([{ params: ps.slice(0, 2) }, { params: ps.slice(2) }]).loadStateDict(sd)).toThrow(/different number of parameter groups/);
    expect(() => new optim.Adam(ps.slice(0, 3)).loadStateDict(sd)).toThrow(/doesn't match the size/);
    const other = [zeros([2]), zeros([3]), zeros([4]), zeros([2])].map((t) => new Tensor(t.data, t.shape, true));
    expect(() => new optim.Adam(other).loadStateDict(sd)).toThrow(ShapeError);
    expect(() => new optim.Adam(ps).loadStateDict({} as any)).toThrow(ValueError);
  });
});

describe('Optimizer behaviour', () => {
  it('defaults are PyTorch’s', () => {
    const p = [zeros([2], { requiresGrad: true })];
    expect(new optim.SGD(p).defaults).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(new optim.Adam(p).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new optim.AdamW(p).defaults.weightDecay).toBe(1e-2);
    expect(new optim.AdamW(p, { weightDecay: 0 }).defaults.weightDecay).toBe(0);
    expect(new optim.RMSprop(p).defaults).toEqual({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
    expect(new optim.Adagrad(p).defaults).toEqual({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
  });
  it('zeroGrad sets grads to null by default, or zeroes them in place', () => {
    const ps = makeParams();
    const opt = new optim.SGD(ps, { lr: 0.1 });
    setGrads(ps);
    opt.zeroGrad();
    expect(ps.every((p) => p.grad === null)).toBe(true);
    setGrads(ps);
    const g = ps[0]!.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(ps[0]!.grad).toBe(g);
    expect(g.data.every((v) => v === 0)).toBe(true);
    expect(ps[3]!.grad).toBeNull();
  });
  it('works with nn.Parameter and gradients from autograd; buffers are allocated once', () => {
    const w = new nn.Parameter(tensor([1, -2, 3]));
    const opt = new optim.Adam([w], { lr: 0.1 });
    w.mul(w).sum().backward();
    opt.step();
    const m = opt.state.get(w)!.expAvg;
    // first Adam step moves every coordinate by lr against the sign of its gradient
    expect(Array.from(w.data).map((v) => +v.toFixed(5))).toEqual([0.9, -1.9, 2.9]);
    opt.zeroGrad();
    w.mul(w).sum().backward();
    opt.step();
    expect(opt.state.get(w)!.expAvg).toBe(m);
    expect(w.gradFn).toBeNull();
  });
  it('step(closure) re-evaluates with recording on and returns the loss; hooks run around the step', () => {
    const w = tensor([2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.25 });
    const calls: string[] = [];
    const h = opt.registerStepPreHook(() => calls.push('pre'));
    opt.registerStepPostHook(() => calls.push('post'));
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss!.item()).toBe(4);
    expect(w.data[0]).toBe(1);
    h.remove();
    opt.step();
    expect(calls).toEqual(['pre', 'post', 'post']);
  });
  it('param groups can be added later and are filled from the defaults', () => {
    const [a, b] = [zeros([2], { requiresGrad: true }), zeros([2], { requiresGrad: true })];
    const opt = new optim.RMSprop([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], momentum: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, momentum: 0.5, alpha: 0.99 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
  });
  it('rejects bad hyper-parameters and parameters with typed, specific errors', () => {
    const p = [zeros([2], { requiresGrad: true })];
    const bad: [() => unknown, RegExp][] = [
      [() => new optim.SGD(p, { lr: -1 }), /invalid learning rate \(lr\) value -1/],
      [() => new optim.SGD(p, { lr: NaN }), /learning rate/],
      [() => new optim.SGD(p, { momentum: -0.1 }), /invalid momentum/],
      [() => new optim.SGD(p, { weightDecay: -1 }), /weightDecay/],
      [() => new optim.SGD(p, { nesterov: true }), /Nesterov momentum requires a momentum > 0 and zero dampening/],
      [() => new optim.SGD(p, { nesterov: true, momentum: 0.9, dampening: 0.1 }), /zero dampening/],
      [() => new optim.SGD([{ params: p, lr: -0.5 }]), /paramGroups\[0\]/],
      [() => new optim.Adam(p, { betas: [1, 0.999] }), /invalid beta parameter at index 0: 1/],
      [() => new optim.Adam(p, { betas: [0.9, -0.1] }), /index 1/],
      [() => new optim.Adam(p, { eps: -1 }), /epsilon/],
      [() => new optim.AdamW(p, { weightDecay: -1 }), /AdamW: invalid weightDecay/],
      [() => new optim.RMSprop(p, { alpha: -1 }), /alpha/],
      [() => new optim.Adagrad(p, { lrDecay: -1 }), /lrDecay/],
      [() => new optim.Adagrad(p, { initialAccumulatorValue: -1 }), /initialAccumulatorValue/],
      [() => new optim.SGD([]), /empty parameter list/],
      [() => new optim.SGD(p[0] as any), /wrap it in an array/],
      [() => new optim.SGD([p[0]!.mul(2)]), /non-leaf/],
      [() => new optim.SGD([p[0]!, p[0]!]), /same parameter more than once/],
      [() => new optim.SGD([{ params: new Set(p) }]), /Set/],
      [() => new optim.SGD([3 as any]), /not a Tensor/],
    ];
    for (const [f, re] of bad) {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(re);
    }
    const q = zeros([2], { requiresGrad: true });
    q.grad = zeros([3]);
    expect(() => new optim.SGD([q]).step()).toThrow(ShapeError);
  });
});
