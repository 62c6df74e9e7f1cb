/**
 * Every detector fires on its canonical broken setup and stays silent on the healthy twin
 * (fixed seeds). The thresholds these rely on are the documented defaults (docs/doctor.md).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator, Module, Tensor, crossEntropy, eye, manualSeed, mseLoss, nn, noGrad, optim, randint, randn } from '../src/index.js';
import { Probe } from '../src/diagnostics/probe.js';
import type { ProbeOptions } from '../src/diagnostics/probe-options.js';
import { runDetectors, FINDING_IDS, type Finding, type FindingId, type RawFinding } from '../src/diagnostics/detectors/index.js';
import { explain } from '../src/diagnostics/explain/index.js';

/** One forward/backward at initialization, recorded; returns the probe's record and findings. */
function atInit(model: Module, x: Tensor, y: Tensor, opts: ProbeOptions = {}) {
  const probe = new Probe(model, { jacobian: { enabled: false }, ...opts });
  const loss = crossEntropy(model.forward(x) as Tensor, y);
  loss.backward();
  const rec = probe.step({ loss })!;
  probe.detach();
  return { rec, findings: explain(runDetectors(probe.records), 'en'), fr: explain(runDetectors(probe.records), 'fr') };
}

const ids = (fs: readonly RawFinding[]): FindingId[] => fs.map((f) => f.id);

/** Seeded standard normal draws (xorshift128 + Box–Muller), fast enough for 100M values. */
function gaussian(n: number, seed: number): Float32Array {
  let a = seed | 0 || 1, b = 362436069, c = 521288629, d = 88675123;
  const next = (): number => {
    const t = a ^ (a << 11);
    a = b; b = c; c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return (d + 0.5) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next()));
    const th = 2 * Math.PI * next();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

describe('6 tanh layers of width 4096, batch 16, input N(0, 1)', () => {
  const W = 4096;
  const x = randn([16, W], { generator: new Generator(1) });
  const y = randint(0, 10, [16], { generator: new Generator(2) });
  let model: Module;
  let linears: nn.Linear[];
  let base: Float32Array[];
  beforeAll(() => {
    manualSeed(0);
    model = nn.mlp({ inFeatures: W, hidden: Array(6).fill(W), outFeatures: 10, activation: 'tanh', init: () => {} });
    linears = [...model.modules()].filter((m): m is nn.Linear => m instanceof nn.Linear);
    // N(0, 1) draws, seeded, made once: each case scales them to its init's σ (100M values from
    // Generator.normal would take most of the time budget of this file).
    base = linears.map((l, i) => gaussian(l.weight.data.length, 1000 + i));
  });
  /** Weights N(0, σ²) for every Linear (σ from the fan for 'xavier'), biases 0. */
  const net = (init: { normal: number } | 'xavierNormal'): Module => {
    linears.forEach((l, i) => {
      const [out, inp] = l.weight.shape as [number, number];
      const sigma = init === 'xavierNormal' ? Math.sqrt(2 / (inp + out)) : init.normal;
      const w = l.weight.data;
      for (let k = 0; k < w.length; k++) w[k] = sigma * base[i]![k]!;
      l.bias!.data.fill(0);
      l.weight.grad = null;
      l.bias!.grad = null;
    });
    return model;
  };

  it('N(0, 0.01) weights: vanishing activations and gradients', () => {
    const { rec, findings, fr } = atInit(net({ normal: 0.01 }), x, y);
    expect(ids(findings)).toContain('vanishing-gradients');
    expect(ids(findings)).toContain('activation-collapse');
    const v = findings.find((f) => f.id === 'vanishing-gradients')!;
    // σ√n = 0.64 per layer (tanh is near-linear at these scales)
    expect(v.evidence.perLayerFactor as number).toBeGreaterThan(0.5);
    expect(v.evidence.perLayerFactor as number).toBeLessThan(0.75);
    const c = findings.find((f) => f.id === 'activation-collapse')!;
    expect(c.evidence.perLayerFactor as number).toBeCloseTo(0.41, 1); // σ²n = 0.4096
    expect(c.remedies[0]!.code).toContain("calculateGain('tanh')");
    expect(v.explanation).toMatch(/Jacobian/);
    expect(fr.find((f) => f.id === 'vanishing-gradients')!.explanation).toMatch(/jacobienne/);
    // the activations' scale really does shrink layer after layer
    const rms = rec.layers.filter((l) => l.kind === 'tanh').map((l) => l.output!.rms);
    expect(rms[5]! / rms[0]!).toBeLessThan(0.1);
  });

  it('N(0, 0.05) weights: saturation, about a third of the units beyond 0.99', () => {
    const { rec, findings } = atInit(net({ normal: 0.05 }), x, y, { saturation: { tanh: 0.99 } });
    expect(ids(findings)).toContain('saturation');
    const shares = rec.layers.filter((l) => l.kind === 'tanh').map((l) => l.saturation!);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeGreaterThan(0.28);
    expect(mean).toBeLessThan(0.4);
    const s = findings.find((f) => f.id === 'saturation')!;
    expect(s.layers.length).toBe(6);
    expect(s.remedies.map((r) => r.text).join(' ')).toMatch(/normalization layer \(BatchNorm1d, or LayerNorm\) before each Tanh/);
  });

  it('Xavier: healthy, no finding', () => {
    const { findings } = atInit(net('xavierNormal'), x, y);
    expect(findings).toEqual([]);
  });
});

