import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor, manualSeed, nn, randn } from '../src/index.js';
import { readRunRecord } from '../src/diagnostics/record/index.js';
import { SpecError, parseSpec, type SpecInput } from '../src/lab/spec/index.js';
import { buildModel, type ModelData } from '../src/lab/model.js';
import { recurrentLayer } from '../src/lab/models/available.js';
import { makeLoss, runSpec, type RunCheckpoint, type RunResult } from '../src/lab/runner/index.js';
import { loadRunCheckpoint, nodeDataSource, resumeRun, runToDir, saveRunCheckpoint, sweepToDir } from '../src/lab/node/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'gradlab-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const source = nodeDataSource();

const IMAGES: ModelData = { name: 'mnist', inputShape: [784], imageShape: [1, 28, 28], numClasses: 10 };
const SEQ: ModelData = { name: 'sequence', inputShape: [12, 2], numClasses: null };
const VEC: ModelData = { name: 'gaussian', inputShape: [20], numClasses: 5 };

function build(model: SpecInput['model'], data: ModelData): nn.Module {
  manualSeed(0);
  return buildModel(parseSpec({ model }), data);
}
const out = (m: nn.Module, data: ModelData, n = 3): number[] => [...(m.forward(randn([n, ...data.inputShape])) as Tensor).shape];
const std = (d: Float32Array): number => {
  let s = 0;
  let s2 = 0;
  for (const v of d) {
    s += v;
    s2 += v * v;
  }
  const mean = s / d.length;
  return Math.sqrt(s2 / d.length - mean * mean);
};
const linears = (m: nn.Module): nn.Linear[] => [...m.modules()].filter((x): x is nn.Linear => x instanceof nn.Linear);
const withoutTime = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/"createdAt":"[^"]*"/, '"createdAt":null'));

describe('buildModel', () => {
  it('builds every model type for its data, with the right output shape', () => {
    expect(out(build({ type: 'mlp', depth: 3, width: 16 }, VEC), VEC)).toEqual([3, 5]);
    expect(out(build({ type: 'mlp', depth: 2, width: 8, norm: 'group', groups: 4, residual: true, dropout: 0.1 }, IMAGES), IMAGES)).toEqual([3, 10]);
    expect(out(build({ type: 'mlp', depth: 2, width: 8 }, SEQ), SEQ)).toEqual([3, 1]); // flattened sequence, regression
    expect(out(build({ type: 'cnn', depth: 4, width: 4, norm: 'instance', residual: true }, IMAGES), IMAGES)).toEqual([3, 10]);
    expect(out(build({ type: 'cnn', depth: 3, width: 4, norm: 'layer' }, IMAGES), IMAGES)).toEqual([3, 10]);
    expect(out(build({ type: 'resnet', depth: 8, width: 4 }, IMAGES), IMAGES)).toEqual([3, 10]);
    expect(out(build({ type: 'plain', depth: 14, width: 2, norm: 'group', groups: 2 }, IMAGES), IMAGES)).toEqual([3, 10]);
    expect(out(build({ type: 'rnn', depth: 2, width: 8 }, SEQ), SEQ)).toEqual([3, 1]);
    expect(out(build({ type: 'rnn', width: 8 }, IMAGES), IMAGES)).toEqual([3, 10]); // rows as time steps
  });

  it('counts layers as the spec says: depth hidden Linear + 1, 6n+2 weighted layers', () => {
    expect(linears(build({ type: 'mlp', depth: 5, width: 8 }, VEC))).toHaveLength(6);
    const resnet = build({ type: 'resnet', depth: 14, width: 2 }, IMAGES);
    const weighted = [...resnet.modules()].filter((m) => m instanceof nn.Conv2d || m instanceof nn.Linear);
    expect(weighted).toHaveLength(14);
    // the plain twin has the same parameters, drawn the same way
    const plain = build({ type: 'plain', depth: 14, width: 2 }, IMAGES);
    expect(Object.keys(plain.stateDict())).toEqual(Object.keys(resnet.stateDict()));
    expect(plain.parameters().map((p) => [...p.data])).toEqual(resnet.parameters().map((p) => [...p.data]));
    // stride 2 twice: 28 → 14 → 7 (cnn)
    const cnn = build({ type: 'cnn', depth: 4, width: 2 }, IMAGES);
    expect([...cnn.modules()].filter((m) => m instanceof nn.Conv2d).map((c) => (c as nn.Conv2d).stride)).toEqual([[1, 1], [2, 2], [2, 2], [1, 1]]);
  });

  it('refuses a conv net on data without images, and names missing recurrent layers', () => {
    expect(() => build({ type: 'cnn' }, VEC)).toThrow(SpecError);
    expect(() => build({ type: 'cnn' }, VEC)).toThrow(/needs images/);
    for (const [type, cls] of [['lstm', 'LSTM'], ['gru', 'GRU']] as const) {
      if (recurrentLayer(cls) === null) expect(() => parseSpec({ model: { type } })).toThrow(`model.type '${type}' is not available in this version`);
      else expect(out(build({ type, width: 8 }, SEQ), SEQ)).toEqual([3, 1]);
    }
  });
});

