import { describe, expect, it } from 'vitest';
import { Module, Parameter, Tensor, tensor, matmulNT, randn, manualSeed } from '../src/index.js';

class Affine extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(i: number, o: number) {
    super();
    this.weight = new Parameter(randn([o, i]));
    this.bias = new Parameter(randn([o]));
    this.registerBuffer('count', tensor([0]));
  }
  forward(x: Tensor): Tensor {
    return matmulNT(x, this.weight).add(this.bias!);
  }
}
class Net extends Module {
  a = new Affine(3, 4);
  b = new Affine(4, 2);
  forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x).tanh());
  }
}

describe('Module', () => {
  it('finds parameters, buffers and modules by property in order', () => {
    manualSeed(0);
    const n = new Net();
    expect([...n.namedParameters()].map(([k]) => k)).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(Object.keys(n.stateDict())).toEqual(['a.weight', 'a.bias', 'a.count', 'b.weight', 'b.bias', 'b.count']);
    expect([...n.namedModules()].map(([k]) => k)).toEqual(['', 'a', 'b']);
  });

  it('runs forward hooks and full backward hooks', () => {
    manualSeed(0);
    const n = new Net();
    const seen: string[] = [];
    let gin: (Tensor | null)[] = [];
    let gout: (Tensor | null)[] = [];
    n.b.registerForwardHook((_m, _i, o) => void seen.push(`fwd ${(o as Tensor).shape}`));
    n.b.registerFullBackwardHook((_m, gi, go) => {
      gin = gi;
      gout = go;
    });
    const x = randn([5, 3]);
    const y = n.forward(x);
    y.sum().backward();
    expect(seen).toEqual(['fwd 5,2']);
    expect(gout[0]!.shape).toEqual([5, 2]);
    expect(gin[0]!.shape).toEqual([5, 4]);
    // dL/d(input of b) = 1·W_b
    const w = n.b.weight.data;
    expect(gin[0]!.data[0]).toBeCloseTo(w[0]! + w[4]!, 5);
  });

  it('loads a state dict in place and reports mismatches', () => {
    const n1 = new Net();
    const n2 = new Net();
    n2.loadStateDict(n1.stateDict());
    expect(Array.from(n2.a.weight.data)).toEqual(Array.from(n1.a.weight.data));
    expect(() => n2.loadStateDict({})).toThrow(/missing keys/);
  });
});
