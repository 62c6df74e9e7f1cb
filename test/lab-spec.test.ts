import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { GradlabError } from '../src/tensor/index.js';
import {
  SpecError,
  checkSpec,
  closest,
  editDistance,
  expandSweep,
  parseSetArg,
  parseSpec,
  parseSpecText,
  setPath,
  setPaths,
  specJsonSchema,
  type SpecIssue,
} from '../src/lab/spec/index.js';

/** The issues parseSpec reports for `input` (it must throw a SpecError). */
function issues(input: unknown): SpecIssue[] {
  try {
    parseSpec(input);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return [...(e as SpecError).issues];
  }
  throw new Error(`expected a SpecError for ${JSON.stringify(input)}`);
}
const one = (input: unknown): SpecIssue => {
  const list = issues(input);
  expect(list, JSON.stringify(list)).toHaveLength(1);
  return list[0]!;
};

describe('parseSpec: defaults', () => {
  it('fills every default of an empty spec', () => {
    const s = parseSpec({});
    expect(s).toMatchObject({
      name: 'run',
      seed: 0,
      model: { type: 'mlp', depth: 6, width: 256, activation: 'tanh', init: 'default', bias: 'default', norm: 'none', groups: 8, residual: false, dropout: 0 },
      data: { name: 'gaussian' },
      loss: 'auto',
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
      schedule: null,
      clip: null,
      batchSize: 64,
      steps: 200,
      shuffle: true,
      dropLast: true,
      eval: { every: 50, batchSize: 500 },
      probe: { every: 10, histogramBins: 32, histogramRange: 'adaptive', jacobian: true, grads: true, seed: 0 },
      stopOnNonFinite: true,
    });
    expect(s.epochs).toBeUndefined();
  });

  it('fills the defaults that depend on the model type and the optimizer', () => {
    expect(parseSpec({ model: { type: 'resnet' } }).model).toMatchObject({ depth: 20, width: 16, activation: 'relu', norm: 'batch' });
    expect(parseSpec({ model: { type: 'rnn' } }).model).toMatchObject({ depth: 1, width: 64, activation: 'tanh', norm: 'none' });
    expect(parseSpec({ model: { type: 'cnn', depth: 3 } }).model).toMatchObject({ depth: 3, width: 16, activation: 'relu' });
    expect(parseSpec({ optimizer: { type: 'momentum' } }).optimizer).toMatchObject({ momentum: 0.9, weightDecay: 0 });
    expect(parseSpec({ optimizer: { type: 'adamw' } }).optimizer).toEqual({ type: 'adamw', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false });
    expect(parseSpec({ optimizer: { type: 'adam', weightDecay: 0 } }).optimizer.weightDecay).toBe(0);
  });

  it('keeps zeros that are real choices (?? not ||)', () => {
    const s = parseSpec({ seed: 0, optimizer: { type: 'momentum', momentum: 0 }, model: { dropout: 0 }, probe: { histogramBins: 0 } });
    expect(s.optimizer.momentum).toBe(0);
    expect(s.probe.histogramBins).toBe(0);
  });

  it('takes epochs instead of steps, and eval null', () => {
    const s = parseSpec({ epochs: 3, eval: null });
    expect(s.epochs).toBe(3);
    expect(s.steps).toBeUndefined();
    expect(s.eval).toBeNull();
  });
});

