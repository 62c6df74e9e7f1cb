import { describe, expect, it } from 'vitest';
import { Generator, Module, Tensor, ValueError, crossEntropy, manualSeed, nn, optim, randint, randn, tensor, type Parameter } from '../src/index.js';
import { Probe } from '../src/diagnostics/probe.js';
import { histogram } from '../src/diagnostics/histogram.js';
import { quantiles } from '../src/diagnostics/quantiles.js';
import { moments } from '../src/diagnostics/stats.js';
import { RunRecordWriter, readRunRecord } from '../src/diagnostics/record/index.js';

/** Linear → Tanh → Linear → ReLU → Linear, seeded. */
function smallNet(seed = 0): Module {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(12, 20), new nn.Tanh(), new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 5));
}

function batch(seed: number, n = 32, d = 12, classes = 5): [Tensor, Tensor] {
  const g = new Generator(seed);
  return [randn([n, d], { generator: g }), randint(0, classes, [n], { generator: g })];
}

/** Capture every module output (and retain its gradient) with plain hooks, for direct computation. */
function capture(model: Module): Map<string, { input: Tensor; output: Tensor }> {
  const seen = new Map<string, { input: Tensor; output: Tensor }>();
  for (const [name, m] of model.namedModules()) {
    if (name === '') continue;
    m.registerForwardHook((_m, inputs, out) => {
      const o = out as Tensor;
      if (o.requiresGrad) o.retainGrad();
      seen.set(name, { input: inputs[0] as Tensor, output: o });
    });
  }
  return seen;
}

