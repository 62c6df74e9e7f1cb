import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { FormatError, ValueError } from '../src/tensor/index.js';
import {
  LIBRARY_VERSION,
  RunRecordWriter,
  formatRunRecord,
  readRunRecord,
  runRecordSchema,
  type StepRecord,
} from '../src/diagnostics/record/index.js';
import type { Finding } from '../src/diagnostics/detectors/types.js';

const tensorSummary = (mean: number) => ({
  count: 8, finite: 8, mean, std: 1, rms: 1, norm: 2.8, min: -2, max: 2, zeros: 0, nan: 0, posInf: 0, negInf: 0,
  quantiles: { levels: [0.05, 0.5, 0.95], values: [-1.6, 0, 1.6], exact: true, sampleSize: 8 },
  histogram: { lo: -2, hi: 2, counts: [1, 3, 3, 1], under: 0, over: 0 },
});

const step = (n: number, loss: number): StepRecord => ({
  type: 'step',
  step: n,
  loss,
  lr: [0.1],
  gradNorm: 1.5,
  gradNormClipped: 1,
  layers: [
    { name: '0', type: 'Linear', kind: 'linear', index: 0, calls: 1, output: tensorSummary(0.1), grad: tensorSummary(0), gain: 0.9, jacobian: 1.1 },
    { name: '1', type: 'Tanh', kind: 'tanh', index: 1, calls: 1, input: tensorSummary(0.1), output: tensorSummary(0.05), saturation: 0.01 },
  ],
  params: [
    { name: '0.weight', layer: '0', shape: [4, 3], norm: 2, gradNorm: 0.5, update: 1e-3, nonFinite: 0, gradNonFinite: 0, duplicateRows: 0 },
    { name: '0.bias', layer: '0', shape: [4], norm: 0.2, gradNorm: null, update: null, nonFinite: 0, gradNonFinite: 0 },
  ],
});

const finding: Finding = {
  id: 'vanishing-gradients',
  severity: 'warning',
  layers: ['0', '2'],
  step: 1,
  evidence: { ratio: 0.01, perLayer: [1, 0.1, 0.01], activation: 'tanh' },
  message: 'Gradients vanish',
  explanation: 'Each layer multiplies by a Jacobian…',
  remedies: [{ text: 'Use Xavier', code: "nn.init.xavierNormal_(w, { gain: nn.init.calculateGain('tanh') })" }, { text: 'Add BatchNorm1d' }],
};

const sample = (): string =>
  formatRunRecord({ steps: [step(0, 2.3), step(5, NaN), step(10, Infinity)], findings: [finding] }, {
    seed: 42,
    spec: { depth: 6, activation: 'tanh' },
    environment: { runtime: 'node 20', backend: 'portable' },
    createdAt: '2024-01-01T00:00:00.000Z',
  });