describe('parseSpec: errors name the field, the expectation and the closest valid value', () => {
  it('is a GradlabError that lists every bad field', () => {
    let err: unknown;
    try {
      parseSpec({ model: { type: 'mlpp', activation: 'tanhh', dept: 3 }, batchSize: 0 }, 'exp.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GradlabError);
    const e = err as SpecError;
    expect(e.where).toBe('exp.yaml');
    expect(e.issues.map((i) => i.path).sort()).toEqual(['batchSize', 'model.activation', 'model.dept', 'model.type']);
    expect(e.message).toContain('invalid spec in exp.yaml, 4 problems');
    expect(e.message).toContain("model.type: 'mlpp' is not one of mlp, cnn, resnet, plain, rnn, lstm, gru; did you mean 'mlp'?");
    expect(e.message).toContain("model.activation: 'tanhh' is not one of sigmoid, tanh,");
    expect(e.message).toContain("did you mean 'tanh'?");
  });

  it('unknown keys are errors, with the closest key and the valid ones', () => {
    expect(one({ model: { dept: 3 } })).toEqual({
      path: 'model.dept',
      message: "unknown key; did you mean 'depth'? (valid keys: type, depth, width, activation, init, gain, bias, norm, groups, residual, dropout)",
    });
    expect(one({ seeed: 1 }).message).toContain("did you mean 'seed'?");
    expect(one({ data: { name: 'gaussian', feature: 3 } })).toMatchObject({ path: 'data.feature', message: expect.stringContaining("did you mean 'features'?") });
    expect(one({ optimizer: { learningRate: 0.1 } }).message).not.toContain('did you mean');
  });

  it('discriminated unions: an unknown data set, schedule or clip type', () => {
    expect(one({ data: { name: 'mnistt' } })).toEqual({
      path: 'data.name',
      message: "'mnistt' is not one of gaussian, spirals, moons, blobs, sequence, mnist, fashion-mnist; did you mean 'mnist'?",
    });
    expect(one({ schedule: { type: 'cosin' } }).message).toContain("did you mean 'cosine'?");
    expect(one({ clip: { type: 'norm' } })).toEqual({ path: 'clip.maxNorm', message: 'is required (a number)' });
    expect(one({ data: {} })).toMatchObject({ path: 'data.name', message: expect.stringContaining('is required') });
  });

  it('init and bias: a misspelt name, a misspelt key, a bad value', () => {
    const a = one({ model: { init: 'xaviernormal' } });
    expect(a.path).toBe('model.init');
    expect(a.message).toContain("did you mean 'xavierNormal'?");
    expect(a.message).toContain('{ normal }');
    expect(one({ model: { init: { norml: 0.01 } } })).toMatchObject({ path: 'model.init.norml', message: expect.stringContaining("did you mean 'normal'?") });
    expect(one({ model: { bias: { normal: -1 } } })).toEqual({ path: 'model.bias.normal', message: 'must be ≥ 0, got -1' });
    expect(one({ model: { init: 3 } })).toMatchObject({ path: 'model.init', message: expect.stringContaining('expected default | xavierUniform') });
  });

  it('types and ranges', () => {
    expect(one({ steps: 1.5 })).toEqual({ path: 'steps', message: 'expected an integer, got the number 1.5' });
    expect(one({ batchSize: 'big' })).toEqual({ path: 'batchSize', message: "expected an integer, got the string 'big'" });
    expect(one({ model: { dropout: 1 } })).toEqual({ path: 'model.dropout', message: 'must be < 1, got 1' });
    expect(one({ optimizer: { lr: -1 } })).toEqual({ path: 'optimizer.lr', message: 'must be ≥ 0, got -1' });
    expect(one({ probe: { histogramRange: [1] } }).path).toBe('probe.histogramRange');
    expect(one({ sweep: { 'model.depth': [] } })).toEqual({ path: 'sweep["model.depth"]', message: 'needs at least 1 item(s)' });
    expect(one([1, 2]).message).toContain('a spec is an object');
  });

  it('checks across fields', () => {
    expect(one({ steps: 10, epochs: 2 }).path).toBe('epochs');
    expect(one({ model: { type: 'resnet', depth: 10 } })).toMatchObject({ path: 'model.depth', message: expect.stringContaining('6n+2') });
    expect(one({ model: { type: 'resnet', depth: 10 } }).message).toContain('did you mean 8?');
    expect(one({ optimizer: { type: 'adam', momentum: 0.9 } })).toMatchObject({ path: 'optimizer.momentum', message: expect.stringContaining('adam has no option') });
    expect(one({ optimizer: { type: 'sgd', betas: [0.9, 0.99] } }).message).toContain('betas belongs to adam, adamw');
    expect(one({ optimizer: { nesterov: true } }).path).toBe('optimizer.nesterov');
    expect(one({ model: { norm: 'group', width: 30, groups: 8 } }).path).toBe('model.groups');
    expect(one({ model: { type: 'rnn', activation: 'gelu' } }).path).toBe('model.activation');
    expect(one({ model: { type: 'mlp', norm: 'instance' } }).path).toBe('model.norm');
    expect(one({ model: { type: 'rnn', norm: 'batch' } }).path).toBe('model.norm');
    expect(one({ model: { init: 'kaimingNormal', gain: 2 } }).path).toBe('model.gain');
    expect(one({ probe: { histogramRange: [1, -1] } }).path).toBe('probe.histogramRange');
  });

  it('checkSpec reports without throwing', () => {
    expect(checkSpec({ steps: 0 }).issues).toHaveLength(1);
    expect(checkSpec({}).spec?.steps).toBe(200);
  });
});

describe('parseSpecText: YAML and JSON', () => {
  const yaml = `name: init-tanh
seed: 3
model:
  depth: 4
  width: 32
  init: { normal: 0.01 }
data: { name: gaussian, n: 100 }
optimizer: { type: momentum, lr: 0.1 }
steps: 5
`;
  it('reads YAML and JSON to the same spec', () => {
    const a = parseSpecText(yaml, 'a.yaml');
    const b = parseSpecText(JSON.stringify({ name: 'init-tanh', seed: 3, model: { depth: 4, width: 32, init: { normal: 0.01 } }, data: { name: 'gaussian', n: 100 }, optimizer: { type: 'momentum', lr: 0.1 }, steps: 5 }), 'a.json');
    expect(a).toEqual(b);
    expect(a.model.init).toEqual({ normal: 0.01 });
    expect(a.optimizer.momentum).toBe(0.9);
    // no extension: JSON when it looks like JSON, else YAML
    expect(parseSpecText('{"steps": 3}', 'stdin').steps).toBe(3);
    expect(parseSpecText('steps: 4', 'stdin').steps).toBe(4);
  });

  it('syntax errors give the file, line and column', () => {
    expect(() => parseSpecText('model:\n  depth: [1,\n', 'bad.yaml')).toThrow(/invalid spec in bad\.yaml: not valid YAML at line \d+, column \d+/);
    expect(() => parseSpecText('{"steps": 3,,}', 'bad.json')).toThrow(/bad\.json: not valid JSON/);
    expect(() => parseSpecText('model: 1\nmodel: 2\n', 'dup.yaml')).toThrow(/not valid YAML/);
    expect(() => parseSpecText('', 'empty.yaml')).toThrow(/the file is empty/);
  });

  it('validation errors name the file', () => {
    expect(() => parseSpecText('model:\n  activation: tanhh\n', 'x.yml')).toThrow("invalid spec in x.yml: model.activation: 'tanhh' is not one of");
  });
});

describe('sweeps and overrides', () => {
  it('expands a grid, first key slowest, with labels', () => {
    const s = parseSpec({ model: { depth: 2 }, sweep: { 'model.init': ['default', { normal: 0.01 }], 'model.depth': [10, 20, 30] } });
    const pts = expandSweep(s);
    expect(pts.map((p) => p.label)).toEqual([
      'model.init=default, model.depth=10',
      'model.init=default, model.depth=20',
      'model.init=default, model.depth=30',
      'model.init={"normal":0.01}, model.depth=10',
      'model.init={"normal":0.01}, model.depth=20',
      'model.init={"normal":0.01}, model.depth=30',
    ]);
    expect(pts[4]!.spec.model).toMatchObject({ init: { normal: 0.01 }, depth: 20 });
    expect(pts.every((p) => p.spec.sweep === undefined)).toBe(true);
    expect(expandSweep(parseSpec({}))).toEqual([{ label: '', spec: parseSpec({}) }]);
  });

  it('re-derives type-dependent defaults at each point', () => {
    const pts = expandSweep(parseSpec({ sweep: { 'model.type': ['mlp', 'resnet'] } }));
    expect(pts.map((p) => p.spec.model.depth)).toEqual([6, 20]);
  });

  it('reports a bad sweep key or value by its place in the sweep', () => {
    const list = issues({ sweep: { 'model.dept': [1, 2], 'model.activation': ['relu', 'rleu'] } });
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ path: 'sweep["model.dept"]', message: expect.stringContaining("model.dept: unknown key; did you mean 'depth'?") });
    expect(list[1]).toMatchObject({ path: 'sweep["model.activation"][1]', message: expect.stringContaining("did you mean 'relu'?") });
  });

  it('setPath sets a dotted field, re-validates and re-derives defaults', () => {
    const s = parseSpec({ model: { type: 'mlp' } });
    const r = setPath(s, 'model.type', 'resnet');
    expect(r.model.depth).toBe(20);
    expect(s.model.type).toBe('mlp'); // not mutated
    const adam = parseSpec({ optimizer: { type: 'adam', betas: [0.9, 0.999] } });
    expect(setPath(adam, 'optimizer.betas.1', 0.99).optimizer.betas).toEqual([0.9, 0.99]);
    expect(setPath({}, 'clip', { type: 'norm', maxNorm: 1 }).clip).toEqual({ type: 'norm', maxNorm: 1, normType: 2 });
    expect(setPath(s, 'schedule', { type: 'step', stepSize: 10 }).schedule).toEqual({ type: 'step', stepSize: 10, gamma: 0.1 });
  });

  it('setPaths applies several overrides and validates once', () => {
    const s = parseSpec({ steps: 10 });
    // alone, either override leaves steps and epochs together or neither changed; together they are valid
    const r = setPaths(s, { steps: undefined, epochs: 2 });
    expect(r.epochs).toBe(2);
    expect(r.steps).toBeUndefined();
    expect(() => setPath(s, 'epochs', 2)).toThrow(/give steps or epochs, not both/);
  });

  it('setPath refuses what parseSpec refuses', () => {
    expect(() => setPath(parseSpec({}), 'model.dept', 3)).toThrow("did you mean 'depth'?");
    expect(() => setPath(parseSpec({}), 'model..depth', 3)).toThrow(SpecError);
  });

  it('parseSetArg: JSON when it parses, else the string', () => {
    expect(parseSetArg('model.depth=10')).toEqual({ path: 'model.depth', value: 10 });
    expect(parseSetArg('model.init={"normal":0.01}')).toEqual({ path: 'model.init', value: { normal: 0.01 } });
    expect(parseSetArg('model.activation=relu')).toEqual({ path: 'model.activation', value: 'relu' });
    expect(parseSetArg('clip=null')).toEqual({ path: 'clip', value: null });
    expect(() => parseSetArg('depth')).toThrow(SpecError);
  });
});

