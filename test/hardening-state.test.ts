/**
 * Typed errors for what a user can get wrong, and state loading that checks everything first:
 * one error listing every problem, nothing changed on error (Module and the five optimizers).
 */
import { describe, expect, it } from 'vitest';
import {
  GradlabError, ShapeError, Tensor, ValueError, full, listBackends, manualSeed, nn, optim, rand, randn, setBackend, backend, tensor, zeros,
} from '../src/index.js';

const snapshot = (m: nn.Module): number[][] => m.parameters().map((p) => [...p.data]);

function errorOf(fn: () => unknown): GradlabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GradlabError);
    return e as GradlabError;
  }
  throw new Error('expected an error');
}

describe('typed errors for bad shapes, sizes and names', () => {
  it('zeros("3") names the shape', () => {
    const e = errorOf(() => zeros('3' as never));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/invalid shape "3": a shape is a number or a list of numbers/);
    expect(errorOf(() => zeros(['2', 3] as never)).message).toContain('invalid shape ["2",3]');
    expect(errorOf(() => randn(null as never)).message).toContain('invalid shape null');
    expect(errorOf(() => full([2, -1], 0)).message).toContain('non-negative integers');
  });

  it('more than 2^32 − 1 elements is a typed error, not a RangeError', () => {
    for (const f of [() => zeros([2 ** 16, 2 ** 16]), () => rand([2 ** 20, 2 ** 13])]) {
      const e = errorOf(f);
      expect(e.message).toMatch(/elements|shape/);
    }
    expect(errorOf(() => zeros([2 ** 16, 2 ** 16])).message).toMatch(/4294967296 elements, more than the 4294967295/);
  });

  it("setBackend('bogus') lists the backends", () => {
    const before = backend().name;
    const e = errorOf(() => setBackend('bogus'));
    expect(e).toBeInstanceOf(ValueError);
    for (const b of listBackends()) expect(e.message).toContain(`'${b}'`);
    expect(errorOf(() => setBackend(undefined as never))).toBeInstanceOf(ValueError);
    expect(backend().name).toBe(before);
  });
});

describe('Module.loadStateDict checks everything first', () => {
  const make = (): nn.Sequential => {
    manualSeed(0);
    return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));
  };

  it('loadStateDict(null), a Tensor or an array is a typed error', () => {
    const m = make();
    for (const bad of [null, undefined, 0, 'x', [], tensor([1])])
      expect(errorOf(() => m.loadStateDict(bad as never)).message).toMatch(/expected a state dict/);
    expect(errorOf(() => m.loadStateDict(m.stateDict(), null as never))).toBeInstanceOf(ValueError);
    expect(errorOf(() => m.loadStateDict(m.stateDict(), { strict: 'no' } as never)).message).toMatch(/strict must be true or false/);
  });

  it('null, undefined, 0 and non-tensor values are refused, all in one error, and nothing changes', () => {
    const m = make();
    const before = snapshot(m);
    const sd: Record<string, unknown> = { ...make().stateDict() };
    for (const k of Object.keys(sd)) sd[k] = (sd[k] as Tensor).add(1); // values that would change the model
    sd['0.weight'] = null;
    sd['0.bias'] = undefined;
    sd['2.bias'] = 0;
    sd['1.running_mean'] = [0, 0, 0, 0];
    const e = errorOf(() => m.loadStateDict(sd as never));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(/4 problems, nothing was loaded/);
    expect(e.message).toContain("'0.weight' is null, not a Tensor");
    expect(e.message).toContain("'0.bias' is undefined, not a Tensor");
    expect(e.message).toContain("'2.bias' is number 0, not a Tensor");
    expect(e.message).toContain("'1.running_mean' is an array of 4, not a Tensor");
    expect(snapshot(m)).toEqual(before);
  });

  it('every shape mismatch is reported (strict or not), with missing/unexpected keys in strict mode; nothing is copied', () => {
    const m = make();
    const before = snapshot(m);
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(make().stateDict())) sd[k] = v.add(1);
    sd['0.weight'] = zeros([4, 5]);
    sd['2.weight'] = zeros([3, 4]);
    delete sd['2.bias'];
    sd['module.extra'] = zeros([1]);
    const strictErr = errorOf(() => m.loadStateDict(sd));
    expect(strictErr.message).toMatch(/4 problems/);
    expect(strictErr.message).toContain("size mismatch for '0.weight': copying a tensor of shape [4,5], the module has [4,3]");
    expect(strictErr.message).toContain("size mismatch for '2.weight'");
    expect(strictErr.message).toContain('missing keys [2.bias]');
    expect(strictErr.message).toContain('unexpected keys [module.extra]');
    expect(snapshot(m)).toEqual(before);
    const loose = errorOf(() => m.loadStateDict(sd, { strict: false }));
    expect(loose).toBeInstanceOf(ShapeError);
    expect(loose.message).toMatch(/2 problems/);
    expect(snapshot(m)).toEqual(before);
    // fixed, the loose load copies what matches and reports the rest
    sd['0.weight'] = zeros([4, 3]);
    sd['2.weight'] = zeros([2, 4]);
    expect(m.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['module.extra'] });
    expect([...m.parameters()[0]!.data].every((v) => v === 0)).toBe(true);
  });

  it('keys are own keys: a state dict key named toString or constructor is unexpected, not inherited', () => {
    const m = new nn.Linear(2, 2);
    const sd = { ...m.stateDict(), toString: zeros([1]) };
    expect(errorOf(() => m.loadStateDict(sd)).message).toContain('unexpected keys [toString]');
  });
});