describe('buildModel: inits', () => {
  const W = 512;
  const wide: ModelData = { name: 'gaussian', inputShape: [W], numClasses: 10 };
  // std of n draws: relative standard error 1/√(2n) (0.14 % for 512² weights); tolerance 1 %
  it('kaiming uses fan_in and the gain of the activation (PyTorch)', () => {
    for (const [activation, gain] of [['tanh', 5 / 3], ['relu', Math.SQRT2], ['sigmoid', 1], ['leakyRelu', Math.sqrt(2 / (1 + 0.01 ** 2))]] as const) {
      const w = linears(build({ depth: 1, width: W, activation, init: 'kaimingNormal' }, wide))[0]!.weight;
      expect(std(w.data) / (gain / Math.sqrt(W)), activation).toBeCloseTo(1, 1.7);
    }
    const conv = [...build({ type: 'cnn', depth: 2, width: 64, init: 'kaimingNormal' }, IMAGES).modules()].filter((m) => m instanceof nn.Conv2d)[1] as nn.Conv2d;
    expect(std(conv.weight.data) / (Math.SQRT2 / Math.sqrt(64 * 9))).toBeCloseTo(1, 1.3); // 36,864 draws: 0.4 % s.e.
  });

  it('xavier uses gain 1 unless the spec gives one', () => {
    const w1 = linears(build({ depth: 1, width: W, init: 'xavierNormal' }, wide))[0]!.weight;
    expect(std(w1.data) / Math.sqrt(2 / (W + W))).toBeCloseTo(1, 1.7);
    const w2 = linears(build({ depth: 1, width: W, init: 'xavierUniform', gain: 5 / 3 }, wide))[0]!.weight;
    expect(std(w2.data) / ((5 / 3) * Math.sqrt(2 / (W + W)))).toBeCloseTo(1, 1.7);
  });

  it('{ normal: std } on every weight, Nielsen biases { normal: 1 }, zeros by default with a set init', () => {
    const m = build({ depth: 2, width: W, init: { normal: 0.01 }, bias: { normal: 1 } }, wide);
    for (const l of linears(m)) expect(std(l.weight.data) / 0.01).toBeCloseTo(1, 1.5);
    // 512 draws: s.e. 3.1 %; tolerance 12 % (about 4 s.e.)
    expect(Math.abs(std(linears(m)[0]!.bias!.data) - 1)).toBeLessThan(0.12);
    const z = build({ depth: 1, width: 8, init: 'xavierNormal' }, VEC);
    for (const l of linears(z)) expect([...l.bias!.data].every((v) => v === 0)).toBe(true);
    const p = build({ depth: 1, width: 8, init: 'xavierNormal', bias: 'pytorch' }, VEC);
    const b = linears(p)[0]!.bias!.data;
    expect([...b].every((v) => Math.abs(v) <= 1 / Math.sqrt(20))).toBe(true);
    expect([...b].some((v) => v !== 0)).toBe(true);
    const c = build({ depth: 1, width: 8, init: { constant: 0.5 }, bias: { constant: 0.1 } }, VEC);
    expect(new Set(linears(c)[0]!.weight.data).size).toBe(1);
    expect(linears(c)[0]!.bias!.data[0]).toBeCloseTo(0.1, 6);
  });

  it('reaches the recurrent weights: orthogonal W_hh is orthogonal', () => {
    const m = build({ type: 'rnn', width: 16, init: 'orthogonal' }, SEQ);
    const whh = (m as unknown as { rnn: nn.RNN }).rnn.weightsOf(0).wHh.data;
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++) {
        let dot = 0;
        for (let k = 0; k < 16; k++) dot += whh[i * 16 + k]! * whh[j * 16 + k]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
  });
});