describe('did you mean', () => {
  it('edit distance counts a transposition as one edit', () => {
    expect(editDistance('tanh', 'tahn')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests only plausible typos or prefixes', () => {
    expect(closest('xavier', ['xavierUniform', 'kaimingNormal'])).toBe('xavierUniform');
    expect(closest('zzz', ['tanh', 'relu'])).toBeNull();
    expect(closest('Relu', ['tanh', 'relu'])).toBe('relu');
  });
});

describe('JSON Schema', () => {
  it('schema/spec.schema.json is the current schema (npx tsx scripts/make-spec-schema.ts)', () => {
    const file = JSON.parse(readFileSync(new URL('../schema/spec.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(specJsonSchema())));
  });

  it('validates specs as parseSpec does, field by field', () => {
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: true, allowUnionTypes: true });
    const validate = ajv.compile(specJsonSchema());
    const good = { name: 'x', model: { type: 'cnn', init: { normal: 0.01 } }, data: { name: 'mnist', train: 100 }, clip: { type: 'norm', maxNorm: 1 }, sweep: { 'model.depth': [2, 4] } };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseSpec(good)).not.toThrow();
    for (const bad of [{ model: { dept: 3 } }, { model: { activation: 'tanhh' } }, { data: { name: 'mnistt' } }, { batchSize: 0 }, { model: { init: { norml: 1 } } }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
      expect(() => parseSpec(bad)).toThrow(SpecError);
    }
  });
});

describe('$schema', () => {
  it('accepts and ignores a $schema path for editors', () => {
    expect(parseSpec({ $schema: '../schema/spec.schema.json', steps: 3 }).steps).toBe(3);
  });
});