describe('run record: writer and reader', () => {
  it('round-trips header, steps, findings and end, non-finite numbers included', () => {
    const text = sample();
    const lines = text.split('\n');
    expect(lines.length).toBe(7); // header, 3 steps, finding, end, '' after the final newline
    expect(lines[2]).toContain('"loss":"NaN"');
    const r = readRunRecord(text);
    expect(r.truncated).toBe(false);
    expect(r.header).toMatchObject({ format: 'gradlab-run-record', version: 1, seed: 42, library: { name: 'gradlab', version: LIBRARY_VERSION } });
    expect(r.header.spec).toEqual({ depth: 6, activation: 'tanh' });
    expect(r.steps.map((s) => s.step)).toEqual([0, 5, 10]);
    expect(r.steps[0]).toEqual(step(0, 2.3));
    expect(Number.isNaN(r.steps[1]!.loss)).toBe(true);
    expect(r.steps[2]!.loss).toBe(Infinity);
    expect(r.findings).toEqual([finding]);
    expect(r.end).toEqual({ type: 'end', steps: 3, status: 'completed' });
  });

  it('reads a crashed run: the cut last line is dropped and reported', () => {
    const text = sample();
    const cut = text.slice(0, text.indexOf('"type":"finding"') + 30); // in the middle of the finding line
    const r = readRunRecord(cut);
    expect(r.truncated).toBe(true);
    expect(r.steps.length).toBe(3);
    expect(r.findings).toEqual([]);
    expect(r.end).toBeNull();
    // cut after a complete line: nothing is lost, and nothing is truncated
    const whole = text.split('\n').slice(0, 3).join('\n') + '\n';
    expect(readRunRecord(whole)).toMatchObject({ truncated: false, end: null });
    // a step line cut so that it is still valid JSON but misses fields
    const partial = text.split('\n').slice(0, 2).join('\n') + '\n{"type":"step","step":7}';
    expect(readRunRecord(partial).truncated).toBe(true);
  });

  it('refuses corruption with a FormatError naming the line', () => {
    const lines = sample().split('\n');
    const bad = [...lines];
    bad[2] = bad[2]!.slice(0, 40);
    expect(() => readRunRecord(bad.join('\n'))).toThrow(FormatError);
    expect(() => readRunRecord(bad.join('\n'))).toThrow(/line 3: not valid JSON/);
    const wrongField = [...lines];
    wrongField[1] = wrongField[1]!.replace('"kind":"linear"', '"kind":"dense"');
    expect(() => readRunRecord(wrongField.join('\n'))).toThrow(/line 2: \/layers\/0\/kind: expected one of/);
    const extra = [...lines];
    extra[1] = extra[1]!.replace('"type":"step"', '"type":"step","bogus":1');
    expect(() => readRunRecord(extra.join('\n'))).toThrow(/line 2: .*unexpected field 'bogus'/);
    const order = [lines[0], lines[2], lines[1], ''].join('\n');
    expect(() => readRunRecord(order)).toThrow(/line 3: step 0 does not come after step 5/);
    expect(() => readRunRecord('{"hello":1}\n')).toThrow(/not a gradlab run record/);
    expect(() => readRunRecord('')).toThrow(/empty/);
    expect(() => readRunRecord(lines[0]!.slice(0, 20))).toThrow(/header line is incomplete/);
    const newer = lines[0]!.replace('"version":1', '"version":2');
    expect(() => readRunRecord(newer + '\n')).toThrow(/newer than this reader/);
    const afterEnd = [...lines.slice(0, 6), lines[1], ''].join('\n');
    expect(() => readRunRecord(afterEnd)).toThrow(/after the end line/);
    expect(() => readRunRecord(42 as never)).toThrow(ValueError);
  });

  it('tolerates blank lines and CRLF line ends', () => {
    const crlf = sample().split('\n').join('\r\n\r\n');
    expect(readRunRecord(crlf).steps.length).toBe(3);
  });

  it('the writer enforces the order and refuses invalid lines', () => {
    const w = new RunRecordWriter({ createdAt: null });
    expect(() => w.step(step(0, 1))).toThrow(/write header\(\) first/);
    w.header();
    expect(() => w.header()).toThrow(/already written/);
    w.step(step(3, 1));
    expect(() => w.step(step(3, 1))).toThrow(/steps must increase/);
    expect(() => w.step({ ...step(4, 1), lr: ['x' as never] })).toThrow(/refusing to write an invalid 'step' line: \/lr\/0/);
    w.finding(finding);
    expect(() => w.step(step(9, 1))).toThrow(/steps come before findings/);
    w.end('failed', 'out of memory');
    expect(() => w.end()).toThrow(/already ended/);
    expect(() => new RunRecordWriter({ seed: -1 })).toThrow(ValueError);
  });

  it('the library version in headers is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });
});

describe('run record: JSON Schema', () => {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: true, allowUnionTypes: true, allErrors: true });
  const validate = ajv.compile(runRecordSchema);

  it('is a valid draft 2020-12 schema that accepts every line the writer produces', () => {
    for (const line of sample().trim().split('\n')) {
      const ok = validate(JSON.parse(line));
      expect(ok, JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('agrees with the reader on invalid lines', () => {
    const good = JSON.parse(sample().split('\n')[1]!);
    const mutations: ((s: any) => void)[] = [
      (s) => { s.layers[0].kind = 'dense'; },
      (s) => { delete s.lr; },
      (s) => { s.extra = 1; },
      (s) => { s.loss = 'nan'; },
      (s) => { s.params[0].shape = [-1]; },
      (s) => { s.layers[1].saturation = 1.5; },
      (s) => { s.step = 1.5; },
      (s) => { s.layers[0].output.histogram.counts = [1.5]; },
    ];
    const header = sample().split('\n')[0]!;
    for (const m of mutations) {
      const s = structuredClone(good);
      m(s);
      expect(validate(s)).toBe(false);
      expect(() => readRunRecord(`${header}\n${JSON.stringify(s)}\n`)).toThrow(FormatError);
    }
  });
});

describe('run record files (Node)', () => {
  it('appends lines as the run goes, survives a cut, writes whole records atomically', async () => {
    const { mkdtempSync, appendFileSync, readFileSync: read } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { RunRecordFile, readRunRecordFile, writeRunRecordFile, nodeEnvironment } = await import('../src/node/run-record-file.js');
    const dir = mkdtempSync(join(tmpdir(), 'gradlab-rr-'));
    const p = join(dir, 'run.jsonl');
    const f = new RunRecordFile(p, { seed: 1 });
    f.step(step(0, 1));
    f.step(step(1, 0.5));
    appendFileSync(p, '{"type":"step","st'); // the process died here
    const r = readRunRecordFile(p);
    expect(r.truncated).toBe(true);
    expect(r.steps.length).toBe(2);
    expect(r.header.environment.runtime).toMatch(/^node v/);
    const q = join(dir, 'whole.jsonl');
    await writeRunRecordFile(q, { steps: [step(0, 1)], findings: [finding] }, { seed: 3 });
    expect(readRunRecordFile(q)).toMatchObject({ truncated: false, end: { status: 'completed', steps: 1 } });
    expect(read(q, 'utf8').endsWith('\n')).toBe(true);
    expect(nodeEnvironment({ backend: 'portable' }).backend).toBe('portable');
  });
});
