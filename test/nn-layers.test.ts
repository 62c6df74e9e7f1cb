import { describe, expect, it } from 'vitest';
import { Tensor, nn, mul, sum, add, noGrad, type Module } from '../src/index.js';
import { expectClose, fromFixture, loadFixture, type FixtureTensor } from './helpers.js';

/**
 * Every layer against PyTorch: weights come from the fixture (loadStateDict), forward outputs,
 * input gradients and parameter gradients must match; norm layers' buffers too.
 */
const fx = loadFixture<any>('nn');

const isFixtureTensor = (v: unknown): v is FixtureTensor =>
  typeof v === 'object' && v !== null && Array.isArray((v as FixtureTensor).shape) && Array.isArray((v as FixtureTensor).data);

function revive(v: unknown): unknown {
  if (isFixtureTensor(v)) return fromFixture(v);
  if (Array.isArray(v)) return v.map(revive);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
}

export function build(ctor: unknown[]): Module {
  const [name, ...args] = ctor as [string, ...unknown[]];
  const C = (nn as unknown as Record<string, new (...a: unknown[]) => Module>)[name];
  if (!C) throw new Error(`no nn.${name}`);
  return new C(...(args.map(revive) as unknown[]));
}

function stateOf(s: Record<string, FixtureTensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fromFixture(v)]));
}

const available = (ctor: unknown[]): boolean => typeof (nn as Record<string, unknown>)[ctor[0] as string] === 'function';

describe('nn layers match PyTorch (forward, input and parameter gradients)', () => {
  for (const c of fx.cases.filter((c: any) => c.kind === 'layer')) {
    it.skipIf(!available(c.ctor))(c.name, () => {
      const m = build(c.ctor);
      m.loadStateDict(stateOf(c.state));
      m.train(c.train);
      const x = fromFixture(c.x, true);
      const extra = c.extra.map((e: FixtureTensor, i: number) => fromFixture(e, c.gextra[i] !== null));
      const out = m.forward(x, ...extra);
      const outs: Tensor[] = Array.isArray(out) ? out : [out];
      expect(outs.length).toBe(c.out.length);
      outs.forEach((o, i) => expectClose(o, c.out[i], 1e-4, 1e-3, `${c.name} out ${i}`));
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        const l = sum(mul(o, fromFixture(c.gy[i])));
        loss = loss ? add(loss, l) : l;
      });
      loss!.backward();
      expectClose(x.grad, c.gx, 1e-4, 1e-3, `${c.name} input grad`);
      extra.forEach((e: Tensor, i: number) => c.gextra[i] && expectClose(e.grad, c.gextra[i], 1e-4, 1e-3, `${c.name} extra grad ${i}`));
      const params = Object.fromEntries(m.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.gparams).sort());
      for (const [k, g] of Object.entries(c.gparams)) expectClose(params[k]!.grad, g as FixtureTensor, 1e-4, 1e-3, `${c.name} grad ${k}`);
      if (c.stateAfter) {
        const sd = m.stateDict();
        expect(Object.keys(sd)).toEqual(Object.keys(c.stateAfter));
        for (const [k, v] of Object.entries(c.stateAfter)) expectClose(sd[k], v as FixtureTensor, 1e-5, 1e-4, `${c.name} state ${k}`);
      }
    });
  }
});

describe('running statistics over several training steps, then eval', () => {
  for (const c of fx.cases.filter((c: any) => c.kind === 'running')) {
    it(c.name, () => {
      const m = build(c.ctor);
      m.loadStateDict(stateOf(c.state));
      m.train();
      c.xs.forEach((xf: FixtureTensor, i: number) =>
        expectClose(noGrad(() => m.forward(fromFixture(xf))), c.trainOuts[i], 1e-4, 1e-3, `${c.name} train step ${i}`),
      );
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(Object.keys(c.stateAfter));
      for (const [k, v] of Object.entries(c.stateAfter)) expectClose(sd[k], v as FixtureTensor, 1e-5, 1e-4, `${c.name} ${k}`);
      m.eval();
      expectClose(noGrad(() => m.forward(fromFixture(c.xEval))), c.yEval, 1e-4, 1e-3, `${c.name} eval`);
    });
  }
});

describe('loss modules match PyTorch', () => {
  for (const c of fx.cases.filter((c: any) => c.kind === 'loss')) {
    it(c.name, () => {
      const m = build(c.ctor);
      const x = fromFixture(c.x, true);
      const y = m.forward(x, fromFixture(c.target)) as Tensor;
      expectClose(y, c.out, 1e-5, 1e-4, `${c.name} value`);
      y.backward(fromFixture(c.gy));
      expectClose(x.grad, c.gx, 1e-5, 1e-4, `${c.name} grad`);
    });
  }
});
