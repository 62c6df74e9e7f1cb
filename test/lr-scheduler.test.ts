import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, optim, zeros } from '../src/index.js';
import { loadFixture } from './helpers.js';

const S = optim.lrScheduler;
const fx = loadFixture('optim');

function twoGroups(name: string, opts: any = {}): optim.Optimizer<any> {
  const a = zeros([2], { requiresGrad: true });
  const b = zeros([3], { requiresGrad: true });
  return new (optim as any)[name]([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.02 }], opts);
}

const makers: Record<string, (o: optim.Optimizer<any>) => optim.lrScheduler.LRScheduler> = {
  StepLR: (o) => new S.StepLR(o, 3, { gamma: 0.5 }),
  MultiStepLR: (o) => new S.MultiStepLR(o, [2, 5, 5, 9], { gamma: 0.5 }),
  ExponentialLR: (o) => new S.ExponentialLR(o, 0.9),
  'CosineAnnealingLR-5': (o) => new S.CosineAnnealingLR(o, 5, { etaMin: 0.01 }),
  'CosineAnnealingLR-10': (o) => new S.CosineAnnealingLR(o, 10),
  LinearLR: (o) => new S.LinearLR(o),
  'LinearLR-down': (o) => new S.LinearLR(o, { startFactor: 1, endFactor: 0.1, totalIters: 4 }),
  OneCycleLR: (o) => new S.OneCycleLR(o, { maxLr: 1, totalSteps: 12 }),
  'OneCycleLR-adam-3phase-linear': (o) =>
    new S.OneCycleLR(o, { maxLr: [0.5, 0.05], totalSteps: 12, threePhase: true, annealStrategy: 'linear', pctStart: 0.25 }),
  'OneCycleLR-epochs': (o) =>
    new S.OneCycleLR(o, { maxLr: 0.3, epochs: 3, stepsPerEpoch: 4, pctStart: 0.4, divFactor: 10, finalDivFactor: 100, baseMomentum: 0.8, maxMomentum: 0.9 }),
  'OneCycleLR-nomomentum': (o) => new S.OneCycleLR(o, { maxLr: 1, totalSteps: 12, cycleMomentum: false }),
};
const optOpts: Record<string, any> = { SGD: { momentum: 0.9 }, Adam: {}, RMSprop: { momentum: 0.5 } };

const momenta = (o: optim.Optimizer<any>) => o.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0] : g.momentum));

