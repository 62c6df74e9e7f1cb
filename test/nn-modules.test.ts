import { describe, expect, it } from 'vitest';
import {
  Generator,
  Module,
  ShapeError,
  Tensor,
  ValueError,
  manualSeed,
  nn,
  randn,
  tensor,
  zeros,
  F,
} from '../src/index.js';

const { Linear, Identity, Flatten, Unflatten, Sequential, ModuleList, ModuleDict, ReLU, Tanh, Dropout, Residual } = nn;

describe('Linear', () => {
  it('has PyTorch shapes, names, repr and U(±1/√fan_in) init', () => {
    const l = new Linear(400, 300, { generator: new Generator(1) });
    expect(l.weight.shape).toEqual([300, 400]);
    expect(l.bias!.shape).toEqual([300]);
    expect(Object.keys(l.stateDict())).toEqual(['weight', 'bias']);
    expect(l.toString()).toBe('Linear(in_features=400, out_features=300, bias=True)');
    const bound = 1 / Math.sqrt(400);
    for (const t of [l.weight, l.bias!]) {
      let mx = 0;
      let s2 = 0;
      for (const v of t.data) {
        mx = Math.max(mx, Math.abs(v));
        s2 += v * v;
      }
      expect(mx).toBeLessThanOrEqual(bound);
      // U(−b, b) has variance b²/3; the sample variance of n draws is within a few σ of it
      const n = t.data.length;
      const varU = (bound * bound) / 3;
      expect(Math.abs(s2 / n - varU)).toBeLessThan((5 * varU * Math.sqrt(0.8)) / Math.sqrt(n));
    }
  });

  it('is deterministic under a generator and works without bias', () => {
    const a = new Linear(3, 4, { generator: new Generator(7) });
    const b = new Linear(3, 4, { generator: new Generator(7) });
    expect([...a.weight.data]).toEqual([...b.weight.data]);
    const nb = new Linear(3, 2, { bias: false });
    expect(nb.bias).toBeNull();
    expect(Object.keys(nb.stateDict())).toEqual(['weight']);
    expect(nb.toString()).toBe('Linear(in_features=3, out_features=2, bias=False)');
    expect(nb.forward(randn([5, 3])).shape).toEqual([5, 2]);
  });

  it('rejects bad sizes and bad input with typed errors', () => {
    expect(() => new Linear(-1, 3)).toThrow(ValueError);
    expect(() => new Linear(2.5, 3)).toThrow(/inFeatures/);
    const l = new Linear(4, 2);
    expect(() => l.forward(randn([3, 5]))).toThrow(ShapeError);
    expect(() => l.forward(randn([3, 5]))).toThrow(/5 features.*expects 4/);
  });
});

