/**
 * Structured remedies: `applyRemedy` carries each kind out on any model (checked statistically and
 * structurally), and every code string the doctor can offer compiles against the package's types
 * (written into a temporary .ts file and checked by tsc).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Module, Tensor, manualSeed, nn, optim } from '../src/index.js';
import { applyRemedy, chooseRemedies, remedyCode, type RemedyAction } from '../src/diagnostics/remedies/index.js';
import { FINDING_IDS, type RawFinding } from '../src/diagnostics/detectors/types.js';
import { explain } from '../src/diagnostics/explain/index.js';

const std = (t: Tensor): number => Math.sqrt(t.data.reduce((a, v) => a + v * v, 0) / t.data.length);

class Custom extends Module {
  a = new nn.Linear(64, 128);
  act = new nn.Sigmoid();
  inner = new nn.Sequential(new nn.Linear(128, 128), new nn.Sigmoid());
  rnn = new nn.RNN(8, 16);
  forward(x: Tensor): Tensor {
    return this.inner.forward(this.act.forward(this.a.forward(x))) as Tensor;
  }
}

describe('applyRemedy', () => {
  it('init: every Linear re-initialized with the scheme’s standard deviation, biases zeroed', () => {
    manualSeed(1);
    const m = new Custom();
    applyRemedy(m, { kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu', zeroBias: true });
    expect(std(m.a.weight) / Math.sqrt(2 / 64)).toBeCloseTo(1, 1); // 8192 draws: ±1.6 %
    expect(std((m.inner.at(0) as nn.Linear).weight) / Math.sqrt(2 / 128)).toBeCloseTo(1, 1);
    expect(m.a.bias!.data.every((v) => v === 0)).toBe(true);
    applyRemedy(m, { kind: 'init', scheme: 'xavierNormal', gain: 5 / 3 });
    expect(std(m.a.weight) / ((5 / 3) * Math.sqrt(2 / (64 + 128)))).toBeCloseTo(1, 1);
  });

  it('activation: every Sigmoid module replaced, wherever it sits, then re-initialized', () => {
    manualSeed(2);
    const m = new Custom();
    const r = applyRemedy(m, { kind: 'activation', from: 'Sigmoid', to: 'Tanh', init: { kind: 'init', scheme: 'xavierNormal', gain: 5 / 3 } });
    expect(r.changed).toBe(2);
    expect(m.act).toBeInstanceOf(nn.Tanh);
    expect(m.inner.at(1)).toBeInstanceOf(nn.Tanh);
    expect([...m.modules()].some((x) => x instanceof nn.Sigmoid)).toBe(false);
    expect(() => applyRemedy(m, { kind: 'activation', from: 'Sigmoid', to: 'Tanh' })).toThrow(/no Sigmoid module/);
  });

  it('recurrent-init: W_hh orthogonal (W·Wᵀ = I)', () => {
    manualSeed(3);
    const m = new Custom();
    applyRemedy(m, { kind: 'recurrent-init', scheme: 'orthogonal' });
    const w = m.rnn.weightsOf(0).wHh;
    const p = w.matmul(w.transpose(0, 1));
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) expect(p.data[i * 16 + j]).toBeCloseTo(i === j ? 1 : 0, 4);
  });

  it('gate-bias: the memory gate of every LSTM/GRU (second block of each bias) opened to a total bias of 1, the rest untouched', () => {
    manualSeed(4);
    const lstm = new nn.LSTM(4, 8, { numLayers: 2 });
    const gru = new nn.GRUCell(4, 8);
    const m = new nn.Sequential(lstm, gru, new nn.Linear(8, 2));
    const before = lstm.bias_hh_l1.data.slice();
    expect(applyRemedy(m, { kind: 'gate-bias', value: 1 }).changed).toBe(6);
    for (const [b, hh] of [[lstm.bias_hh_l0, true], [lstm.bias_ih_l0, false], [lstm.bias_hh_l1, true], [lstm.bias_ih_l1, false], [gru.bias_hh!, true], [gru.bias_ih!, false]] as const)
      expect([...b.data.subarray(8, 16)]).toEqual(Array(8).fill(hh ? 1 : 0));
    expect([...lstm.bias_hh_l1.data.subarray(0, 8)]).toEqual([...before.subarray(0, 8)]);
    expect([...lstm.bias_hh_l1.data.subarray(16)]).toEqual([...before.subarray(16)]);
    expect(() => applyRemedy(new Custom(), { kind: 'gate-bias', value: 1 })).toThrow(/no LSTM or GRU/);
  });

  it('bias, lr, clip', () => {
    const m = new Custom();
    applyRemedy(m, { kind: 'bias', value: 0 });
    expect(m.a.bias!.data.every((v) => v === 0)).toBe(true);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    applyRemedy(m, { kind: 'lr', lr: 0.01 }, { optimizer: opt });
    expect(opt.paramGroups[0]!.lr).toBe(0.01);
    applyRemedy(m, { kind: 'lr', factor: 10 }, { optimizer: opt });
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.1, 12);
    expect(() => applyRemedy(m, { kind: 'lr', lr: 0.01 })).toThrow(/needs the optimizer/);
    expect(() => applyRemedy(m, { kind: 'lr', lr: NaN }, { optimizer: opt })).toThrow(/finite and > 0/);
    expect(applyRemedy(m, { kind: 'clip', maxNorm: 1 })).toEqual({ changed: 0, clipGradNorm: 1 });
  });
});

/** Raw findings that walk every branch of chooseRemedies. */
function samples(): RawFinding[] {
  const base = { norm: 'none', recurrent: 'no', clipped: 'no', lr: 0.1, initFollows: [] as string[] };
  const acts = [
    { activation: 'relu', activationType: 'ReLU' },
    { activation: 'relu', activationType: 'LeakyReLU' },
    { activation: 'tanh', activationType: 'Tanh' },
    { activation: 'sigmoid', activationType: 'Sigmoid' },
    { activation: 'sigmoid', activationType: 'sigmoid' },
    { activation: 'none', activationType: 'none' },
    { activation: 'activation', activationType: 'GELU' },
  ];
  const extra = [
    {},
    { kind: 'depth' },
    { kind: 'growth' },
    { kind: 'time', recurrent: 'yes' },
    { recurrent: 'yes', gated: 'yes', layerType: 'LSTM' },
    { kind: 'non-finite' },
    { cause: 'learning-rate', suggestedLr: 0.01 },
    { inputScale: 8, firstLayerOnly: 'yes' },
    { preActivationMean: -3, preActivationStd: 1 },
    { preActivationMean: -3, preActivationStd: 1, initFollows: ['kaimingNormal'] },
    { suggestedLr: 0.001, medianRatio: 0.5 },
    { suggestedLr: NaN },
    { op: 'log', pass: 'forward', inModel: 'no' },
    { op: 'sqrt', pass: 'backward' },
    { op: 'exp', pass: 'forward' },
    { op: 'div', pass: 'forward', source: 'input', cause: 'input' },
    { trigger: 'learning-rate', suggestedLr: 0.01 },
  ];
  const out: RawFinding[] = [];
  for (const id of FINDING_IDS)
    for (const a of acts)
      for (const e of extra)
        out.push({ id, severity: 'warning', layers: ['0', '4'], step: 1, evidence: { ...base, ...a, ...e, units: [8], distinctUnits: [1], ratio: 0.01 } as unknown as RawFinding['evidence'] });
  return out;
}

