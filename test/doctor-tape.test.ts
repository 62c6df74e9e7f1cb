/**
 * The doctor sees the tape: ops called as functions, layers inside library composites and user
 * layers are recorded; every module has a kind that survives minification; the first non-finite
 * value is named by op, module and pass; the Jacobian estimate never re-runs a user's forward.
 */
import { describe, expect, it } from 'vitest';
import { F, Module, Tensor, add, autograd, crossEntropy, select, log, manualSeed, matmul, mseLoss, nn, optim, randint, randn, sqrt, sub, mul, transpose } from '../src/index.js';
import { Probe } from '../src/diagnostics/probe.js';
import { layerKind } from '../src/diagnostics/layer-kind.js';
import { tapeVjp, tapeVjpAll } from '../src/diagnostics/tape/vjp.js';
import { typeNameOf } from '../src/nn/module-type.js';
import { Parameter } from '../src/nn/parameter.js';

/** A user layer: Linear then a tanh called as a function. */
class Block extends Module {
  fc: nn.Linear;
  constructor(i: number, o: number) {
    super();
    this.fc = new nn.Linear(i, o);
  }
  forward(x: Tensor): Tensor {
    return F.tanh(this.fc.forward(x));
  }
}

describe('tape: every layer is seen', () => {
  it('records resnet20’s functional ReLUs (1 stem + 2 per block × 9 blocks)', () => {
    manualSeed(0);
    const r = nn.resnet20();
    const p = new Probe(r, { jacobian: { enabled: false }, quantiles: false, histogramBins: 0 });
    r.forward(randn([2, 3, 8, 8])).sum().backward();
    const rec = p.step()!;
    const relus = rec.layers.filter((l) => l.kind === 'relu');
    expect(relus.length).toBe(19);
    expect(relus[0]!.name).toBe('relu#1');
    expect(relus.map((l) => l.name)).toContain('layer2.1/relu#2');
    expect(relus.every((l) => l.op === 'relu' && l.grad !== undefined && l.dead !== undefined)).toBe(true);
    p.detach();
  });

  it('records an activation called as a function inside a custom forward, with its statistics', () => {
    manualSeed(1);
    const net = new nn.Sequential(new Block(8, 16), new Block(16, 16));
    const p = new Probe(net);
    const x = randn([32, 8]).mul(4);
    const y = net.forward(x) as Tensor;
    y.sum().backward();
    const rec = p.step()!;
    const t = rec.layers.find((l) => l.name === '1/tanh#1')!;
    expect(t.kind).toBe('tanh');
    expect(t.type).toBe('F.tanh');
    // independent measurement: the share of |tanh| > 0.97 of the net's output
    const sat = [...y.data].filter((v) => Math.abs(v) > 0.97).length / y.data.length;
    expect(t.saturation).toBeCloseTo(sat, 12);
    expect(t.output!.count).toBe(32 * 16);
    // the user layers themselves, as kind 'other', after their inner layers
    const b1 = rec.layers.find((l) => l.name === '1')!;
    expect(b1.kind).toBe('other');
    expect(b1.type).toBe('Block');
    expect(b1.index).toBeGreaterThan(t.index);
    expect(rec.layers.find((l) => l.name === '0.fc')!.kind).toBe('linear');
  });

  it('gives library modules a kind and a type that do not depend on class names (minifiers rename them)', () => {
    const lin = new nn.Linear(2, 2);
    const saved = Object.getOwnPropertyDescriptor(nn.Linear, 'name')!;
    try {
      Object.defineProperty(nn.Linear, 'name', { value: 'e', configurable: true });
      expect(nn.Linear.name).toBe('e');
      expect(layerKind(lin)).toBe('linear');
      expect(typeNameOf(lin)).toBe('Linear');
      const p = new Probe(new nn.Sequential(lin, new nn.Tanh()), { select: ['linear'] });
      expect(p.layers()).toEqual([{ name: '0', type: 'Linear', kind: 'linear' }]);
      p.detach();
    } finally {
      Object.defineProperty(nn.Linear, 'name', saved);
    }
    class MyLinear extends nn.Linear {}
    expect(typeNameOf(new MyLinear(2, 2))).toBe('MyLinear');
    expect(layerKind(new MyLinear(2, 2))).toBe('linear');
    expect(typeNameOf(new Block(1, 1))).toBe('Block');
  });
});

/** A stateful user layer that makes a non-finite value at a chosen call, in forward or backward. */
class Faulty extends Module {
  calls = 0;
  fc = new nn.Linear(6, 6);
  constructor(private readonly at: number, private readonly pass: 'forward' | 'backward') {
    super();
  }
  forward(x: Tensor): Tensor {
    const h = this.fc.forward(x);
    if (this.calls++ !== this.at) return F.relu(h);
    // log of a negative: NaN in the forward pass; h + √(h − h): finite forward, √′(0) = ∞ backward
    return this.pass === 'forward' ? log(sub(h, 100)) : add(h, sqrt(sub(h, h)));
  }
}

