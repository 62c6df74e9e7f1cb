import { describe, expect, it } from 'vitest';
import { Generator, ValueError, nn, randn } from '../src/index.js';

const { mlp, linearLayers, Linear, Tanh, ReLU, BatchNorm1d, LayerNorm, Dropout, Residual, Sequential } = nn;

const names = (s: nn.Sequential): string[] => [...s].map((m) => m.constructor.name);

describe('mlp', () => {
  it('builds Linear → activation stacks with the Linear layers findable', () => {
    const m = mlp({ inFeatures: 5, hidden: [8, 8], outFeatures: 3 });
    expect(m).toBeInstanceOf(Sequential);
    expect(names(m)).toEqual(['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']);
    const lin = linearLayers(m);
    expect(lin.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[5, 8], [8, 8], [8, 3]]);
    expect(m.forward(randn([4, 5])).shape).toEqual([4, 3]);
    expect(names(mlp({ inFeatures: 2, hidden: [], outFeatures: 1 }))).toEqual(['Linear']);
  });

  it('places norm before the activation, dropout after it, and wraps equal widths in residual blocks', () => {
    const m = mlp({ inFeatures: 4, hidden: [6, 6, 6], outFeatures: 2, activation: 'relu', norm: 'batch', dropout: 0.1, residual: true });
    expect(names(m)).toEqual(['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Residual', 'Residual', 'Linear']);
    const block = m.at(4) as nn.Residual;
    expect(names(block.fn as nn.Sequential)).toEqual(['Linear', 'BatchNorm1d', 'ReLU', 'Dropout']);
    expect(linearLayers(m).length).toBe(4);
    const ln = mlp({ inFeatures: 4, hidden: [6], outFeatures: 2, norm: 'layer' });
    expect(names(ln)).toEqual(['Linear', 'LayerNorm', 'Tanh', 'Linear']);
    expect(ln.at(1)).toBeInstanceOf(LayerNorm);
    expect(m.at(1)).toBeInstanceOf(BatchNorm1d);
    expect(m.at(3)).toBeInstanceOf(Dropout);
    expect(block).toBeInstanceOf(Residual);
    m.eval();
    expect(m.forward(randn([3, 4])).shape).toEqual([3, 2]);
  });

  it('supports every activation name and a factory', () => {
    for (const a of ['tanh', 'relu', 'leakyRelu', 'elu', 'gelu', 'selu', 'silu', 'sigmoid', 'identity'] as const) {
      const m = mlp({ inFeatures: 3, hidden: [4], outFeatures: 1, activation: a });
      expect(m.forward(randn([2, 3])).shape).toEqual([2, 1]);
    }
    const m = mlp({ inFeatures: 3, hidden: [4, 4], outFeatures: 1, activation: () => new ReLU() });
    expect(m.at(1)).toBeInstanceOf(ReLU);
    expect(m.at(1)).not.toBe(m.at(3));
  });

  it('initialises weights as asked; non-default inits zero the biases unless initBias says otherwise', () => {
    const g = new Generator(5);
    const m = mlp({ inFeatures: 200, hidden: [300], outFeatures: 100, init: { normal: 0.01 }, generator: g });
    const [l0] = linearLayers(m);
    let s = 0;
    let s2 = 0;
    for (const v of l0!.weight.data) {
      s += v;
      s2 += v * v;
    }
    const n = l0!.weight.data.length;
    // sample std of n normals: relative error ~ 1/√(2n)
    expect(Math.abs(Math.sqrt(s2 / n) / 0.01 - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    expect(Math.abs(s / n)).toBeLessThan((5 * 0.01) / Math.sqrt(n));
    expect([...l0!.bias!.data].every((v) => v === 0)).toBe(true);

    const c = mlp({ inFeatures: 3, hidden: [4], outFeatures: 2, init: { constant: 0.1 }, initBias: { constant: 0.5 } });
    for (const l of linearLayers(c)) {
      expect([...l.weight.data].every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true);
      expect([...l.bias!.data].every((v) => v === 0.5)).toBe(true);
    }
    const seen: number[] = [];
    mlp({ inFeatures: 3, hidden: [4, 4], outFeatures: 2, init: (w, i) => void seen.push(i, w.shape[0]!) });
    expect(seen).toEqual([0, 4, 1, 4, 2, 2]);

    const orth = mlp({ inFeatures: 6, hidden: [6], outFeatures: 6, init: 'orthogonal' });
    const W = linearLayers(orth)[0]!.weight;
    const WWt = W.matmul(W.T);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(WWt.data[i * 6 + j]!).toBeCloseTo(i === j ? 1 : 0, 4);

    const k = mlp({ inFeatures: 500, hidden: [400], outFeatures: 1, activation: 'relu', init: 'kaimingNormal', generator: g });
    let k2 = 0;
    const kw = linearLayers(k)[0]!.weight.data;
    for (const v of kw) k2 += v * v;
    // Kaiming normal, fan_in 500, gain √2: var 2/500
    expect(Math.abs(k2 / kw.length / (2 / 500) - 1)).toBeLessThan(5 * Math.sqrt(2 / kw.length));
    for (const init of ['xavierUniform', 'xavierNormal', 'kaimingUniform', { uniform: 0.2 }] as const)
      expect(linearLayers(mlp({ inFeatures: 3, hidden: [4], outFeatures: 2, init })).length).toBe(2);
  });

  it('builds the lecture\'s wide deep tanh net lazily enough', () => {
    const m = mlp({ inFeatures: 16, hidden: Array(6).fill(64), outFeatures: 10, activation: 'tanh', init: { normal: 0.01 } });
    expect(linearLayers(m).length).toBe(7);
    expect(m.parameters().reduce((a, p) => a + p.numel(), 0)).toBe(16 * 64 + 64 + 5 * (64 * 64 + 64) + 64 * 10 + 10);
    expect(m.at(1)).toBeInstanceOf(Tanh);
    expect(m.at(0)).toBeInstanceOf(Linear);
  });

  it('rejects bad options with typed errors', () => {
    const base = { inFeatures: 3, hidden: [4], outFeatures: 2 };
    expect(() => mlp({ ...base, inFeatures: 0 })).toThrow(ValueError);
    expect(() => mlp({ ...base, hidden: [4, -1] })).toThrow(/hidden\[1\]/);
    expect(() => mlp({ ...base, activation: 'swish' as 'tanh' })).toThrow(/unknown activation/);
    expect(() => mlp({ ...base, norm: 'group' as 'batch' })).toThrow(ValueError);
    expect(() => mlp({ ...base, dropout: 1 })).toThrow(ValueError);
    expect(() => mlp({ ...base, init: 'he' as 'orthogonal' })).toThrow(/unknown init/);
    expect(() => mlp({ ...base, initBias: 'ones' as 'zeros', init: 'xavierNormal' })).toThrow(/initBias/);
    expect(() => mlp({ ...base, hidden: 4 as unknown as number[] })).toThrow(ValueError);
  });
});