describe('remedy code', () => {
  it('every code string the doctor can offer type-checks against the package', () => {
    const codes = new Set<string>();
    for (const f of samples()) for (const s of chooseRemedies(f)) if (s.code) codes.add(s.code);
    const actions: RemedyAction[] = [
      { kind: 'init', scheme: 'orthogonal', gain: 2 },
      { kind: 'bias', value: 0.1 },
      { kind: 'gate-bias', value: 1 },
      { kind: 'lr', factor: 0.1 },
      { kind: 'activation', from: 'ReLU', to: 'LeakyReLU' },
    ];
    for (const a of actions) codes.add(remedyCode(a));
    expect(codes.size).toBeGreaterThan(15);
    const dir = mkdtempSync(join(tmpdir(), 'gradlab-remedy-'));
    try {
      const src = fileURLToPath(new URL('../src/index.js', import.meta.url));
      const body = [...codes].map((c, i) => `function remedy${i}(): void {\n${c}\n}`).join('\n\n');
      const text =
        `import { F, Module, Tensor, doctor, nn, optim } from ${JSON.stringify(src)};\n` +
        'declare const model: Module;\ndeclare const optimizer: optim.Optimizer;\ndeclare const x: Tensor;\ndeclare const h: Tensor;\ndeclare const logits: Tensor;\ndeclare const y: Tensor;\n' +
        `void [F, doctor, x, h, logits, y];\n\n${body}\n`;
      const file = join(dir, 'remedies.ts');
      writeFileSync(file, text);
      const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
      let out = '';
      try {
        execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', '--types', 'node', '--noUnusedLocals', 'false', file], { encoding: 'utf8' });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e);
      }
      // errors in the remedies file itself (the library's own files are checked by the project's tsc)
      const mine = out.split('\n').filter((l) => l.includes('remedies.ts'));
      expect(mine, `${mine.join('\n')}\n\n${text}`).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('no remedy suggests a non-finite or non-positive learning rate, mlp(...) or layer-specific names', () => {
    for (const f of samples())
      for (const lang of ['en', 'fr'] as const) {
        const [e] = explain([f], lang);
        for (const r of e!.remedies) {
          expect(`${r.text} ${r.code ?? ''}`).not.toMatch(/(?<![\w/])NaN(?![\w/])|undefined|Infinity|mlp\(|weight_hh_l0|layer\.weight/);
          const lr = r.code?.match(/g\.lr = ([-\d.e]+)/);
          if (lr) expect(Number(lr[1])).toBeGreaterThan(0);
        }
      }
  });

  it('a remedy already in effect is not offered: the init the weights follow, active clipping, the same activation', () => {
    const f = (e: Record<string, unknown>): RawFinding => ({ id: 'activation-collapse', severity: 'warning', layers: ['0', '4'], step: 0, evidence: { activation: 'relu', activationType: 'ReLU', norm: 'none', recurrent: 'no', ...e } as RawFinding['evidence'] });
    expect(chooseRemedies(f({ initFollows: [] })).map((s) => s.action?.kind)).toContain('init');
    expect(chooseRemedies(f({ initFollows: ['kaimingNormal'] })).map((s) => s.action?.kind)).not.toContain('init');
    const ex: RawFinding = { id: 'exploding-gradients', severity: 'warning', layers: ['0'], step: 0, evidence: { kind: 'growth', clipped: 'yes', lr: 0.1 } };
    expect(chooseRemedies(ex).map((s) => s.action?.kind)).not.toContain('clip');
    // sigmoid: no Xavier (it swaps saturation for vanishing); the cure is another activation
    const sg: RawFinding = { id: 'vanishing-gradients', severity: 'critical', layers: ['0', '4'], step: 0, evidence: { activation: 'sigmoid', activationType: 'Sigmoid', initFollows: [] } };
    const acts = chooseRemedies(sg).map((s) => s.action);
    expect(acts.some((a) => a?.kind === 'init' && a.scheme === 'xavierNormal' && a.gain === 1)).toBe(false);
    expect(acts[0]).toMatchObject({ kind: 'activation', from: 'Sigmoid', to: 'Tanh' });
    // dead units from negative biases: zero the biases, no LeakyReLU swap (it would leave the units on the 0.01 slope)
    const dead: RawFinding = { id: 'dead-units', severity: 'critical', layers: ['0'], step: 0, evidence: { activation: 'relu', activationType: 'ReLU', preActivationMean: -3, preActivationStd: 1, initFollows: ['kaimingNormal'] } };
    expect(chooseRemedies(dead).flatMap((s) => (s.action ? [s.action.kind] : []))).toEqual(['bias']);
    // cross-entropy advice only for a log made outside the model (the loss)
    const nf = (e: Record<string, string>): RawFinding => ({ id: 'non-finite', severity: 'critical', layers: ['fault'], step: 2, evidence: { ...e } });
    expect(chooseRemedies(nf({ op: 'log', pass: 'forward', inModel: 'yes' })).map((s) => s.key)).not.toContain('loss-from-logits');
    expect(chooseRemedies(nf({ op: 'log', pass: 'forward', inModel: 'no' })).map((s) => s.key)).toContain('loss-from-logits');
  });
});
