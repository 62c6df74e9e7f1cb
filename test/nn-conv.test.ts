import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, ValueError, nn, randn, F } from '../src/index.js';

describe('Conv2d module', () => {
  it('has PyTorch shapes, repr and U(±1/√fan_in) init', () => {
    const c = new nn.Conv2d(8, 16, 3, { stride: 2, padding: 1, groups: 2, generator: new Generator(2) });
    expect(c.weight.shape).toEqual([16, 4, 3, 3]);
    expect(Object.keys(c.stateDict())).toEqual(['weight', 'bias']);
    expect(c.toString()).toBe('Conv2d(8, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2)');
    const bound = 1 / Math.sqrt(4 * 9);
    for (const v of c.weight.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    for (const v of c.bias!.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(new nn.Conv2d(1, 2, [3, 5], { padding: 'same', bias: false, paddingMode: 'reflect' }).toString()).toBe(
      'Conv2d(1, 2, kernel_size=(3, 5), stride=(1, 1), padding=same, bias=False, padding_mode=reflect)',
    );
    expect(c.forward(randn([2, 8, 9, 9])).shape).toEqual([2, 16, 5, 5]);
    expect(new nn.Conv2d(3, 4, 3, { padding: 'same' }).forward(randn([3, 6, 7])).shape).toEqual([4, 6, 7]);
  });

  it('validates its arguments and inputs with typed errors', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/inChannels \(3\) must be divisible by groups/);
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow(/outChannels/);
    expect(() => new nn.Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(/strided/);
    expect(() => new nn.Conv2d(3, 4, 3, { padding: 'full' as 'same' })).toThrow(ValueError);
    expect(() => new nn.Conv2d(3, 4, 0)).toThrow(ValueError);
    expect(() => new nn.Conv2d(3, 4, [3, 3, 3] as unknown as [number, number])).toThrow(ValueError);
    expect(() => new nn.Conv2d(0, 4, 3)).toThrow(ValueError);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(ValueError);
    const c = new nn.Conv2d(3, 4, 3);
    expect(() => c.forward(randn([2, 5, 8, 8]))).toThrow(/expected input with 3 channels/);
    expect(() => c.forward(randn([8, 8]))).toThrow(ShapeError);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).forward(randn([1, 1, 3, 3]))).toThrow(/too large/);
  });

  it('pad2d matches the padding modes on a known example', () => {
    const x = randn([1, 1, 2, 3]);
    const [a, b, c, d, e, f] = [...x.data];
    expect([...F.pad2d(x, [0, 0, 2, 1], 'reflect').data]).toEqual([c, b, a, b, c, b, f, e, d, e, f, e]);
    expect([...F.pad2d(x, [0, 0, 1, 1], 'replicate').data]).toEqual([a, a, b, c, c, d, d, e, f, f]);
    expect([...F.pad2d(x, [1, 0, 1, 0], 'circular').data]).toEqual([f, d, e, f, c, a, b, c, f, d, e, f]);
    expect([...F.pad2d(x, [0, 1, 0, 0], 'zeros').data]).toEqual([a, b, c, d, e, f, 0, 0, 0]);
  });
});

describe('pooling modules', () => {
  it('print like PyTorch and pool', () => {
    const mp = new nn.MaxPool2d(2);
    expect(mp.toString()).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(mp.forward(randn([2, 3, 8, 8])).shape).toEqual([2, 3, 4, 4]);
    expect(new nn.AvgPool2d(3, { stride: 1, padding: 1 }).toString()).toBe('AvgPool2d(kernel_size=3, stride=1, padding=1)');
    expect(new nn.AdaptiveAvgPool2d(1).forward(randn([2, 3, 5, 7])).shape).toEqual([2, 3, 1, 1]);
    expect(new nn.AdaptiveAvgPool2d([2, 3]).toString()).toBe('AdaptiveAvgPool2d(output_size=(2, 3))');
    const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).forward(randn([1, 1, 4, 4]));
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(idx.shape).toEqual([1, 1, 2, 2]);
    expect(new nn.AdaptiveMaxPool2d(2).forward(randn([1, 2, 5, 5])).shape).toEqual([1, 2, 2, 2]);
  });

  it('validate their arguments', () => {
    expect(() => new nn.MaxPool2d(2, { padding: 2 })).toThrow(/at most half/);
    expect(() => new nn.AvgPool2d(0)).toThrow(ValueError);
    expect(() => new nn.AvgPool2d(2, { divisorOverride: 0 })).toThrow(ValueError);
    expect(() => new nn.AdaptiveAvgPool2d(0)).toThrow(ValueError);
    expect(() => new nn.MaxPool2d(2).forward(randn([3]))).toThrow();
  });
});
