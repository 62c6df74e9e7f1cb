import { describe, expect, it } from 'vitest';
import { F, GradlabError, NonFiniteError, OptionsError, ValueError, nn, optim, randn, sum, tensor } from '../src/index.js';
import { checkOptions, closestKey, editDistance, positionalOptions } from '../src/tensor/options.js';

/**
 * The options rule (issue 10): a wrong kind where an options object belongs, or an unknown key,
 * is an OptionsError naming the expected form and the closest key; PyTorch's positional order is
 * accepted where PyTorch has one (pooling, convolution, dropout, gradient clipping).
 */
describe('checkOptions', () => {
  it('accepts nothing or a plain object with known keys', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    expect(checkOptions('f', { a: 1 }, ['a'])).toEqual({ a: 1 });
    // a key set to undefined changes nothing, whatever its name
    expect(checkOptions('f', { a: 1, b: undefined } as object, ['a'])).toEqual({ a: 1, b: undefined });
  });

  it('refuses other kinds, naming the expected form', () => {
    for (const bad of [3, 'x', [1], null, tensor([1]), () => 1, true])
      expect(() => checkOptions('f', bad as object, ['lr', 'momentum'])).toThrow(/f: expected an options object \{ lr\?, momentum\? \}/);
    expect(() => checkOptions('f', 3 as never, [])).toThrow(OptionsError);
    expect(new OptionsError('f', 'x')).toBeInstanceOf(ValueError);
    expect(new OptionsError('f', 'x')).toBeInstanceOf(GradlabError);
  });

  it('names the closest valid key: typos, case, snake_case, longer spellings', () => {
    expect(editDistance('momentun', 'momentum')).toBe(1);
    expect(editDistance('mometnum', 'momentum')).toBe(1); // a transposition
    expect(closestKey('momentun', ['lr', 'momentum', 'dampening'])).toBe('momentum');
    expect(closestKey('weight_decay', ['lr', 'weightDecay'])).toBe('weightDecay');
    expect(closestKey('keepDim', ['keepdim'])).toBe('keepdim');
    expect(closestKey('prob', ['p', 'training'])).toBe('p');
    expect(closestKey('zzz', ['lr', 'momentum'])).toBeUndefined();
    expect(() => checkOptions('f', { momentun: 0.9 } as object, ['lr', 'momentum'])).toThrow(
      "f: unknown option 'momentun' — did you mean 'momentum'? Valid options: lr, momentum.",
    );
  });

  it('reads PyTorch-style positional arguments, with a trailing options object', () => {
    const names = ['stride', 'padding'];
    expect(positionalOptions('f', [2, 1], names, names)).toEqual({ stride: 2, padding: 1 });
    expect(positionalOptions('f', [2, { padding: 1 }], names, names)).toEqual({ stride: 2, padding: 1 });
    expect(positionalOptions('f', [undefined, 1], names, names)).toEqual({ padding: 1 });
    expect(positionalOptions('f', [], names, names)).toEqual({});
    expect(() => positionalOptions('f', [2, 1, 0], names, names)).toThrow(/at most 2 positional arguments/);
    expect(() => positionalOptions('f', [2, { stride: 3 }], names, names)).toThrow(/both positionally and in the options object/);
    expect(() => positionalOptions('f', [{ stride: 2 }, 1], names, names)).toThrow(/only the last argument may be an options object/);
  });
});