describe('Optimizer.loadStateDict checks everything first', () => {
  const makers: [string, (ps: Tensor[]) => optim.Optimizer<any>][] = [
    ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps) => new optim.Adam(ps, { lr: 0.1 })],
    ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.1 })],
    ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 0.1 })],
    ['RMSprop', (ps) => new optim.RMSprop(ps, { lr: 0.1, momentum: 0.5, centered: true })],
  ];
  const params = (): Tensor[] => {
    manualSeed(1);
    return [randn([3, 2], { requiresGrad: true }), randn([2], { requiresGrad: true })];
  };
  const trained = (make: (ps: Tensor[]) => optim.Optimizer<any>): { opt: optim.Optimizer<any>; ps: Tensor[] } => {
    const ps = params();
    const opt = make(ps);
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      ps[0]!.mul(ps[0]!).sum().add(ps[1]!.sum()).backward();
      opt.step();
    }
    return { opt, ps };
  };

  for (const [name, make] of makers) {
    it(`${name}: null entries, numbers, plain arrays, a string step and wrong shapes are refused; nothing changes`, () => {
      const { opt, ps } = trained(make);
      const good = opt.stateDict();
      const bufKey = Object.keys(good.state[0]!).find((k) => good.state[0]![k] instanceof Tensor)!;
      expect(bufKey).toBeDefined();
      const cases: [string, (sd: any) => void, RegExp][] = [
        ['null entry', (sd) => (sd.state[0] = null), /state\[0\] is null/],
        ['number buffer', (sd) => (sd.state[0][bufKey] = 3), new RegExp(`state\\[0\\]\\.${bufKey} is number 3`)],
        ['plain array buffer', (sd) => (sd.state[1][bufKey] = [0, 0]), new RegExp(`state\\[1\\]\\.${bufKey} is a plain array of 2`)],
        ['wrong shape', (sd) => (sd.state[0][bufKey] = zeros([2, 3])), /has shape \[2,3\] but its parameter has shape \[3,2\]/],
        ['null group', (sd) => (sd.paramGroups[0] = null), /paramGroups\[0\] is null/],
        ['PyTorch key', (sd) => (sd.state[0].exp_avg = zeros([3, 2])), /exp_avg is PyTorch's name; gradlab's is 'expAvg'/],
      ];
      if ('step' in good.state[0]!) cases.push(['string step', (sd) => (sd.state[0].step = '5'), /state\[0\]\.step is the string "5"/]);
      for (const [what, mutate, expected] of cases) {
        const { opt: fresh, ps: fps } = trained(make);
        const stateBefore = JSON.stringify(fresh.stateDict(), (_k, v) => (v instanceof Tensor ? [...v.data] : v));
        const sd = opt.stateDict();
        mutate(sd);
        const e = errorOf(() => fresh.loadStateDict(sd));
        expect(e.message, what).toMatch(expected);
        expect(e.message, what).toMatch(/nothing was loaded/);
        expect(JSON.stringify(fresh.stateDict(), (_k, v) => (v instanceof Tensor ? [...v.data] : v)), what).toBe(stateBefore);
        // and a step after the refused load stays finite
        fresh.zeroGrad();
        fps[0]!.mul(fps[0]!).sum().add(fps[1]!.sum()).backward();
        fresh.step();
        expect(fps.every((p) => p.data.every(Number.isFinite)), what).toBe(true);
      }
      // every problem at once
      const sd = opt.stateDict() as any;
      sd.state[0][bufKey] = 3;
      sd.state[1] = null;
      expect(errorOf(() => make(params()).loadStateDict(sd)).message).toMatch(/2 problems/);
      // the good one loads
      make(ps).loadStateDict(good);
    });
  }
});