describe('Identity, Flatten, Unflatten', () => {
  it('reshape as PyTorch does', () => {
    const x = randn([2, 3, 4, 5]);
    expect(new Identity().forward(x)).toBe(x);
    expect(new Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new Flatten(0, 2).forward(x).shape).toEqual([24, 5]);
    expect(new Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(new Unflatten(1, [3, -1]).forward(randn([2, 12])).shape).toEqual([2, 3, 4]);
    expect(new Unflatten(1, [2, 5]).toString()).toBe('Unflatten(dim=1, unflattened_size=(2, 5))');
    expect(() => new Unflatten(1, [5, 5]).forward(randn([2, 12]))).toThrow(ShapeError);
    expect(() => new Unflatten(1, [])).toThrow(ValueError);
    expect(() => new Flatten(0.5)).toThrow(ValueError);
  });
});

describe('Sequential', () => {
  it('names children 0,1,…, indexes, iterates, appends, inserts, slices', () => {
    manualSeed(0);
    const s = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(s.length).toBe(3);
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(s[0]).toBeInstanceOf(Linear);
    expect(s.at(-1)).toBe(s[2]);
    expect([...s].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    const y = s.forward(randn([5, 3]));
    expect(y.shape).toEqual([5, 2]);
    s.append(new Tanh());
    expect(s.length).toBe(4);
    s.insert(1, new Identity());
    expect([...s].map((m) => m.constructor.name)).toEqual(['Linear', 'Identity', 'ReLU', 'Linear', 'Tanh']);
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    const popped = s.pop(1);
    expect(popped).toBeInstanceOf(Identity);
    expect(s.slice(0, 2).length).toBe(2);
    expect(s.toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n  (1): ReLU()\n' +
        '  (2): Linear(in_features=4, out_features=2, bias=True)\n  (3): Tanh()\n)',
    );
  });

  it('keeps more than ten children in numeric order and supports named children', () => {
    const s = new Sequential(...Array.from({ length: 12 }, (_, i) => new Linear(1, 1, { bias: i % 2 === 0 })));
    expect([...s.namedChildren()].map(([k]) => k)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    const named = Sequential.fromEntries([['fc', new Linear(2, 3)], ['act', new ReLU()]]);
    expect(Object.keys(named.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(() => Sequential.fromEntries([['a.b', new ReLU()]])).toThrow(ValueError);
  });

  it('rejects non-modules and bad indices', () => {
    expect(() => new Sequential((() => 1) as unknown as Module)).toThrow(/wrap it in a Module/);
    const s = new Sequential(new ReLU());
    expect(() => s.at(3)).toThrow(ValueError);
    expect(() => s.insert(5, new ReLU())).toThrow(ValueError);
  });

  it('runs hooks of the container and its children', () => {
    const s = new Sequential(new Linear(2, 2), new Tanh());
    const seen: string[] = [];
    s.registerForwardHook(() => void seen.push('seq'));
    s.at(1).registerForwardHook(() => void seen.push('tanh'));
    s.forward(randn([1, 2]));
    expect(seen).toEqual(['tanh', 'seq']);
  });
});

describe('ModuleList and ModuleDict', () => {
  it('ModuleList registers, extends, inserts and iterates', () => {
    const l = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    l.extend([new ReLU()]);
    l.insert(0, new Linear(1, 2));
    expect(l.length).toBe(4);
    expect(Object.keys(l.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']);
    expect(() => (l as unknown as { forward(): void }).forward()).toThrow(ValueError);
    class Net extends Module {
      layers = new ModuleList([new Linear(3, 3), new Linear(3, 1)]);
      forward(x: Tensor): Tensor {
        for (const m of this.layers) x = m.forward(x);
        return x;
      }
    }
    const n = new Net();
    expect([...n.namedParameters()].map(([k]) => k)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    expect(n.forward(randn([2, 3])).shape).toEqual([2, 1]);
  });

  it('ModuleDict keeps insertion order even for numeric-looking keys', () => {
    const d = new ModuleDict([['10', new Linear(1, 1)], ['2', new Linear(1, 1)], ['keys', new Linear(1, 1)]]);
    expect([...d.keys()]).toEqual(['10', '2', 'keys']);
    expect(Object.keys(d.stateDict())).toEqual(['10.weight', '10.bias', '2.weight', '2.bias', 'keys.weight', 'keys.bias']);
    expect(typeof d.keys).toBe('function');
    d.set('act', new ReLU());
    expect(d.get('act')).toBeInstanceOf(ReLU);
    expect(d.has('2')).toBe(true);
    expect(d.pop('2')).toBeInstanceOf(Linear);
    expect([...d]).toEqual(['10', 'keys', 'act']);
    expect(() => d.pop('nope')).toThrow(/no module named 'nope'/);
    expect(() => d.set('x', 3 as unknown as Module)).toThrow(ValueError);
  });
});

describe('activations as modules', () => {
  it('print like PyTorch and validate their options', () => {
    expect(new nn.LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new nn.ELU().toString()).toBe('ELU(alpha=1.0)');
    expect(new nn.GELU().toString()).toBe("GELU(approximate='none')");
    expect(new nn.Softplus().toString()).toBe('Softplus(beta=1, threshold=20)');
    expect(new nn.Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(new nn.Hardtanh().toString()).toBe('Hardtanh(min_val=-1.0, max_val=1.0)');
    expect(() => new nn.GELU({ approximate: 'fast' as 'tanh' })).toThrow(ValueError);
    expect(() => new nn.LeakyReLU(NaN)).toThrow(ValueError);
    expect(() => new nn.Softplus({ beta: 0 })).toThrow(ValueError);
    expect(() => new nn.Hardtanh(1, -1)).toThrow(ValueError);
    expect(() => new nn.Softmax(0.5)).toThrow(ValueError);
  });

  it('Softmax without dim follows PyTorch\'s implicit rule', () => {
    const x = randn([2, 3]);
    const y = new nn.Softmax().forward(x);
    expect([...y.data]).toEqual([...F.softmax(x, 1).data]);
  });
});

describe('Dropout', () => {
  it('drops with probability p and rescales while training; identity in eval', () => {
    const d = new Dropout(0.3, { generator: new Generator(3) });
    const x = tensor(new Float32Array(20000).fill(1));
    const y = d.forward(x);
    let zerosN = 0;
    for (const v of y.data) {
      if (v === 0) zerosN++;
      else expect(v).toBeCloseTo(1 / 0.7, 5);
    }
    // binomial: mean 0.3n, σ = √(n·0.3·0.7)
    const n = 20000;
    expect(Math.abs(zerosN - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.21));
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(d.toString()).toBe('Dropout(p=0.3, inplace=False)');
    expect(() => new Dropout(1.5)).toThrow(ValueError);
  });
});

describe('loss modules', () => {
  it('hold their options, register class weights as buffers and validate', () => {
    const w = tensor([1, 2, 3]);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(ce.toString()).toBe('CrossEntropyLoss(label_smoothing=0.1)');
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tensor([2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(new nn.MSELoss({ reduction: 'sum' }).toString()).toBe("MSELoss(reduction='sum')");
    expect(() => new nn.MSELoss({ reduction: 'avg' as 'mean' })).toThrow(ValueError);
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 2 })).toThrow(ValueError);
    expect(() => new nn.NLLLoss({ weight: [1, 2] as unknown as Tensor })).toThrow(ValueError);
    expect(() => new nn.HuberLoss({ delta: 0 })).toThrow(ValueError);
    expect(() => new nn.MSELoss().forward(randn([2, 3]), randn([3, 2]))).toThrow();
  });
});

describe('Residual', () => {
  it('adds the shortcut and propagates gradient through both paths', () => {
    const lin = new Linear(4, 4, { bias: false });
    lin.weight.data.fill(0);
    const r = new Residual(lin);
    const x = randn([2, 4], { requiresGrad: true });
    const y = r.forward(x);
    expect([...y.data]).toEqual([...x.data]);
    y.sum().backward();
    expect([...x.grad!.data]).toEqual(new Array(8).fill(1));
    expect(Object.keys(r.stateDict())).toEqual(['fn.weight']);
  });

  it('uses a projection when given and explains a shape mismatch without one', () => {
    const r = new Residual(new Linear(4, 6), { projection: new Linear(4, 6, { bias: false }) });
    expect(r.forward(randn([3, 4])).shape).toEqual([3, 6]);
    const bad = new Residual(new Linear(4, 6));
    expect(() => bad.forward(randn([3, 4]))).toThrow(ShapeError);
    expect(() => bad.forward(randn([3, 4]))).toThrow(/projection/);
    expect(() => new Residual((() => 0) as unknown as Module)).toThrow(ValueError);
    expect(zeros([1]).shape).toEqual([1]);
  });
});
