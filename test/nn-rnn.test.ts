import { describe, expect, it } from 'vitest';
import { Generator, ShapeError, Tensor, ValueError, gradcheck, nn, randn, F, noGrad } from '../src/index.js';

describe('RNN', () => {
  it('names parameters as PyTorch does and prints like it', () => {
    const r = new nn.RNN(3, 4, { numLayers: 2, bidirectional: true });
    expect(Object.keys(r.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(r.weightsOf(1, 1).wIh.shape).toEqual([4, 8]);
    expect(r.toString()).toBe('RNN(3, 4, num_layers=2, bidirectional=True)');
    expect(new nn.RNN(2, 3, { nonlinearity: 'relu', batchFirst: true, bias: false }).toString()).toBe(
      'RNN(2, 3, nonlinearity=relu, bias=False, batch_first=True)',
    );
    expect(Object.keys(new nn.RNNCell(2, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    const bound = 1 / Math.sqrt(4);
    for (const p of r.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('backpropagates through time (finite differences)', () => {
    const g = new Generator(5);
    const r = new nn.RNN(2, 3, { numLayers: 2, generator: g });
    const x = randn([4, 2, 2], { generator: g, requiresGrad: true });
    const h0 = randn([2, 2, 3], { generator: g, requiresGrad: true });
    const w = r.weightsOf(0).wHh;
    expect(gradcheck((x, h0) => {
      const [out, hN] = r.forward(x, h0);
      return out.sum().add(hN.mul(hN).sum());
    }, [x, h0, w], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });

  it('unrolls long sequences without overflowing the stack', () => {
    const r = new nn.RNN(1, 2);
    const x = randn([1500, 1, 1], { requiresGrad: true });
    const [out] = r.forward(x);
    out.sum().backward();
    expect(x.grad!.shape).toEqual([1500, 1, 1]);
    expect(Number.isFinite(x.grad!.data[0]!)).toBe(true);
  });

  it('applies inter-layer dropout only while training', () => {
    const r = new nn.RNN(3, 8, { numLayers: 2, dropout: 0.5, generator: new Generator(1) });
    const x = randn([3, 2, 3]);
    const a = noGrad(() => r.forward(x)[0]);
    const b = noGrad(() => r.forward(x)[0]);
    expect([...a.data]).not.toEqual([...b.data]);
    r.eval();
    const c = noGrad(() => r.forward(x)[0]);
    const d = noGrad(() => r.forward(x)[0]);
    expect([...c.data]).toEqual([...d.data]);
  });

  it('rejects bad configuration and inputs with typed errors', () => {
    expect(() => new nn.RNN(0, 3)).toThrow(ValueError);
    expect(() => new nn.RNN(2, 3, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(/nonlinearity/);
    expect(() => new nn.RNN(2, 3, { dropout: 2 })).toThrow(ValueError);
    expect(() => new nn.RNN(2, 3, { numLayers: 0 })).toThrow(ValueError);
    const r = new nn.RNN(2, 3);
    expect(() => r.forward(randn([4, 5, 3]))).toThrow(/inputSize=2/);
    expect(() => r.forward(randn([4]))).toThrow(ShapeError);
    expect(() => r.forward(randn([4, 5, 2]), randn([1, 4, 3]))).toThrow(/h0 must have shape \[1,5,3\]/);
    const cell = new nn.RNNCell(2, 3);
    expect(cell.forward(randn([2])).shape).toEqual([3]);
    expect(() => cell.forward(randn([4, 3]))).toThrow(ShapeError);
    expect(() => cell.forward(randn([4, 2]), randn([4, 2]))).toThrow(/hx must have shape/);
  });
});

describe('F namespace', () => {
  it('mirrors torch.nn.functional', () => {
    for (const name of ['relu', 'leakyRelu', 'elu', 'gelu', 'selu', 'silu', 'softplus', 'tanh', 'sigmoid', 'softmax', 'logSoftmax',
      'linear', 'conv2d', 'maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'dropout', 'crossEntropy', 'nllLoss', 'mseLoss', 'l1Loss',
      'binaryCrossEntropyWithLogits', 'batchNorm', 'layerNorm', 'groupNorm', 'instanceNorm', 'pad2d'])
      expect(typeof (F as Record<string, unknown>)[name], name).toBe('function');
    expect(nn.functional).toBe(F);
    const x = randn([2, 3]);
    expect(F.layerNorm(x, 3).shape).toEqual([2, 3]);
    expect(F.relu(x)).toBeInstanceOf(Tensor);
  });
});
