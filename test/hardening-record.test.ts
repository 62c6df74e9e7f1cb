/**
 * The run-record validator and its JSON Schema agree on every input: valid lines and thousands of
 * random mutations of them are checked by validateLine (the reader's interpreter) and by ajv on
 * the same `runRecordSchema`. Plus the cases found by hand: keys named like Object.prototype's
 * members, a byte-order mark, invalid UTF-8.
 */
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { FormatError, Generator } from '../src/index.js';
import { formatRunRecord, readRunRecord, runRecordSchema, type StepRecord } from '../src/diagnostics/record/index.js';
import { SchemaMismatch, validateLine } from '../src/diagnostics/record/validate.js';
import type { Finding } from '../src/diagnostics/detectors/types.js';

const summary = (mean: number) => ({
  count: 8, finite: 8, mean, std: 1, rms: 1, norm: 2.8, min: -2, max: 2, zeros: 0, nan: 0, posInf: 0, negInf: 0,
  quantiles: { levels: [0.05, 0.5, 0.95], values: [-1.6, 0, 1.6], exact: true, sampleSize: 8 },
  histogram: { lo: -2, hi: 2, counts: [1, 3, 3, 1], under: 0, over: 0 },
});
const step = (n: number, loss: number): StepRecord => ({
  type: 'step', step: n, loss, lr: [0.1], gradNorm: 1.5, gradNormClipped: 1,
  layers: [
    { name: '0', type: 'Linear', kind: 'linear', index: 0, calls: 1, output: summary(0.1), grad: summary(0), gain: 0.9, jacobian: 1.1 },
    { name: '1', type: 'Tanh', kind: 'tanh', index: 1, calls: 1, input: summary(0.1), output: summary(0.05), saturation: 0.01 },
  ],
  params: [
    { name: '0.weight', layer: '0', shape: [4, 3], norm: 2, gradNorm: 0.5, update: 1e-3, nonFinite: 0, gradNonFinite: 0, duplicateRows: 0 },
    { name: '0.bias', layer: '0', shape: [4], norm: 0.2, gradNorm: null, update: null, nonFinite: 0, gradNonFinite: 0 },
  ],
  metrics: { accuracy: 0.5 },
});
const finding: Finding = {
  id: 'vanishing-gradients', severity: 'warning', layers: ['0', '2'], step: 1,
  evidence: { ratio: 0.01, perLayer: [1, 0.1, 0.01], activation: 'tanh' },
  message: 'Gradients vanish', explanation: 'Each layer multiplies by a Jacobian…',
  remedies: [{ text: 'Use Xavier', code: 'nn.init.xavierNormal_(w)' }, { text: 'Add BatchNorm1d' }],
};
const text = formatRunRecord({ steps: [step(0, 2.3), step(5, NaN)], findings: [finding] }, {
  seed: 42, spec: { depth: 6 }, environment: { runtime: 'node 20', cores: 2 }, createdAt: '2024-01-01T00:00:00.000Z',
});
const lines = text.trim().split('\n');
const header = lines[0]!;

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: true, allowUnionTypes: true });
const ajvValidate = ajv.compile(runRecordSchema);

function ours(v: unknown): boolean {
  try {
    validateLine(v);
    return true;
  } catch (e) {
    if (e instanceof SchemaMismatch) return false;
    throw e;
  }
}

const PROTO_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];
const KEYS = [...PROTO_KEYS, 'extra', 'type', 'name', 'step', 'mean', 'kind', 'levels', ''];
const VALUES: unknown[] = [
  null, true, false, 0, -1, 1, 0.5, 1.5, -0.25, 2 ** 53, 1e308, 'NaN', 'Infinity', '-Infinity', 'nan', '', 'x', 'linear',
  'header', 'step', 'end', [], [1], ['a'], [null], {}, { a: 1 }, { type: 'step' },
];

