import { describe, expect, it } from 'vitest';
import { Generator, Module, Tensor, ValueError, crossEntropy, defaultGenerator, manualSeed, nn, optim, randint, randn } from '../src/index.js';
import { diagnose } from '../src/diagnostics/diagnose.js';
import { doctor, Probe, diagnose as diagnoseTop } from '../src/index.js';

function model(init: nn.WeightInit = 'kaimingNormal'): Module {
  manualSeed(21);
  return nn.mlp({ inFeatures: 10, hidden: [24, 24], outFeatures: 3, activation: 'relu', norm: 'batch', dropout: 0.1, init });
}

const batches = (n: number, seed = 0): [Tensor, Tensor][] => {
  const g = new Generator(seed);
  return Array.from({ length: n }, () => [randn([16, 10], { generator: g }), randint(0, 3, [16], { generator: g })] as [Tensor, Tensor]);
};

/** Every bit a later training step depends on. */
function fingerprint(m: Module, opt: optim.Adam): string {
  const tensors = [...m.namedParameters()].flatMap(([k, p]) => [[k, p.data], [`${k}.grad`, p.grad?.data ?? null]] as const);
  const bufs = [...m.namedBuffers()].map(([k, b]) => [k, b.data] as const);
  const hex = (d: Float32Array | null) => (d ? Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex') : 'null');
  const st = JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Tensor ? hex(v.data) : v));
  return JSON.stringify([tensors.map(([k, d]) => [k, hex(d)]), bufs.map(([k, d]) => [k, hex(d)]), [...m.modules()].map((x) => x.training), st, defaultGenerator.getState()]);
}