describe('the issue, item by item', () => {
  it('new optim.SGD(ps, { lr, momentun }) is refused instead of training without momentum', () => {
    const ps = [new nn.Parameter(randn([2]))];
    expect(() => new optim.SGD(ps, { lr: 0.1, momentun: 0.9 } as never)).toThrow(/unknown option 'momentun' — did you mean 'momentum'\?/);
    expect(() => new optim.Adam(ps, { weight_decay: 0.1 } as never)).toThrow(/did you mean 'weightDecay'/);
    expect(() => new optim.SGD(ps, 0.1 as never)).toThrow(OptionsError);
    expect(() => new optim.SGD([{ params: ps, lr: 0.1, momentun: 0.9 }] as never)).toThrow(/did you mean 'momentum'/);
  });

  it("dropout(x, { prob: 0.9 }) is refused; dropout(x, 0.9) is PyTorch's positional p", () => {
    expect(() => F.dropout(randn([4]), { prob: 0.9 } as never)).toThrow(/unknown option 'prob' — did you mean 'p'\?/);
    const x = randn([10_000]);
    const y = F.dropout(x, 0.9);
    const zeros = [...y.data].filter((v) => v === 0).length;
    // Binomial(10000, 0.9): mean 9000, sd 30
    expect(Math.abs(zeros - 9000)).toBeLessThan(150);
    expect(F.dropout(x, 0.9, false)).toBe(x);
  });

  it('F.maxPool2d(x, 3, 2, 1) pools with kernel 3, stride 2, padding 1 — as the options form does', () => {
    const x = randn([1, 2, 7, 9]);
    const a = F.maxPool2d(x, 3, 2, 1);
    const b = F.maxPool2d(x, 3, { stride: 2, padding: 1 });
    expect(a.shape).toEqual([1, 2, 4, 5]);
    expect([...a.data]).toEqual([...b.data]);
    expect([...F.avgPool2d(x, 3, 2, 1, false, false).data]).toEqual([...F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }).data]);
    const w = randn([3, 2, 3, 3]);
    expect([...F.conv2d(x, w, null, 2, 1).data]).toEqual([...F.conv2d(x, w, null, { stride: 2, padding: 1 }).data]);
    expect(new nn.MaxPool2d(3, 2, 1).forward(x).shape).toEqual([1, 2, 4, 5]);
    expect(new nn.Conv2d(2, 3, 3, 2, 1).forward(x).shape).toEqual([1, 3, 4, 5]);
    expect(new nn.Linear(2, 3, false).bias).toBeNull();
    expect(() => F.maxPool2d(x, 3, { strid: 2 } as never)).toThrow(/did you mean 'stride'/);
    expect(() => F.maxPool2d(x, 3, 'x' as never)).toThrow(GradlabError);
  });

  it('clipGradNorm_(ps, 100, 1) computes the L1 norm; clipGradNorm_(ps, 1, 2, true) raises on NaN', () => {
    const p = new nn.Parameter(tensor([3, -4]));
    p.grad = tensor([3, -4]);
    expect(nn.utils.clipGradNorm_([p], 100, 1).item()).toBeCloseTo(7, 6);
    expect(nn.utils.clipGradNorm_([p], 100).item()).toBeCloseTo(5, 6);
    expect(nn.utils.clipGradNorm_([p], 100, Infinity).item()).toBeCloseTo(4, 6);
    p.grad = tensor([NaN, 1]);
    expect(() => nn.utils.clipGradNorm_([p], 1, 2, true)).toThrow(NonFiniteError);
    expect(Number.isNaN(nn.utils.clipGradNorm_([p], 1, 2, false).item())).toBe(true);
    expect(() => nn.utils.clipGradNorm_([p], 1, { errorIfNonFinite: true } as never)).toThrow(/did you mean 'errorIfNonfinite'/);
    expect(() => nn.utils.clipGradNorm_([p], 1, 2, 'yes' as never)).toThrow(ValueError);
    p.grad = tensor([5, -7]);
    nn.utils.clipGradValue_([p], 1, null);
    expect([...p.grad.data]).toEqual([1, -1]);
  });

  it('reductions, losses and layers refuse misspelled options', () => {
    expect(() => sum(randn([2, 3]), 1, { keepDim: true } as never)).toThrow(/did you mean 'keepdim'/);
    expect(() => F.crossEntropy(randn([2, 3]), tensor([0, 1]), { label_smoothing: 0.1 } as never)).toThrow(/did you mean 'labelSmoothing'/);
    expect(() => new nn.BatchNorm1d(3, { eps: 1e-5, momentm: 0.1 } as never)).toThrow(/did you mean 'momentum'/);
    expect(() => new nn.Conv2d(2, 3, 3, { paddng: 1 } as never)).toThrow(/did you mean 'padding'/);
    expect(() => nn.init.kaimingNormal_(randn([3, 3]), { nonlinearty: 'relu' } as never)).toThrow(/did you mean 'nonlinearity'/);
    expect(() => new optim.lrScheduler.StepLR(new optim.SGD([new nn.Parameter(randn([1]))]), 2, { gama: 0.5 } as never)).toThrow(/did you mean 'gamma'/);
  });
});