/** Every container (object or array) inside v, with v itself. */
function containers(v: unknown, out: (Record<string, unknown> | unknown[])[] = []): (Record<string, unknown> | unknown[])[] {
  if (v !== null && typeof v === 'object') {
    out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

/** One random change at a random place: set/replace/delete a key or an element. */
function mutate(v: unknown, g: Generator): unknown {
  const root = JSON.parse(JSON.stringify(v));
  const all = containers(root);
  const c = all[Math.floor(g.random() * all.length)]!;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(g.random() * a.length)]!;
  const value = (): unknown => (g.random() < 0.15 ? JSON.parse(JSON.stringify(pick(containers(JSON.parse(JSON.stringify(v)))))) : structuredClone(pick(VALUES)));
  const r = g.random();
  if (Array.isArray(c)) {
    if (c.length > 0 && r < 0.5) c[Math.floor(g.random() * c.length)] = value();
    else if (c.length > 0 && r < 0.7) c.splice(Math.floor(g.random() * c.length), 1);
    else c.push(value());
  } else {
    const keys = Object.keys(c);
    if (keys.length > 0 && r < 0.45) c[pick(keys)] = value();
    else if (keys.length > 0 && r < 0.65) delete c[pick(keys)];
    else Object.defineProperty(c, pick(KEYS), { value: value(), enumerable: true, writable: true, configurable: true });
  }
  // through JSON text, as a reader sees it (an own __proto__ key survives JSON.parse)
  return JSON.parse(JSON.stringify(root));
}

describe('validator and JSON Schema agree', () => {
  it('on every line the writer produces', () => {
    for (const l of lines) {
      const v = JSON.parse(l);
      expect(ours(v)).toBe(true);
      expect(ajvValidate(v)).toBe(true);
    }
  });

  it('on keys named like Object.prototype members, at every level', () => {
    const paths: (string | number)[][] = [[], ['layers', 0], ['layers', 0, 'output'], ['layers', 0, 'output', 'histogram'], ['params', 0], ['metrics']];
    for (const k of PROTO_KEYS)
      for (const at of paths) {
        const v = JSON.parse(lines[1]!);
        const target = at.reduce((o: any, key) => o[key], v) as Record<string, unknown>;
        Object.defineProperty(target, k, { value: {}, enumerable: true, writable: true, configurable: true });
        const parsed = JSON.parse(JSON.stringify(v)); // as a reader sees it: an own key, whatever its name
        expect(ours(parsed), `${k} at /${at.join('/')}`).toBe(ajvValidate(parsed));
        expect(ours(parsed), `${k} at /${at.join('/')} is not in the schema`).toBe(false);
      }
    // the reader refuses such a header too
    expect(() => readRunRecord(`${header.replace(/^\{/, '{"toString":1,')}\n`)).toThrow(/unexpected field 'toString'/);
    expect(() => readRunRecord(`${header.replace(/^\{/, '{"__proto__":{},')}\n`)).toThrow(/unexpected field '__proto__'/);
    // where the schema allows any key (environment), both accept them and the value stays data
    const env = JSON.parse(header.replace('"environment":{', '"environment":{"__proto__":"x","constructor":1,'));
    expect(ajvValidate(env)).toBe(true);
    expect(ours(env)).toBe(true);
    const decoded = validateLine(env) as { environment: Record<string, unknown> };
    expect(Object.getPrototypeOf(decoded.environment)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded.environment, '__proto__')?.value).toBe('x');
  });

  it('on 4,000 random mutations of valid lines', () => {
    const g = new Generator(2024);
    const parsed = lines.map((l) => JSON.parse(l));
    let rejected = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 4000; i++) {
      let v: unknown = parsed[i % parsed.length];
      const k = 1 + Math.floor(g.random() * 3);
      for (let j = 0; j < k; j++) v = mutate(v, g);
      const a = ajvValidate(v);
      const b = ours(v);
      if (!a) rejected++;
      if (a !== b && disagreements.length < 5) disagreements.push(`ajv ${a}, validateLine ${b}: ${JSON.stringify(v).slice(0, 300)}`);
    }
    expect(disagreements).toEqual([]);
    // the generator reaches both sides
    expect(rejected).toBeGreaterThan(700);
    expect(rejected).toBeLessThan(4000 - 200);
  });
});

describe('encoding', () => {
  it('a byte-order mark at the start is ignored; elsewhere it is named', () => {
    expect(readRunRecord(`\uFEFF${text}`).steps.length).toBe(2);
    const bytes = new TextEncoder().encode(`\uFEFF${text}`);
    expect(readRunRecord(bytes).findings.length).toBe(1);
    const twice = `${lines.slice(0, 2).join('\n')}\n\uFEFF${lines[2]}\n`;
    expect(() => readRunRecord(twice)).toThrow(/byte-order mark \(U\+FEFF\)/);
  });

  it('invalid UTF-8 is refused with its line and byte offset, never replaced', () => {
    const enc = new TextEncoder();
    const good = enc.encode(`${header}\n`);
    for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x28, 0xa1], [0xf5, 0x80, 0x80, 0x80]]) {
      const line = enc.encode('{"type":"end","steps":0,"status":"completed","error":"');
      const tail = enc.encode('"}\n');
      const bytes = new Uint8Array([...good, ...line, ...bad, ...tail]);
      expect(() => readRunRecord(bytes)).toThrow(FormatError);
      expect(() => readRunRecord(bytes)).toThrow(new RegExp(`not valid UTF-8 \\(line 2, byte offset ${good.length + line.length}:`));
    }
    // a write cut inside a character at the very end is a cut last line, not an encoding error
    const euro = enc.encode('€');
    const cut = new Uint8Array([...enc.encode(`${lines.slice(0, 2).join('\n')}\n{"type":"end","steps":0,"status":"comp`), euro[0]!, euro[1]!]);
    const r = readRunRecord(cut);
    expect(r.truncated).toBe(true);
    expect(r.steps.length).toBe(1);
  });
});