describe('tape: where a non-finite value was made', () => {
  const run = (pass: 'forward' | 'backward') => {
    manualSeed(2);
    const net = new nn.Sequential(new nn.Linear(4, 6), new Faulty(3, pass), new nn.Linear(6, 2));
    const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
    const p = new Probe(net, { every: 1 });
    for (let s = 0; s < 4; s++) {
      opt.zeroGrad();
      const loss = mseLoss(net.forward(randn([8, 4])) as Tensor, randn([8, 2]));
      loss.backward();
      opt.step();
      p.step({ loss, optimizer: opt });
    }
    return p;
  };

  it('names the op, the module and the forward pass (log of a negative in a custom layer, step 3)', () => {
    const p = run('forward');
    expect(p.records.slice(0, 3).every((r) => r.nonFinite === undefined)).toBe(true);
    expect(p.records[3]!.nonFinite).toEqual({ pass: 'forward', op: 'log', module: '1', cause: 'op' });
    const f = p.findings().find((x) => x.id === 'non-finite')!;
    expect(f.step).toBe(3);
    expect(f.layers).toEqual(['1']);
    expect(f.evidence).toMatchObject({ pass: 'forward', op: 'log', module: '1', source: 'activations' });
  });

  it('names the op, the module and the backward pass (√ at 0 in a custom layer, step 3)', () => {
    const p = run('backward');
    const r = p.records[3]!;
    // independent check: the forward pass was finite, the gradients were not
    expect(Number.isFinite(r.loss!)).toBe(true);
    expect(r.params.some((q) => q.gradNonFinite > 0)).toBe(true);
    expect(r.nonFinite).toEqual({ pass: 'backward', op: 'sqrt', module: '1', cause: 'op' });
    const f = p.findings().find((x) => x.id === 'non-finite')!;
    expect(f.evidence).toMatchObject({ pass: 'backward', op: 'sqrt', module: '1', source: 'gradients' });
  });
});

/** A user layer with state: counts calls, caches its last output and draws noise from the default generator. */
class Noisy extends Module {
  calls = 0;
  cache: Tensor | null = null;
  w = new Parameter(randn([8, 8]).mul(0.3));
  forward(x: Tensor): Tensor {
    this.calls++;
    const y = F.tanh(add(matmul(x, this.w), randn(x.shape).mul(0.1)));
    this.cache = y;
    return y;
  }
}

describe('tape: watching never changes what a layer computes', () => {
  it('trains bit-identically with and without a probe around a stateful custom layer (Jacobian every step)', () => {
    const train = (probe: boolean) => {
      manualSeed(3);
      const net = new nn.Sequential(new nn.Linear(5, 8), new Noisy(), new nn.Linear(8, 3));
      const opt = new optim.Adam(net.parameters(), { lr: 1e-2 });
      const p = probe ? new Probe(net, { every: 1, jacobian: { every: 1, samples: 2 } }) : null;
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        const loss = crossEntropy(net.forward(randn([16, 5])) as Tensor, randint(0, 3, [16]));
        loss.backward();
        opt.step();
        p?.step({ loss, optimizer: opt });
      }
      const noisy = [...net.children()][1] as Noisy;
      if (p) expect(p.records[4]!.layers.find((l) => l.name === '1')!.jacobian).toBeGreaterThan(0);
      p?.detach();
      return { bits: net.parameters().map((q) => [...q.data]), calls: noisy.calls, cache: [...noisy.cache!.data] };
    };
    const a = train(false);
    const b = train(true);
    expect(b.calls).toBe(a.calls);
    expect(b.cache).toEqual(a.cache);
    expect(b.bits).toEqual(a.bits);
  });

  it('reads vector–Jacobian products off the tape exactly (y = tanh(x·W): vᵀJ = ((1 − y²)⊙v)·Wᵀ)', () => {
    manualSeed(4);
    const x = randn([3, 4], { requiresGrad: true });
    const w = randn([4, 5], { requiresGrad: true });
    const y = F.tanh(matmul(x, w));
    const v = randn([3, 5]);
    const got = tapeVjp(y, x, v)!;
    const want = matmul(mul(v, sub(1, mul(y, y))), transpose(w, 0, 1));
    for (let i = 0; i < want.data.length; i++) expect(got.data[i]).toBeCloseTo(want.data[i]!, 5);
    // y does not depend on w's copy through x: no path, no product
    expect(tapeVjp(x, y, randn([3, 4]))).toBeNull();
  });

  it('reads the total derivative ∂⟨v, h_T⟩/∂h_t at every hidden state of an LSTM in one walk (as backward with retainGrad does)', () => {
    manualSeed(5);
    const cell = new nn.LSTMCell(3, 6);
    const x = randn([8, 2, 3]);
    const hs: Tensor[] = [];
    let st: [Tensor, Tensor] | null = null;
    for (let t = 0; t < 8; t++) {
      st = cell.forward(select(x, 0, t), st);
      autograd.retainGrad(st[0]);
      hs.push(st[0]);
    }
    const v = randn([2, 6]);
    // through the cell state c_t as well as h_t: not the product of the one-step ∂h_{t+1}/∂h_t
    const got = tapeVjpAll(hs[7]!, hs.slice(0, 7), v)!;
    mul(hs[7]!, v).sum().backward();
    for (let t = 0; t < 7; t++) for (let i = 0; i < 12; i++) expect(got[t]!.data[i]).toBeCloseTo(hs[t]!.grad!.data[i]!, 6);
  });
});
