import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, Tensor, ValueError, nn, randn, noGrad } from '../src/index.js';
import { loadFixture } from './helpers.js';

const fx = loadFixture<any>('nn');
const refs = fx.cases.filter((c: any) => c.kind === 'resnet');
const builders: Record<string, (o?: nn.CifarResNetOptions) => nn.CifarResNet> = {
  resnet20: nn.resnet20,
  resnet32: nn.resnet32,
  resnet44: nn.resnet44,
  resnet56: nn.resnet56,
};
const count = (m: nn.Module): number => m.parameters().reduce((a, p) => a + p.numel(), 0);

describe('CIFAR ResNets (He et al. 2015 §4.2) against a PyTorch reference implementation', () => {
  for (const r of refs) {
    it(`${r.name} option ${r.shortcut}: parameter count${r.keys ? ', state-dict keys and shapes' : ''}`, () => {
      const net = builders[r.name]!({ shortcut: r.shortcut });
      expect(count(net)).toBe(r.numParams);
      const sd = net.stateDict();
      expect(Object.keys(sd).length).toBe(r.numKeys);
      if (r.keys) {
        expect(Object.keys(sd)).toEqual(r.keys);
        expect(Object.values(sd).map((t) => [...t.shape])).toEqual(r.shapes);
      }
    });
  }

  it('resnet20 has ≈0.27M parameters and 6n+2 = 20 weighted layers', () => {
    const net = nn.resnet20();
    expect(count(net)).toBe(269722);
    const weighted = [...net.modules()].filter((m) => m instanceof nn.Conv2d || m instanceof nn.Linear);
    expect(weighted.length).toBe(20);
    expect(net.depth).toBe(20);
    expect(nn.resnet56().depth).toBe(56);
  });

  it('runs forward and backward on small images; plain nets have the same parameters and no shortcut', () => {
    const g = new Generator(1);
    const net = nn.resnet20({ numClasses: 7, generator: g });
    const x = randn([2, 3, 8, 8], { generator: g });
    const y = net.forward(x);
    expect(y.shape).toEqual([2, 7]);
    y.sum().backward();
    expect(net.conv1.weight.grad).not.toBeNull();
    const plain = nn.plain20({ numClasses: 7 });
    expect(Object.keys(plain.stateDict())).toEqual(Object.keys(net.stateDict()));
    expect((plain.layer1.at(0) as nn.BasicBlock).residual).toBe(false);
    // zero the second BN of every block: a residual block then passes relu(x) through, a plain one gives 0
    const block = new nn.BasicBlock(4, 4, { residual: true });
    const plainBlock = new nn.BasicBlock(4, 4, { residual: false });
    for (const b of [block, plainBlock]) b.bn2.weight!.data.fill(0);
    const xi = randn([2, 4, 3, 3]);
    const yr = block.forward(xi);
    const yp = plainBlock.forward(xi);
    for (let i = 0; i < xi.data.length; i++) {
      expect(yr.data[i]).toBeCloseTo(Math.max(0, xi.data[i]!), 5);
      expect(yp.data[i]).toBe(0);
    }
  });

  it('uses Kaiming-normal conv weights (var 2/fan_in)', () => {
    const net = nn.resnet56({ generator: new Generator(3) });
    const w = (net.layer3.at(2) as nn.BasicBlock).conv2.weight; // 64·64·9 values, fan_in 576
    let s2 = 0;
    for (const v of w.data) s2 += v * v;
    const n = w.data.length;
    expect(Math.abs(s2 / n / (2 / 576) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('option A shortcut subsamples and zero-pads channels; errors are typed', () => {
    const sc = new nn.ShortcutA(2, 4, 2);
    const x = randn([1, 2, 3, 3], { requiresGrad: true });
    const y = sc.forward(x);
    expect(y.shape).toEqual([1, 4, 2, 2]);
    expect(y.data[0]).toBe(0); // padded channel 0
    expect(y.data[4]).toBe(x.data[0]); // channel 1 ← input channel 0, (0,0)
    expect(y.data[5]).toBe(x.data[2]); // (0,1) ← (0,2)
    y.sum().backward();
    expect([...x.grad!.data].filter((v) => v === 1).length).toBe(8);
    expect(() => new nn.ShortcutA(4, 2, 1)).toThrow(ValueError);
    expect(() => sc.forward(randn([1, 3, 3, 3]))).toThrow(ShapeError);
    expect(() => new nn.BasicBlock(4, 8, { shortcut: 'C' as 'A' })).toThrow(ValueError);
    expect(() => new nn.BasicBlock(4, 8, { stride: 0 })).toThrow(ValueError);
    expect(() => nn.resnet20({ numClasses: 0 })).toThrow(ValueError);
    expect(() => nn.resnet20().forward(randn([1, 1, 8, 8]))).toThrow(/images \[N, 3, H, W\]/);
  });

  it('eval mode uses running statistics: the output of a sample does not depend on its batch', () => {
    const net = nn.resnet20({ generator: new Generator(4) });
    noGrad(() => net.forward(randn([4, 3, 8, 8])));
    net.eval();
    const x = randn([2, 3, 8, 8]);
    const a = noGrad(() => net.forward(x)) as Tensor;
    const first = new Tensor(x.data.slice(0, 3 * 64), [1, 3, 8, 8]);
    const b = noGrad(() => net.forward(first)) as Tensor;
    for (let i = 0; i < 10; i++) expect(b.data[i]).toBeCloseTo(a.data[i]!, 5);
    net.train();
    const c = noGrad(() => net.forward(first.reshape([1, 3, 8, 8]).add(0))) as Tensor;
    expect(c.shape).toEqual([1, 10]);
  });
});