describe('Probe: statistics equal direct computation', () => {
  it('activations, pre-activations, gradients, gain, saturation, dead units, parameters', () => {
    const model = smallNet(1);
    const seen = capture(model);
    const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
    const probe = new Probe(model, { quantileSample: 100000, jacobian: { enabled: false }, optimizer: opt });
    const [x, y] = batch(2);
    const before = model.parameters().map((p) => p.data.slice());
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    const total = nn.utils.clipGradNorm_(model.parameters(), 0.5);
    opt.step();
    const rec = probe.step({ loss, optimizer: opt })!;
    expect(rec.step).toBe(0);
    expect(rec.loss).toBe(loss.item());
    expect(rec.lr).toEqual([0.05]);
    expect(rec.layers.map((l) => `${l.name}:${l.kind}:${l.index}`)).toEqual(['0:linear:0', '1:tanh:1', '2:linear:2', '3:relu:3', '4:linear:4']);
    for (const l of rec.layers) {
      const { input, output } = seen.get(l.name)!;
      const m = moments(output);
      expect(l.output!.mean).toBe(m.mean);
      expect(l.output!.std).toBe(m.std);
      expect([l.output!.min, l.output!.max]).toEqual([m.min, m.max]);
      expect(l.output!.quantiles!.values).toEqual(quantiles(output).values);
      expect(l.output!.quantiles!.exact).toBe(true);
      expect(l.output!.histogram).toEqual(histogram(output, { bins: 32 }));
      expect(l.gain).toBeCloseTo(m.variance / moments(input).variance, 12);
      const g = moments(output.grad!);
      expect(l.grad!.norm).toBeCloseTo(g.norm, 12);
      expect(l.grad!.std).toBeCloseTo(g.std, 12);
      expect(l.grad!.histogram).toEqual(histogram(output.grad!, { bins: 32 }));
      if (l.kind === 'tanh' || l.kind === 'relu') expect(l.input).toEqual(rec.layers[l.index - 1]!.output);
    }
    const th = seen.get('1')!.output.data;
    expect(rec.layers[1]!.saturation).toBe(th.filter((v) => Math.abs(v) > 0.97).length / th.length);
    const r = seen.get('3')!.output;
    let dead = 0;
    for (let u = 0; u < 16; u++) {
      let alive = false;
      for (let b = 0; b < 32; b++) if (r.data[b * 16 + u]! > 0) alive = true;
      if (!alive) dead++;
    }
    expect(rec.layers[3]!.dead).toBe(dead / 16);
    // global norms: before clipping = what clipGradNorm_ returned, after = the clipped grads
    expect(rec.gradNorm).toBeCloseTo(total.item(), 4);
    expect(rec.gradNormClipped).toBeCloseTo(Math.min(0.5, total.item()), 4);
    model.parameters().forEach((p, i) => {
      const pr = rec.params[i]!;
      const w0 = before[i]!;
      let dd = 0;
      let ww = 0;
      for (let k = 0; k < w0.length; k++) {
        dd += (p.data[k]! - w0[k]!) ** 2;
        ww += w0[k]! ** 2;
      }
      expect(pr.norm).toBeCloseTo(moments(p).norm, 10);
      expect(pr.gradNorm).toBeCloseTo(moments(p.grad!).norm, 10);
      expect(pr.update).toBeCloseTo(Math.sqrt(dd / ww), 10);
      expect(pr.update).toBeCloseTo((0.05 * pr.gradNorm!) / Math.sqrt(ww), 5); // plain SGD: ‖Δw‖ = lr‖g‖
      expect(pr.nonFinite + pr.gradNonFinite).toBe(0);
    });
    expect(rec.params.map((p) => p.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    expect(rec.params[0]!.duplicateRows).toBe(0);
  });

  it('an optimizer first passed to step() is watched from the next recorded step on', () => {
    const model = smallNet(7);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const probe = new Probe(model, { every: 1 });
    const updates: (number | null)[] = [];
    for (let s = 0; s < 3; s++) {
      const [x, y] = batch(s);
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      updates.push(probe.step({ loss, optimizer: opt })!.params[0]!.update);
    }
    expect(updates[0]).toBeNull();
    expect(updates[1]).toBeGreaterThan(0);
    expect(updates[2]).toBeGreaterThan(0);
  });

  it('the pre-clip norm is measured by the probe itself when not passed, also under accumulation', () => {
    const model = smallNet(2);
    const probe = new Probe(model);
    const [x, y] = batch(3);
    crossEntropy(model.forward(x) as Tensor, y).backward();
    crossEntropy(model.forward(x) as Tensor, y).backward(); // accumulate a second time
    const direct = Math.sqrt(model.parameters().reduce((s, p) => s + moments(p.grad!).norm ** 2, 0));
    nn.utils.clipGradNorm_(model.parameters(), 0.1);
    const rec = probe.step()!;
    expect(rec.gradNorm).toBeCloseTo(direct, 5);
    expect(rec.gradNormClipped).toBeCloseTo(0.1, 5);
    expect(rec.layers[0]!.calls).toBe(2);
  });

  it('the Jacobian estimate matches tr(JJᵀ)/dim(out): ΣW²/out for Linear, mean (1−y²)² for tanh', () => {
    const model = smallNet(3);
    const seen = capture(model);
    const probe = new Probe(model, { jacobian: { samples: 64, batch: 64 } });
    const [x, y] = batch(4, 64);
    crossEntropy(model.forward(x) as Tensor, y).backward();
    const rec = probe.step()!;
    const lin = model.parameters()[0]! as Parameter;
    const exactLin = lin.data.reduce((s, w) => s + w * w, 0) / 20;
    const yT = seen.get('1')!.output.data;
    const exactTanh = yT.reduce((s, v) => s + (1 - v * v) ** 2, 0) / yT.length;
    // 64 samples of a quadratic form of 64·20 Gaussians: relative sd well under 5 %
    expect(rec.layers[0]!.jacobian! / exactLin).toBeGreaterThan(0.9);
    expect(rec.layers[0]!.jacobian! / exactLin).toBeLessThan(1.1);
    expect(rec.layers[1]!.jacobian! / exactTanh).toBeGreaterThan(0.9);
    expect(rec.layers[1]!.jacobian! / exactTanh).toBeLessThan(1.1);
    // the estimate leaves the parameters' gradients alone
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe('Probe: attaching and detaching leaves training bit-identical', () => {
  function model(): Module {
    manualSeed(11);
    return new nn.Sequential(
      new nn.Linear(12, 24), new nn.BatchNorm1d(24), new nn.Tanh(), new nn.Dropout(0.2),
      new nn.Linear(24, 24), new nn.LeakyReLU(), new nn.Linear(24, 5),
    );
  }
  function train(m: Module, withProbe: boolean): { losses: number[]; state: Float32Array[] } {
    const opt = new optim.Adam(m.parameters(), { lr: 1e-2 });
    const probe = withProbe ? new Probe(m, { every: 1, jacobian: { every: 1, samples: 2 }, symmetryEvery: 1 }) : null;
    const losses: number[] = [];
    manualSeed(5); // dropout masks come from the default generator
    for (let s = 0; s < 4; s++) {
      const [x, y] = batch(100 + s);
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x) as Tensor, y);
      loss.backward();
      nn.utils.clipGradNorm_(m.parameters(), 1.0);
      opt.step();
      if (s <= 1) probe?.step({ loss, optimizer: opt });
      losses.push(loss.item());
      if (s === 1) probe?.detach();
    }
    return { losses, state: [...m.parameters(), ...m.buffers()].map((t) => t.data.slice()) };
  }

  it('same losses, weights and BatchNorm statistics, bit for bit', () => {
    const a = train(model(), false);
    const b = train(model(), true);
    expect(b.losses).toEqual(a.losses);
    expect(b.state.length).toBe(a.state.length);
    a.state.forEach((t, i) => expect(Buffer.from(b.state[i]!.buffer).equals(Buffer.from(t.buffer))).toBe(true));
  });

  it('detach removes every hook', () => {
    const m = model();
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const probe = new Probe(m, { optimizer: opt });
    expect([...m.modules()].some((x) => x._forwardHooks.length > 0)).toBe(true);
    probe.detach();
    probe.detach(); // idempotent
    expect([...m.modules()].every((x) => x._forwardHooks.length === 0)).toBe(true);
    expect(m.parameters().every((p) => (p._hooks?.length ?? 0) === 0)).toBe(true);
    expect((opt as unknown as { preHooks: unknown[] }).preHooks.length).toBe(0);
    expect(() => probe.step()).toThrow(/after detach/);
  });
});

describe('Probe: options', () => {
  it('records every k-th step, selects by kind or function, keeps maxRecords, calls onRecord', () => {
    const m = smallNet(4);
    const seen: number[] = [];
    const probe = new Probe(m, { every: 3, select: ['tanh', 'relu'], maxRecords: 2, onRecord: (r) => seen.push(r.step) });
    for (let s = 0; s < 8; s++) {
      const [x, y] = batch(s);
      m.zeroGrad();
      crossEntropy(m.forward(x) as Tensor, y).backward();
      const r = probe.step();
      expect(r === null).toBe(s % 3 !== 0);
    }
    expect(seen).toEqual([0, 3, 6]);
    expect(probe.records.map((r) => r.step)).toEqual([3, 6]);
    expect(probe.records[0]!.layers.map((l) => l.kind)).toEqual(['tanh', 'relu']);
    const only = new Probe(smallNet(4), { select: (name) => name === '2' });
    expect(only.layers()).toEqual([{ name: '2', type: 'Linear', kind: 'linear' }]);
  });

  it('ignores forward passes without gradient recording (validation) unless asked', async () => {
    const { noGrad } = await import('../src/index.js');
    const m = smallNet(5);
    const probe = new Probe(m);
    noGrad(() => m.forward(batch(1)[0]));
    expect(probe.step()!.layers).toEqual([]);
    const p2 = new Probe(smallNet(5), { recordNoGrad: true });
    noGrad(() => p2.model.forward(batch(1)[0]));
    expect(p2.step()!.layers.length).toBe(5);
  });

  it('records a recurrent layer through time', () => {
    manualSeed(0);
    const rnn = new nn.RNN(3, 8, { nonlinearity: 'tanh' });
    const probe = new Probe(rnn);
    const [out] = rnn.forward(randn([20, 4, 3], { requiresGrad: false })) as [Tensor, Tensor];
    out.sum().backward();
    const l = probe.step()!.layers.find((x) => x.name === '')!;
    expect(l.kind).toBe('recurrent');
    expect(l.timeRms!.length).toBe(20);
    let s = 0;
    for (let k = 0; k < 32; k++) s += out.data[19 * 32 + k]! ** 2;
    expect(l.timeRms![19]).toBeCloseTo(Math.sqrt(s / 32), 10);
  });

  it('refuses bad options and bad input with ValueError', () => {
    const m = smallNet(0);
    expect(() => new Probe(null as never)).toThrow(ValueError);
    expect(() => new Probe(m, { every: 0 })).toThrow(/every must be a positive integer/);
    expect(() => new Probe(m, { select: ['dense' as never] })).toThrow(/unknown layer kind 'dense'/);
    // no norm module and no op called as a function can be a norm layer
    expect(() => new Probe(m, { select: ['norm'] })).toThrow(/no module/);
    expect(() => new Probe(m, { quantiles: [50] })).toThrow(/fractions/);
    expect(() => new Probe(m, { histogramRange: [1, 1] })).toThrow(ValueError);
    expect(() => new Probe(m, { saturation: { tanh: 2 } })).toThrow(/saturation/);
    expect(() => new Probe(m, { jacobian: { samples: 0 } })).toThrow(/jacobian.samples/);
    const p = new Probe(m);
    expect(() => p.step({ loss: tensor([1, 2]) })).toThrow(/scalar/);
  });

  it('its records are valid run-record lines', () => {
    const m = smallNet(6);
    const probe = new Probe(m, { every: 1 });
    const w = new RunRecordWriter({ seed: 6, probe: probe.options.kinds });
    let text = w.header();
    for (let s = 0; s < 3; s++) {
      const [x, y] = batch(s);
      m.zeroGrad();
      const loss = crossEntropy(m.forward(x) as Tensor, y);
      loss.backward();
      text += w.step(probe.step({ loss })!);
    }
    for (const f of probe.findings()) text += w.finding(f);
    text += w.end();
    const back = readRunRecord(text);
    expect(back.steps).toEqual(probe.records);
  });
});

describe('Probe: state for checkpoints', () => {
  /** Train `steps` steps from `from` with a probe recording every 3rd step and the Jacobian every 3rd; records as JSON. */
  function train(model: Module, opt: optim.SGD, probe: Probe, from: number, to: number): string[] {
    const out: string[] = [];
    for (let s = from; s < to; s++) {
      const [x, y] = batch(100 + s);
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      const r = probe.step({ loss, optimizer: opt });
      if (r) out.push(JSON.stringify(r));
    }
    return out;
  }
  const opts = { every: 3, quantileSample: 64, jacobian: { every: 3 } } as const;

  it('a probe given getState() of another records the same steps with the same random draws', () => {
    const m1 = smallNet(7);
    const o1 = new optim.SGD(m1.parameters(), { lr: 0.05 });
    const whole = train(m1, o1, new Probe(m1, { ...opts, optimizer: o1 }), 0, 10);

    const m2 = smallNet(7);
    const o2 = new optim.SGD(m2.parameters(), { lr: 0.05 });
    const first = new Probe(m2, { ...opts, optimizer: o2 });
    const a = train(m2, o2, first, 0, 5);
    const st = first.getState();
    expect(st.step).toBe(5);
    first.detach();
    // a fresh probe (its generator at the seed) continues where the first one stopped
    const second = new Probe(m2, { ...opts, optimizer: o2 });
    second.setState(JSON.parse(JSON.stringify(st)));
    second.records.push(...first.records); // as a resumed run does (the first record's checks are not repeated)
    expect(second.stepIndex).toBe(5);
    expect(second.recording).toBe(false);
    const b = train(m2, o2, second, 5, 10);
    expect([...a, ...b]).toEqual(whole);
    // without the state the draws (quantile samples) differ: the test can tell
    const m3 = smallNet(7);
    const o3 = new optim.SGD(m3.parameters(), { lr: 0.05 });
    train(m3, o3, new Probe(m3, { ...opts, optimizer: o3 }), 0, 5);
    const third = new Probe(m3, { ...opts, optimizer: o3 });
    for (let s = 0; s < 5; s++) third.step();
    third.records.splice(0, third.records.length, ...first.records);
    expect(train(m3, o3, third, 5, 10)).not.toEqual(b);
  });

  it('setState refuses a bad state and works only while attached', () => {
    const p = new Probe(smallNet(1));
    expect(() => p.setState({ step: -1, rng: p.getState().rng })).toThrow(ValueError);
    expect(() => p.setState({ step: 1.5, rng: p.getState().rng })).toThrow(/integer/);
    expect(() => p.setState(null as never)).toThrow(/getState/);
    p.detach();
    expect(() => p.setState({ step: 0, rng: p.getState().rng })).toThrow(/detach/);
  });
});

