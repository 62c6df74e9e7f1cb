/** Loss and op semantics where PyTorch's answer is subtle, against PyTorch fixtures (gen_hardening.py). */
import { describe, expect, it } from 'vitest';
import { F, linspace, mean, sum, tensor } from '../src/index.js';
import { expectClose, fromFixture, loadFixture } from './helpers.js';

const fx = loadFixture('hardening');
const get = (name: string): any => {
  const c = fx.cases.find((k: any) => k.name === name);
  if (!c) throw new Error(`fixture ${name} missing`);
  return c;
};

describe('hardening fixtures (PyTorch values)', () => {
  for (const c of fx.cases.filter((k: any) => k.op === 'crossEntropy'))
    it(c.name, () => {
      const x = fromFixture(c.input, true);
      const loss = F.crossEntropy(x, tensor(c.target), { labelSmoothing: c.labelSmoothing, reduction: c.reduction });
      expectClose(loss, c.out, 1e-5, 1e-4, 'loss');
      loss.sum().backward();
      expectClose(x.grad, c.grad, 1e-6, 1e-4, 'grad');
      expect(x.grad!.data.every((v) => Number.isFinite(v))).toBe(true);
    });

  for (const c of fx.cases.filter((k: any) => k.op === 'smoothL1Loss'))
    it(c.name, () => {
      const x = fromFixture(c.input, true);
      const y = fromFixture(c.target, true);
      const loss = F.smoothL1Loss(x, y, { beta: 0, reduction: c.reduction });
      expectClose(loss, c.out, 1e-6, 1e-5, 'loss');
      loss.sum().backward();
      expectClose(x.grad, c.grad, 1e-6, 1e-5, 'grad input');
      expectClose(y.grad, c.gradTarget, 1e-6, 1e-5, 'grad target');
    });

  it('linspace', () => {
    expectClose(linspace(...(get('linspace_1').args as [number, number, number])), get('linspace_1').out);
    expectClose(linspace(...(get('linspace_2').args as [number, number, number])), get('linspace_2').out);
  });

  for (const [name, fn] of [['sum', sum], ['mean', mean]] as const)
    it(`${name}(x, []) reduces over every dim`, () => {
      const c = get(`${name}_emptyDims`);
      const x = fromFixture(c.input, true);
      const out = fn(x, []);
      expectClose(out, c.out, 1e-6, 1e-5, 'out');
      out.backward();
      expectClose(x.grad, c.grad, 1e-6, 1e-5, 'grad');
      expectClose(x[name]([]), c.out, 1e-6, 1e-5, 'method');
    });
});
