/**
 * Printing as PyTorch prints: tensors through toString(), console.log and util.inspect, against
 * PyTorch's own repr of the same float32 values (fixtures from gen_hardening.py; only the
 * spelling of the suffixes differs: requiresGrad=true, gradFn=<MulBackward>, size=[0, 3]), and
 * modules and parameters as PyTorch's repr.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Tensor, nn, tensor } from '../src/index.js';
import { formatFixed, formatSci } from '../src/tensor/format.js';
import { fromFixture, loadFixture } from './helpers.js';

const fx = loadFixture('hardening');

/** PyTorch's repr in gradlab's spelling. */
const asGradlab = (s: string): string =>
  s
    .replace(/requires_grad=True/g, 'requiresGrad=true')
    .replace(/grad_fn=<(\w+?)0>/g, 'gradFn=<$1>')
    .replace(/size=\(([^)]*)\)/g, (_m, d: string) => `size=[${d.replace(/,$/, '')}]`);

describe('tensors print as PyTorch prints them', () => {
  for (const c of fx.cases.filter((k: any) => k.op === 'print'))
    it(c.name, () => {
      let t: Tensor = fromFixture(c.input, c.requiresGrad);
      if (c.mulBy2) t = t.mul(2);
      const want = asGradlab(c.repr);
      expect(t.toString()).toBe(want);
      expect(inspect(t)).toBe(want);
      expect(`${t}`).toBe(want);
    });

  it('console.log shows the PyTorch form, not the internals', () => {
    const t = tensor([[0.1234, -1.2]], { requiresGrad: true });
    const s = inspect({ weights: [t] }, { depth: 4 });
    expect(s).toContain('tensor([[ 0.1234, -1.2000]], requiresGrad=true)');
    for (const internal of ['_hooks', '_version', '_vc', '_retainsGrad', 'Float32Array']) expect(s).not.toContain(internal);
  });

  it('rounds from the exact binary value, ties to even (as Python formats)', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12'); // JavaScript's toFixed gives 0.13
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(1.03125, 4)).toBe('1.0312');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(9.99995, 4)).toBe('10.0000'); // 9.99995 is slightly above the tie in binary
    expect(formatFixed(123456789.5, 0)).toBe('123456790');
    expect(formatSci(1.03125, 4)).toBe('1.0312e+00');
    expect(formatSci(99999.5, 4)).toBe('1.0000e+05');
    expect(formatSci(1e-5, 4)).toBe('1.0000e-05');
    expect(formatSci(1.5e300, 4)).toBe('1.5000e+300');
    expect(formatSci(0, 4)).toBe('0.0000e+00');
  });
});

describe('modules and parameters print as PyTorch prints them', () => {
  it('a Sequential (console.log / util.inspect / toString)', () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.BatchNorm1d(4), new nn.Dropout(0.1), new nn.Linear(4, 2));
    const torchRepr = [
      'Sequential(',
      '  (0): Linear(in_features=3, out_features=4, bias=True)',
      '  (1): Tanh()',
      '  (2): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
      '  (3): Dropout(p=0.1, inplace=False)',
      '  (4): Linear(in_features=4, out_features=2, bias=True)',
      ')',
    ].join('\n');
    expect(m.toString()).toBe(torchRepr);
    expect(inspect(m)).toBe(torchRepr);
  });

  it('a Parameter', () => {
    const p = new nn.Parameter(tensor([1.5, 2]));
    expect(p.toString()).toBe('Parameter containing:\ntensor([1.5000, 2.0000], requiresGrad=true)');
    expect(inspect(p)).toBe(p.toString());
  });
});