describe('losses', () => {
  it("bce is Nielsen's cross-entropy of sigmoid outputs on one-hot targets, summed over outputs, averaged over the batch", () => {
    const logits = new Tensor(new Float32Array([0, 2, 1, -1]), [2, 2]);
    const y = new Tensor(new Float32Array([1, 0]), [2]);
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    const want = (-(Math.log(1 - sig(0)) + Math.log(sig(2))) - (Math.log(sig(1)) + Math.log(1 - sig(-1)))) / 2;
    expect(makeLoss('bce', 2)(logits, y).item()).toBeCloseTo(want, 5);
    // mse with classes compares with one-hot rows (mean over all elements, PyTorch's reduction)
    expect(makeLoss('mse', 2)(logits, y).item()).toBeCloseTo((0 + 1 + 0 + 1) / 4, 6);
  });
});

const tiny = (over: Record<string, unknown> = {}): SpecInput =>
  ({ name: 'tiny', model: { depth: 2, width: 8 }, data: { name: 'gaussian', n: 48, test: 16, features: 6, classes: 3 }, steps: 8, batchSize: 16, eval: { every: 4 }, probe: { every: 2 }, ...over }) as SpecInput;

describe('runSpec', () => {
  const families: [string, SpecInput][] = [
    ['mlp', tiny()],
    ['cnn', { name: 'cnn', model: { type: 'cnn', depth: 2, width: 2, norm: 'batch' }, data: { name: 'mnist', train: 32, test: 16 }, steps: 2, batchSize: 16, probe: { every: 1 } }],
    ['resnet', { name: 'resnet', model: { type: 'resnet', depth: 8, width: 2 }, data: { name: 'fashion-mnist', train: 16, test: 8 }, steps: 2, batchSize: 8, probe: { every: 1 } }],
    ['plain', { name: 'plain', model: { type: 'plain', depth: 8, width: 2 }, data: { name: 'fashion-mnist', train: 16, test: 8 }, steps: 2, batchSize: 8, probe: { every: 1 } }],
    ['rnn', { name: 'rnn', model: { type: 'rnn', width: 6 }, data: { name: 'sequence', n: 32, length: 6 }, steps: 3, batchSize: 16, probe: { every: 1 } }],
  ];
  for (const [family, input] of families)
    it(`runs a ${family} to a valid run record`, async () => {
      const spec = parseSpec(input);
      const r = await runSpec(spec, { source });
      expect(r.status, r.error).toBe('completed');
      const rec = readRunRecord(r.lines.join(''));
      expect(rec.truncated).toBe(false);
      expect(rec.header.seed).toBe(spec.seed);
      expect(rec.header.spec).toEqual(JSON.parse(JSON.stringify(spec)));
      expect(rec.end).toEqual({ type: 'end', steps: rec.steps.length, status: 'completed' });
      expect(rec.steps.map((s) => s.step)).toEqual(r.records.map((s) => s.step));
      expect(r.metrics.map((m) => m.step)).toEqual([...Array(r.steps).keys()]);
      const kinds = new Set(rec.steps[0]!.layers.map((l) => l.kind));
      expect(kinds.has(family === 'mlp' ? 'linear' : family === 'rnn' ? 'recurrent' : 'conv')).toBe(true);
    });

  it('writes train accuracy and test metrics on recorded eval steps, every loss in metrics', async () => {
    const r = await runSpec(parseSpec(tiny()));
    expect(r.metrics).toHaveLength(8);
    expect(r.metrics.filter((m) => m.testLoss !== undefined).map((m) => m.step)).toEqual([0, 4, 7]);
    for (const m of r.metrics) expect(m.accuracy! * 16).toBe(Math.round(m.accuracy! * 16)); // a share of the 16-sample batch
    const steps = readRunRecord(r.lines.join('')).steps;
    expect(steps.map((s) => s.step)).toEqual([0, 2, 4, 6]);
    expect(Object.keys(steps[0]!.metrics!).sort()).toEqual(['accuracy', 'testAccuracy', 'testLoss']);
    expect(Object.keys(steps[1]!.metrics!)).toEqual(['accuracy']);
    expect(steps[2]!.metrics!.testLoss).toBe(r.metrics[4]!.testLoss);
    expect(steps.map((s) => s.loss)).toEqual([0, 2, 4, 6].map((i) => r.metrics[i]!.loss));
  });

  it('is deterministic: same spec, same record line for line (createdAt aside); another seed, another run', async () => {
    const spec = parseSpec(tiny({ model: { depth: 2, width: 8, dropout: 0.3 }, optimizer: { type: 'adam' } }));
    const a = await runSpec(spec, { createdAt: '2020-01-01T00:00:00.000Z' });
    const b = await runSpec(spec);
    expect(withoutTime(b.lines)).toEqual(withoutTime(a.lines));
    const c = await runSpec(parseSpec({ ...tiny(), seed: 1 }));
    expect(c.metrics[0]!.loss).not.toBe(a.metrics[0]!.loss);
  });

  it('streams every line through onLine and progress every step', async () => {
    const lines: string[] = [];
    const progress: number[] = [];
    const r = await runSpec(parseSpec(tiny()), { onLine: (l) => lines.push(l), onProgress: (p) => p.phase === 'train' && progress.push(p.step) });
    expect(lines).toEqual(r.lines);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stops cleanly on abort: status stopped, a valid record', async () => {
    const ac = new AbortController();
    const r = await runSpec(parseSpec(tiny()), { signal: ac.signal, onProgress: (p) => p.step === 3 && ac.abort() });
    expect(r.status).toBe('stopped');
    expect(r.steps).toBe(3);
    const rec = readRunRecord(r.lines.join(''));
    expect(rec.end).toMatchObject({ status: 'stopped' });
    expect(rec.steps.map((s) => s.step)).toEqual([0, 2]);
  });

  it('a non-finite loss stops the run (failed, with the step) or, if asked, does not', async () => {
    const diverge = { model: { depth: 2, width: 8, activation: 'relu' }, data: { name: 'sequence', n: 64, length: 4 }, optimizer: { lr: 1000 }, steps: 12, batchSize: 16, probe: { every: 1 } };
    const stop = await runSpec(parseSpec(diverge));
    expect(stop.status).toBe('failed');
    const at = stop.metrics.findIndex((m) => !Number.isFinite(m.loss));
    expect(at).toBeGreaterThan(0);
    expect(stop.metrics).toHaveLength(at + 1);
    expect(stop.error).toContain(`at step ${at}`);
    const rec = readRunRecord(stop.lines.join(''));
    expect(rec.end).toMatchObject({ status: 'failed', error: stop.error });
    expect(Number.isFinite(rec.steps.at(-1)!.loss)).toBe(false);
    expect(stop.findings.map((f) => f.id)).toContain('non-finite');
    const go = await runSpec(parseSpec({ ...diverge, stopOnNonFinite: false }));
    expect(go.status).toBe('completed');
    expect(go.metrics).toHaveLength(12);
  });

  it('refuses what cannot run: a sweep, a loss that does not fit the data, a batch larger than the data', async () => {
    await expect(runSpec(parseSpec(tiny({ sweep: { seed: [1, 2] } })))).rejects.toThrow(/expandSweep/);
    await expect(runSpec(parseSpec({ data: { name: 'sequence', n: 16 }, loss: 'crossEntropy', steps: 1 }))).rejects.toThrow(/regression/);
    await expect(runSpec(parseSpec(tiny({ batchSize: 100 })))).rejects.toThrow(/larger than the 48 training samples/);
  });

  it('resumes from an in-memory checkpoint to the very same record', async () => {
    const spec = parseSpec(tiny({ model: { depth: 2, width: 8, norm: 'batch', dropout: 0.2 }, optimizer: { type: 'momentum', lr: 0.05 }, schedule: { type: 'step', stepSize: 3 }, steps: 11 }));
    const cps: RunCheckpoint[] = [];
    const full = await runSpec(spec, { checkpointEvery: 4, onCheckpoint: (cp) => void cps.push(cp), createdAt: null });
    expect(cps.map((c) => c.step)).toEqual([4, 8]);
    expect(cps[1]).toMatchObject({ epoch: 3, batchInEpoch: 2 }); // 3 batches per epoch: 8 = 2·3 + 2
    const resumed = await runSpec(spec, { resume: cps[1]! });
    expect(resumed.lines).toEqual(full.lines);
    expect(resumed.metrics).toEqual(full.metrics);
    expect(resumed.model.parameters().map((p) => [...p.data])).toEqual(full.model.parameters().map((p) => [...p.data]));
  });
});