function expectRel(a: readonly number[], b: readonly number[], what: string): void {
  expect(a.length, what).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]!), `${what}[${i}]: ${x} vs ${b[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b[i]!))));
}

describe('schedulers match PyTorch (lr and momentum/beta1 per step)', () => {
  for (const c of fx.cases.filter((c) => c.kind === 'sched')) {
    it(c.label, () => {
      const opt = twoGroups(c.optimizer, optOpts[c.optimizer]);
      const s = makers[c.label]!(opt);
      expectRel(s.getLastLr(), c.lrs[0], 'lr at 0');
      expectRel(momenta(opt), c.momenta[0], 'momentum at 0');
      for (let k = 1; k < c.lrs.length; k++) {
        opt.step();
        s.step();
        expectRel(s.getLastLr(), c.lrs[k], `lr at ${k}`);
        expectRel(opt.paramGroups.map((g) => g.lr), c.lrs[k], `group lr at ${k}`);
        expectRel(momenta(opt), c.momenta[k], `momentum at ${k}`);
      }
    });
  }
});

describe('scheduler state and errors', () => {
  it('a state dict round trip continues identically', () => {
    for (const label of ['StepLR', 'CosineAnnealingLR-5', 'OneCycleLR', 'LinearLR']) {
      const o1 = twoGroups('SGD', { momentum: 0.9 });
      const s1 = makers[label]!(o1);
      for (let k = 0; k < 4; k++) s1.step();
      const sd = s1.stateDict();
      const osd = o1.stateDict();
      const o2 = twoGroups('SGD', { momentum: 0.9 });
      o2.loadStateDict(osd);
      const s2 = makers[label]!(o2);
      s2.loadStateDict(sd);
      o2.paramGroups.forEach((g, i) => (g.lr = o1.paramGroups[i]!.lr));
      expect(s2.lastEpoch).toBe(4);
      for (let k = 0; k < 5; k++) {
        s1.step();
        s2.step();
        expect(s2.getLastLr()).toEqual(s1.getLastLr());
      }
      expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
    }
  });
  it('initialLr is recorded on the groups; resuming needs it', () => {
    const o = twoGroups('SGD');
    expect(() => new S.StepLR(o, 2, { lastEpoch: 3 })).toThrow(/param 'initialLr' is not specified in paramGroups\[0\]/);
    new S.ExponentialLR(o, 0.5);
    expect(o.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.02]);
    const resumed = new S.StepLR(o, 2, { lastEpoch: 3 });
    expect(resumed.lastEpoch).toBe(4);
  });
  it('LambdaLR multiplies the initial rate', () => {
    const o = twoGroups('SGD');
    const s = new S.LambdaLR(o, [(e) => 1 / (e + 1), (e) => 0.5 ** e]);
    s.step();
    s.step();
    expectRel(s.getLastLr(), [0.1 / 3, 0.02 * 0.25], 'lambda');
    expect(() => new S.LambdaLR(o, [(e) => e])).toThrow(/expected 2 lrLambdas/);
  });
  it('OneCycleLR refuses to step past totalSteps', () => {
    const s = new S.OneCycleLR(twoGroups('SGD'), { maxLr: 1, totalSteps: 3 });
    s.step();
    s.step();
    s.step();
    expect(() => s.step()).toThrow(/tried to step 4 times; the specified number of total steps is 3/);
  });
  it('rejects bad arguments with typed errors', () => {
    const o = () => twoGroups('SGD', { momentum: 0.9 });
    const bad: [() => unknown, RegExp][] = [
      [() => new S.StepLR(o(), 0), /stepSize must be a positive integer/],
      [() => new S.StepLR({} as any, 2), /expected an Optimizer/],
      [() => new S.MultiStepLR(o(), [1, -2]), /milestones/],
      [() => new S.ExponentialLR(o(), NaN), /gamma/],
      [() => new S.CosineAnnealingLR(o(), 0), /tMax/],
      [() => new S.LinearLR(o(), { startFactor: 0 }), /startFactor must be greater than 0 and less or equal to 1/],
      [() => new S.LinearLR(o(), { endFactor: 1.5 }), /endFactor must be between 0 and 1/],
      [() => new S.OneCycleLR(o(), { maxLr: 1 }), /either totalSteps OR \(epochs AND stepsPerEpoch\)/],
      [() => new S.OneCycleLR(o(), { maxLr: 1, totalSteps: 0 }), /totalSteps must be a positive integer/],
      [() => new S.OneCycleLR(o(), { maxLr: 1, epochs: 2 }), /stepsPerEpoch/],
      [() => new S.OneCycleLR(o(), { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), /pctStart/],
      [() => new S.OneCycleLR(o(), { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as any }), /annealStrategy/],
      [() => new S.OneCycleLR(o(), { maxLr: [1, 2, 3], totalSteps: 10 }), /expected 2 values for maxLr/],
      [() => new S.OneCycleLR(twoGroups('Adagrad'), { maxLr: 1, totalSteps: 10 }), /no momentum or betas.*cycleMomentum: false/],
    ];
    for (const [f, re] of bad) {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(re);
    }
    expect(new S.OneCycleLR(twoGroups('Adagrad'), { maxLr: 1, totalSteps: 10, cycleMomentum: false })).toBeTruthy();
    expect(Tensor).toBeTruthy();
  });
});