describe('12 ReLU layers: Xavier halves the signal per layer, Kaiming keeps it', () => {
  const x = randn([64, 256], { generator: new Generator(3) });
  const y = randint(0, 10, [64], { generator: new Generator(4) });
  const net = (init: nn.WeightInit): Module => {
    manualSeed(1);
    return nn.mlp({ inFeatures: 256, hidden: Array(12).fill(256), outFeatures: 10, activation: 'relu', init });
  };

  it('Xavier: activation variance collapse, factor ≈ ½ per layer', () => {
    const { findings } = atInit(net('xavierNormal'), x, y);
    const c = findings.find((f) => f.id === 'activation-collapse');
    expect(c).toBeDefined();
    expect(c!.evidence.perLayerFactor as number).toBeGreaterThan(0.4);
    expect(c!.evidence.perLayerFactor as number).toBeLessThan(0.6);
    expect(c!.remedies[0]!.code).toContain("nn.init.kaimingNormal_(m.weight, { nonlinearity: 'relu' })");
    expect(c!.remedies[0]!.action).toEqual({ kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu', zeroBias: true });
    expect(c!.explanation).toMatch(/halves the signal/);
  });

  it('Kaiming: stable, no finding', () => {
    expect(atInit(net('kaimingNormal'), x, y).findings).toEqual([]);
  });
});

describe('broken symmetry', () => {
  it('all-constant init: every hidden unit is the same unit', () => {
    manualSeed(2);
    const m = nn.mlp({ inFeatures: 20, hidden: [32, 32], outFeatures: 4, activation: 'tanh', init: { constant: 0.05 } });
    const { findings } = atInit(m, randn([16, 20], { generator: new Generator(5) }), randint(0, 4, [16], { generator: new Generator(6) }));
    const s = findings.find((f) => f.id === 'broken-symmetry')!;
    expect(s.severity).toBe('critical');
    expect(s.evidence.distinctUnits).toEqual([1, 1, 1]);
    expect(s.layers).toEqual(['0', '2', '4']);
  });

  it('random init: no symmetry finding', () => {
    manualSeed(2);
    const m = nn.mlp({ inFeatures: 20, hidden: [32, 32], outFeatures: 4, activation: 'tanh', init: 'xavierNormal' });
    const { findings } = atInit(m, randn([16, 20], { generator: new Generator(5) }), randint(0, 4, [16], { generator: new Generator(6) }));
    expect(ids(findings)).not.toContain('broken-symmetry');
  });
});

describe('RNN with recurrent spectral radius 1.5 (ReLU), unrolled 50 steps', () => {
  class Net extends Module {
    rnn = new nn.RNN(4, 32, { nonlinearity: 'relu' });
    head = new nn.Linear(32, 1);
    forward(x: Tensor): Tensor {
      const [out] = this.rnn.forward(x) as [Tensor, Tensor];
      const [T, N] = out.shape as [number, number, number];
      return (this.head.forward(out.reshape([T * N, 32])) as Tensor).reshape([T, N, 1]).mean(0);
    }
  }
  function run(clip: boolean) {
    manualSeed(0);
    const m = new Net();
    noGrad(() => m.rnn.weightsOf(0).wHh.data.set(eye(32).mul(1.5).data)); // IRNN scaled: spectral radius 1.5
    const opt = new optim.SGD(m.parameters(), { lr: 1e-3 });
    const probe = new Probe(m, { optimizer: opt, every: 1 });
    const g = new Generator(1);
    for (let s = 0; s < 4; s++) {
      const x = randn([50, 8, 4], { generator: g });
      const y = randn([8, 1], { generator: g });
      opt.zeroGrad();
      const loss = mseLoss(m.forward(x), y);
      loss.backward();
      const n = clip ? nn.utils.clipGradNorm_(m.parameters(), 1.0) : undefined;
      opt.step();
      probe.step({ loss, optimizer: opt, gradNorm: n });
    }
    return { records: probe.records, findings: probe.findings() };
  }

  it('exploding: the signal grows ×1.5 per time step and training turns non-finite', () => {
    const { records, findings } = run(false);
    expect(records.some((r) => !Number.isFinite(r.loss!))).toBe(true);
    const e = findings.find((f) => f.id === 'exploding-through-time')!;
    expect(e.severity).toBe('critical');
    expect(ids(findings)).toContain('non-finite');
    // one cause, one finding: not also "exploding gradients"
    expect(ids(findings)).not.toContain('exploding-gradients');
    // the recurrent matrix the first forward pass used (IRNN ×1.5), not the one after the blown-up update
    expect(e.evidence.spectralRadius).toBeCloseTo(1.5, 3);
    expect(e.remedies.map((r) => r.code).join('\n')).toContain('nn.utils.clipGradNorm_(model.parameters(), 1.0);');
  });

  it('with clipGradNorm_: no non-finite step, and the growth through time is still named', () => {
    const { records, findings } = run(true);
    for (const r of records) {
      expect(Number.isFinite(r.loss!)).toBe(true);
      expect(r.params.every((p) => p.nonFinite === 0 && p.gradNonFinite === 0)).toBe(true);
      expect(r.gradNormClipped!).toBeCloseTo(1, 4);
      expect(r.gradNorm!).toBeGreaterThan(1e6);
    }
    expect(ids(findings)).not.toContain('non-finite');
    expect(ids(findings)).not.toContain('exploding-gradients');
    const e = findings.find((f) => f.id === 'exploding-through-time')!;
    expect(e.evidence.perStepFactor as number).toBeGreaterThan(1.3);
    expect(e.explanation).toMatch(/already active/);
    expect(e.remedies[0]!.action).toEqual({ kind: 'recurrent-init', scheme: 'orthogonal' });
    expect(e.remedies.map((r) => r.action?.kind)).not.toContain('clip'); // clipping is already active
  });
});

describe('update-to-weight ratio', () => {
  function train(lr: number) {
    manualSeed(3);
    const m = nn.mlp({ inFeatures: 64, hidden: [128, 128, 128], outFeatures: 10, activation: 'relu', init: 'kaimingNormal' });
    const opt = new optim.Adam(m.parameters(), { lr });
    const probe = new Probe(m, { optimizer: opt, every: 1 });
    const g = new Generator(1);
    for (let s = 0; s < 8; s++) {
      const x = randn([64, 64], { generator: g });
      const y = randint(0, 10, [64], { generator: g });
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      probe.step({ loss, optimizer: opt });
    }
    return probe.findings({ lang: 'fr' });
  }

  it('Adam at 100× its default learning rate: update/weight ratio finding', () => {
    const f = train(0.1).find((x) => x.id === 'update-ratio-high')!;
    expect(f).toBeDefined();
    expect(f.evidence.medianRatio as number).toBeGreaterThan(3e-2);
    expect(f.message).toMatch(/Taux d’apprentissage trop élevé/);
    expect(f.remedies[0]!.code).toMatch(/g\.lr = /);
  });

  it('Adam at its default learning rate: silent', () => {
    expect(train(1e-3)).toEqual([]);
  });
});

describe('non-finite values point at the first layer where they appeared', () => {
  it('a NaN weight in the middle layer', () => {
    manualSeed(4);
    const m = nn.mlp({ inFeatures: 8, hidden: [16, 16, 16], outFeatures: 3, activation: 'tanh' });
    const lin = [...m.modules()].filter((x) => x instanceof nn.Linear) as nn.Linear[];
    lin[1]!.weight.data[5] = NaN;
    const probe = new Probe(m);
    const loss = crossEntropy(m.forward(randn([4, 8])) as Tensor, randint(0, 3, [4]));
    loss.backward();
    probe.step({ loss });
    const f = probe.findings().find((x) => x.id === 'non-finite')!;
    expect(f.layers).toEqual(['2']);
    // the NaN weight makes the first NaN in layer '2' (with the tape's origin: the op there, caused by a weight)
    expect(['activations', 'weights']).toContain(f.evidence.source);
    expect(f.message).toMatch(/'2'/);
  });
});

describe('explanations', () => {
  const samples: Record<FindingId, RawFinding['evidence']> = {
    'vanishing-gradients': { kind: 'depth', ratio: 0.01, perLayerFactor: 0.6, depth: 7, activation: 'relu', recurrent: 'no' },
    'exploding-gradients': { kind: 'growth', growth: 1e4, gradNorm: 1e5, lr: 0.1, activation: 'tanh', recurrent: 'yes', clipped: 'no' },
    saturation: { worstShare: 0.5, activation: 'sigmoid' },
    'dead-units': { worstShare: 0.7, lr: 0.1 },
    'activation-collapse': { perLayerFactor: 0.5, cumulative: 1e-3, activation: 'relu' },
    'activation-explosion': { perLayerFactor: 2, cumulative: 1e3, activation: 'tanh' },
    'broken-symmetry': { distinctUnits: [1], units: [64], activation: 'tanh' },
    'update-ratio-high': { medianRatio: 0.5, suggestedLr: 0.0002, lr: 0.1 },
    'update-ratio-low': { medianRatio: 1e-7, suggestedLr: 1, lr: 1e-4 },
    'non-finite': { loss: NaN, source: 'loss', lr: 0.1 },
    'vanishing-through-time': { ratio: 1e-6, spectralRadius: 0.3, activation: 'tanh', recurrent: 'yes' },
    'exploding-through-time': { ratio: 1e5, spectralRadius: 3, activation: 'tanh', recurrent: 'yes', clipped: 'no' },
  };

  it('exist in English and French for every finding, and differ', () => {
    for (const id of FINDING_IDS) {
      const raw: RawFinding = { id, severity: 'warning', layers: ['0', '4'], step: 3, evidence: samples[id] };
      const [en] = explain([raw], 'en') as [Finding];
      const [fr] = explain([raw], 'fr') as [Finding];
      for (const f of [en, fr]) {
        expect(f.message.length, id).toBeGreaterThan(20);
        expect(f.explanation.length, id).toBeGreaterThan(80);
        expect(f.remedies.length, id).toBeGreaterThan(0);
        expect(`${f.message} ${f.explanation} ${f.remedies.map((r) => r.text).join(' ')}`, id).not.toMatch(/undefined|\[object/);
      }
      expect(fr.message).not.toBe(en.message);
      expect(fr.explanation).not.toBe(en.explanation);
      expect(fr.remedies.map((r) => r.code)).toEqual(en.remedies.map((r) => r.code));
    }
  });

  it('French uses a decimal comma and French quotes; unknown languages are refused', () => {
    const raw: RawFinding = { id: 'vanishing-gradients', severity: 'warning', layers: ['0', '4'], step: 0, evidence: samples['vanishing-gradients'] };
    expect(explain([raw], 'fr')[0]!.message).toMatch(/« 0 » vaut 0,01 fois/);
    expect(() => explain([raw], 'de' as never)).toThrow(/unknown language 'de'/);
  });

  it('detector options: thresholds can be set, detectors switched off, bad ones refused', () => {
    expect(() => runDetectors([], { vanishing: { ratioo: 1 } as never })).toThrow(/vanishing.ratioo is not a threshold/);
    expect(() => runDetectors([], { window: 0 })).toThrow(/window/);
    expect(() => runDetectors(null as never)).toThrow(/array of step records/);
    expect(runDetectors([], { saturation: false })).toEqual([]);
  });
});

describe('findings that explain each other', () => {
  it('small updates caused by saturated units are not blamed on the learning rate', () => {
    manualSeed(21);
    const m = nn.mlp({ inFeatures: 32, hidden: [64, 64, 64], outFeatures: 4, activation: 'tanh', init: { normal: 0.6 } });
    const opt = new optim.SGD(m.parameters(), { lr: 1e-7 });
    const probe = new Probe(m, { every: 1, optimizer: opt });
    const x = randn([16, 32]);
    const y = randint(0, 4, [16]);
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x) as Tensor, y);
      loss.backward();
      opt.step();
      probe.step({ loss, optimizer: opt });
    }
    probe.detach();
    expect(ids(probe.findings())).toContain('saturation');
    expect(ids(probe.findings())).not.toContain('update-ratio-low');
    // the low ratio is real: with the saturation detector off, it is reported
    expect(ids(probe.findings({ saturation: false, vanishing: false, variance: false }))).toContain('update-ratio-low');
  });
});