describe('runToDir / resumeRun / sweepToDir', () => {
  const spec = parseSpec(tiny({ model: { depth: 2, width: 8, norm: 'batch', dropout: 0.2 }, optimizer: { type: 'adam', lr: 0.01 }, schedule: { type: 'cosine' }, clip: { type: 'norm', maxNorm: 1 }, steps: 13 }));
  const createdAt = '2020-01-01T00:00:00.000Z';
  const files = (d: string): Buffer[] => ['run.jsonl', 'model.safetensors'].map((f) => readFileSync(join(tmp, d, f)));
  let full: RunResult;

  it('writes run.jsonl, spec.json, the final weights; the record on disk is the run', async () => {
    full = await runToDir(spec, { outDir: tmp, dirName: 'full', createdAt, checkpointEvery: 5 });
    expect(readdirSync(join(tmp, 'full')).sort()).toEqual(['checkpoint.safetensors', 'model.safetensors', 'run.jsonl', 'spec.json']);
    expect(readFileSync(join(tmp, 'full', 'run.jsonl'), 'utf8')).toBe(full.lines.join(''));
    expect(parseSpec(JSON.parse(readFileSync(join(tmp, 'full', 'spec.json'), 'utf8')))).toEqual(spec);
  });

  it('resumes a stopped run bit for bit', async () => {
    const ac = new AbortController();
    const stopped = await runToDir(spec, { outDir: tmp, dirName: 'stopped', createdAt, checkpointEvery: 5, signal: ac.signal, onProgress: (p) => p.step === 7 && ac.abort() });
    expect(stopped.status).toBe('stopped');
    const r = await resumeRun(join(tmp, 'stopped'), { checkpointEvery: 5 });
    expect(r.status).toBe('completed');
    expect(files('stopped')).toEqual(files('full'));
  });

  it('resumes a crashed run from its last checkpoint bit for bit', async () => {
    const crashed = await runToDir(spec, {
      outDir: tmp,
      dirName: 'crashed',
      createdAt,
      checkpointEvery: 5,
      onProgress: (p) => {
        if (p.step === 9) throw new Error('power cut');
      },
    });
    expect(crashed).toMatchObject({ status: 'failed', error: 'power cut' });
    // a crash mid-line: the file ends in a cut line, which resume drops with the rest after the checkpoint
    writeFileSync(join(tmp, 'crashed', 'run.jsonl'), readFileSync(join(tmp, 'crashed', 'run.jsonl'), 'utf8') + '{"type":"st');
    await resumeRun(join(tmp, 'crashed'), { checkpointEvery: 5 });
    expect(files('crashed')).toEqual(files('full'));
  });

  it('refuses to resume what cannot be resumed', async () => {
    await expect(resumeRun(join(tmp, 'full'))).rejects.toThrow(/already completed/);
    await expect(resumeRun(join(tmp, 'nowhere'))).rejects.toThrow(/no such file/);
    const ac = new AbortController();
    await runToDir(spec, { outDir: tmp, dirName: 'tampered', checkpointEvery: 5, signal: ac.signal, onProgress: (p) => p.step === 6 && ac.abort() });
    const f = join(tmp, 'tampered', 'run.jsonl');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"seed":0', '"seed":1'));
    await expect(resumeRun(join(tmp, 'tampered'))).rejects.toThrow(/does not hold the \d+ lines/);
    const early = new AbortController();
    await runToDir(spec, { outDir: tmp, dirName: 'early', checkpointEvery: 0, signal: early.signal, onProgress: () => early.abort() });
    rmSync(join(tmp, 'early', 'checkpoint.safetensors'));
    await expect(resumeRun(join(tmp, 'early'))).rejects.toThrow(/no checkpoint\.safetensors/);
  });

  it('a checkpoint file keeps every part of the state, non-finite metrics included', async () => {
    const cps: RunCheckpoint[] = [];
    const diverge = { model: { depth: 2, width: 8, activation: 'relu' }, data: { name: 'sequence', n: 64, length: 4 }, optimizer: { type: 'momentum', lr: 1000 }, steps: 6, batchSize: 16, stopOnNonFinite: false };
    await runSpec(parseSpec(diverge), { checkpointEvery: 5, onCheckpoint: (cp) => void cps.push(cp) });
    const cp = cps[0]!;
    const file = join(tmp, 'cp.safetensors');
    saveRunCheckpoint(cp, file);
    const { checkpoint, info } = loadRunCheckpoint(file);
    expect(info.recordLines).toBe(cp.lines.length);
    expect(checkpoint.metrics).toEqual(cp.metrics);
    expect(cp.metrics.some((m) => !Number.isFinite(m.loss))).toBe(true);
    const { model, optimizer, lines: _l, ...rest } = cp;
    expect({ ...checkpoint, model: undefined, optimizer: undefined, lines: undefined }).toEqual({ ...rest, model: undefined, optimizer: undefined, lines: undefined });
    for (const [k, t] of Object.entries(model)) expect([...checkpoint.model[k]!.data], k).toEqual([...t.data]);
    expect(checkpoint.optimizer.paramGroups).toEqual(optimizer.paramGroups);
    for (const [id, st] of Object.entries(optimizer.state))
      for (const [k, v] of Object.entries(st)) {
        const got = checkpoint.optimizer.state[Number(id)]![k];
        if (v instanceof Tensor) expect([...(got as Tensor).data]).toEqual([...v.data]);
        else expect(got).toEqual(v);
      }
    writeFileSync(file, 'not a checkpoint at all');
    expect(() => loadRunCheckpoint(file)).toThrow(/cp\.safetensors/);
  });

  it('sweeps into one directory per point with an index', async () => {
    const s = parseSpec(tiny({ name: 'grid', steps: 2, sweep: { 'model.activation': ['tanh', 'relu'], 'optimizer.lr': [0.1] } }));
    const seen: string[] = [];
    const { dir, results, index } = await sweepToDir(s, { outDir: tmp, onPoint: (r) => seen.push(r.label) });
    expect(seen).toEqual(['model.activation=tanh, optimizer.lr=0.1', 'model.activation=relu, optimizer.lr=0.1']);
    expect(index.map((e) => e.dir)).toEqual(['1-model.activation=tanh-optimizer.lr=0.1', '2-model.activation=relu-optimizer.lr=0.1']);
    expect(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).points).toEqual(JSON.parse(JSON.stringify(index)));
    for (const [i, e] of index.entries()) {
      expect(e.status).toBe('completed');
      expect(existsSync(join(dir, e.dir, 'run.jsonl'))).toBe(true);
      expect(readRunRecord(readFileSync(join(dir, e.dir, 'run.jsonl'))).header.spec).toMatchObject({ model: { activation: ['tanh', 'relu'][i] } });
    }
    expect(results).toHaveLength(2);
  });
});