function trainSteps(m: Module, opt: optim.Adam, data: [Tensor, Tensor][]): number[] {
  return data.map(([x, y]) => {
    opt.zeroGrad();
    const loss = crossEntropy(m.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

describe('diagnose', () => {
  it('leaves the model, its gradients, buffers, modes, the optimizer and the RNG exactly untouched', async () => {
    const m = model();
    const opt = new optim.Adam(m.parameters(), { lr: 1e-2 });
    trainSteps(m, opt, batches(3, 1)); // optimizer state and gradients exist
    const before = fingerprint(m, opt);
    const params = m.parameters();
    const stateObj = opt.state;
    const { findings, records } = await diagnose(m, { data: batches(4, 2), lossFn: crossEntropy, optimizer: opt, steps: 6, lang: 'fr' });
    expect(records.length).toBe(6);
    expect(records[5]!.params.every((p) => p.update !== null)).toBe(true);
    expect(Array.isArray(findings)).toBe(true);
    expect(fingerprint(m, opt)).toBe(before);
    expect(m.parameters()).toEqual(params);
    m.parameters().forEach((p, i) => expect(p).toBe(params[i]));
    expect(opt.state).toBe(stateObj);
    expect([...m.modules()].every((x) => x._forwardHooks.length === 0)).toBe(true);
    expect(m.parameters().every((p) => (p._hooks?.length ?? 0) === 0)).toBe(true);
  });

  it('training after diagnose is bit-identical to training without it', async () => {
    const run = async (withDiagnose: boolean) => {
      const m = model();
      const opt = new optim.Adam(m.parameters(), { lr: 1e-2 });
      trainSteps(m, opt, batches(2, 3));
      if (withDiagnose) await diagnose(m, { data: (s) => batches(1, 50 + s)[0]!, lossFn: crossEntropy, optimizer: opt, steps: 3, clipGradNorm: 0.5 });
      const losses = trainSteps(m, opt, batches(3, 4));
      return { losses, w: m.parameters().map((p) => [...p.data]) };
    };
    const a = await run(false);
    const b = await run(true);
    expect(b.losses).toEqual(a.losses);
    expect(b.w).toEqual(a.w);
  });

  it('restores the model even when the session throws', async () => {
    const m = model();
    const opt = new optim.Adam(m.parameters(), { lr: 1e-2 });
    const before = fingerprint(m, opt);
    await expect(
      diagnose(m, { data: (s) => { if (s === 2) throw new Error('data source failed'); return batches(1, s)[0]!; }, lossFn: crossEntropy, optimizer: opt, steps: 4 }),
    ).rejects.toThrow('data source failed');
    expect(fingerprint(m, opt)).toBe(before);
  });

  it('finds the canonical problems without an optimizer (no update is made)', async () => {
    manualSeed(5);
    const m = nn.mlp({ inFeatures: 20, hidden: [32, 32], outFeatures: 4, activation: 'tanh', init: { constant: 0.05 } });
    const w0 = m.parameters().map((p) => p.data.slice());
    const { findings, records } = await diagnose(m, { data: batches(2, 7).map(([x, y]) => [randn([16, 20], { generator: new Generator(x.data.length) }), y]), lossFn: crossEntropy, steps: 2 });
    expect(findings.map((f) => f.id)).toContain('broken-symmetry');
    expect(records.every((r) => r.params.every((p) => p.update === null))).toBe(true);
    m.parameters().forEach((p, i) => expect(p.data).toEqual(w0[i]));
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('refuses bad arguments with ValueError', async () => {
    const m = model();
    await expect(diagnose(null as never, { data: batches(1), lossFn: crossEntropy })).rejects.toThrow(ValueError);
    await expect(diagnose(m, { data: [], lossFn: crossEntropy })).rejects.toThrow(/data must be/);
    await expect(diagnose(m, { data: batches(1), lossFn: 3 as never })).rejects.toThrow(/lossFn must be a function/);
    await expect(diagnose(m, { data: batches(1), lossFn: crossEntropy, steps: 0 })).rejects.toThrow(/steps/);
    await expect(diagnose(m, { data: batches(1), lossFn: (o: Tensor) => o })).rejects.toThrow(/scalar/);
  });

  it('is exported from the package entry with Probe and the doctor namespace', () => {
    expect(diagnoseTop).toBe(diagnose);
    expect(typeof Probe).toBe('function');
    expect(typeof doctor.readRunRecord).toBe('function');
    expect(doctor.DEFAULT_THRESHOLDS.vanishing.ratio).toBe(0.2);
  });

  it('sixteen parallel diagnoses of one model run one after the other: each gets the records it would get alone', async () => {
    const m = model();
    const opt = new optim.Adam(m.parameters(), { lr: 1e-2 });
    const before = fingerprint(m, opt);
    // each call has its own data (async, so the calls would interleave without the queue)
    const data = (k: number) => async (s: number) => {
      await new Promise((r) => setTimeout(r, (k * 7 + s * 3) % 5));
      return batches(1, 100 + k * 10 + s)[0]!;
    };
    const alone = await diagnose(m, { data: data(5), lossFn: crossEntropy, optimizer: opt, steps: 3 });
    const all = await Promise.all(Array.from({ length: 16 }, (_, k) => diagnose(m, { data: data(k), lossFn: crossEntropy, optimizer: opt, steps: 3 })));
    for (const d of all) {
      expect(d.records.map((r) => r.step)).toEqual([0, 1, 2]);
      expect(d.records.every((r) => r.layers.every((l) => l.calls === 1))).toBe(true);
    }
    expect(JSON.stringify(all[5]!.records)).toBe(JSON.stringify(alone.records));
    expect(fingerprint(m, opt)).toBe(before);
  });

  it('a failing diagnosis does not block the next one on the same model', async () => {
    const m = model();
    const bad = diagnose(m, { data: [[randn([16, 10]), randint(0, 3, [16])]], lossFn: () => randn([2]), steps: 1 });
    const good = diagnose(m, { data: batches(1, 9), lossFn: crossEntropy, steps: 1 });
    await expect(bad).rejects.toThrow(/scalar/);
    expect((await good).records.length).toBe(1);
  });
});
