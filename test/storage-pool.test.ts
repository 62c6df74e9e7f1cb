/**
 * Recycled storage: the pool itself, and the engine giving back only gradients nothing else can
 * see. Every case where something could still hold a gradient (retainGrad, hooks, a custom rule,
 * autograd.grad, createGraph, a leaf's .grad, the user's activations) must keep its values while
 * later ops reuse memory; training with and without the pool must give the same bits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Tensor, autograd, matmul, manualSeed, nn, optim, randn, tanh, relu, mul, sigmoid, sum, add } from '../src/index.js';
import { MIN_FLOATS, giveStorage, pooledStorageBytes, setStoragePool, takeStorage } from '../src/tensor/storage-pool.js';

afterEach(() => void setStoragePool(true));

describe('storage pool', () => {
  it('reuses given-back arrays of the same length, zero-filled unless asked not to', () => {
    setStoragePool(true);
    const a = takeStorage(MIN_FLOATS);
    a.fill(5);
    giveStorage(a);
    expect(pooledStorageBytes()).toBe(MIN_FLOATS * 4);
    const b = takeStorage(MIN_FLOATS);
    expect(b).toBe(a);
    expect(b.every((v) => v === 0)).toBe(true);
    b.fill(7);
    giveStorage(b);
    const c = takeStorage(MIN_FLOATS, false);
    expect(c).toBe(a);
    expect(c[0]).toBe(7);
    expect(pooledStorageBytes()).toBe(0);
    expect(takeStorage(MIN_FLOATS + 4)).not.toBe(a);
  });

  it('keeps neither small arrays, views, shared buffers nor the same array twice', () => {
    setStoragePool(true);
    giveStorage(new Float32Array(MIN_FLOATS - 1));
    giveStorage(new Float32Array(2 * MIN_FLOATS).subarray(0, MIN_FLOATS));
    giveStorage(new Float32Array(new SharedArrayBuffer(MIN_FLOATS * 4)));
    expect(pooledStorageBytes()).toBe(0);
    const a = new Float32Array(MIN_FLOATS);
    giveStorage(a);
    giveStorage(a);
    expect(pooledStorageBytes()).toBe(MIN_FLOATS * 4);
    expect(takeStorage(MIN_FLOATS)).toBe(a);
    expect(takeStorage(MIN_FLOATS)).not.toBe(a);
  });

  it('is off after setStoragePool(false): nothing is kept', () => {
    setStoragePool(false);
    giveStorage(new Float32Array(MIN_FLOATS));
    expect(pooledStorageBytes()).toBe(0);
  });
});

/** A chain of big elementwise ops, so that its intermediate gradients are pooled sizes. */
const big = (): Tensor => randn([64, 128], { requiresGrad: true });

/** Take every pooled array of big()'s size, fill it with NaN and give it back: corrupts anything recycled. */
function scribble(): void {
  const taken: Float32Array[] = [];
  for (let i = 0; i < 64; i++) {
    const a = takeStorage(64 * 128, false);
    a.fill(NaN);
    taken.push(a);
  }
  for (const a of taken) giveStorage(a);
}

describe('the engine recycles dead gradients only', () => {
  it('gives back intermediate gradients of a chain', () => {
    setStoragePool(true);
    const x = big();
    const w = randn([128, 128]);
    // matmul's input gradient is a new array each time; the one it was computed from goes back
    sum(matmul(tanh(matmul(tanh(x), w)), w)).backward();
    expect(pooledStorageBytes()).toBeGreaterThan(0);
    expect(x.grad!.data.length).toBe(64 * 128);
  });

  /** x.grad of f by backward(), and the same gradient by autograd.grad (which never writes over a gradient). */
  function bothWays(x0: Tensor, f: (x: Tensor) => Tensor): [Float32Array, Float32Array] {
    const x = x0.clone().requiresGrad_();
    sum(f(x)).backward();
    const x2 = x0.clone().requiresGrad_();
    const [ref] = autograd.grad(sum(f(x2)), x2);
    return [x.grad!.data, ref!.data];
  }

  it('lets elementwise backwards write over a gradient nothing else sees, with the same bits', () => {
    setStoragePool(true);
    manualSeed(3);
    const w = randn([128, 128]);
    // tanh, relu and sigmoid backwards each take the gradient flowing in as their output
    setStoragePool(false);
    setStoragePool(true);
    const x = randn([64, 128]);
    const f = (t: Tensor): Tensor => matmul(sigmoid(relu(tanh(tanh(matmul(t, w))))), w);
    const [got, want] = bothWays(x, f);
    expect(got).toEqual(want);
    // backward() alone: one buffer flows through the four elementwise backwards and goes back to
    // the pool after the first matmul's (each allocating its own would leave the pool empty)
    setStoragePool(false);
    setStoragePool(true);
    sum(f(x.clone().requiresGrad_())).backward();
    expect(pooledStorageBytes()).toBe(64 * 128 * 4);
    scribble();
    expect(got).toEqual(want);
  });

  it('does not write over a gradient that two consumers share or that is kept', () => {
    setStoragePool(true);
    manualSeed(4);
    const x0 = randn([64, 128]);
    // add's backward hands the same gradient to both branches: neither may overwrite it
    const [got, want] = bothWays(x0, (x) => {
      const a = tanh(tanh(x));
      return add(relu(a), tanh(a));
    });
    expect(got).toEqual(want);
    // a retained gradient is neither overwritten by the rule below it nor recycled
    const x = x0.clone().requiresGrad_();
    const h = tanh(x);
    h.retainGrad();
    sum(tanh(tanh(h))).backward();
    const h2 = tanh(x0.clone().requiresGrad_());
    const [hRef] = autograd.grad(sum(tanh(tanh(h2))), h2);
    expect(h.grad!.data).toEqual(hRef!.data);
    scribble();
    expect(h.grad!.data).toEqual(hRef!.data);
  });

  it('leaves a retained gradient, a hooked one and a leaf gradient intact while memory is reused', () => {
    setStoragePool(true);
    const x = big();
    const h1 = tanh(x);
    h1.retainGrad();
    const h2 = tanh(h1);
    let seen: Tensor | null = null;
    let atHook: Float32Array | null = null;
    h2.registerHook((g) => {
      seen = g;
      atHook = g.data.slice();
    });
    const h3 = tanh(h2);
    sum(h3).backward();
    expect((seen as unknown as Tensor).data).toEqual(atHook);
    const keep = [h1.grad!.data.slice(), atHook!, x.grad!.data.slice()];
    scribble();
    expect(h1.grad!.data).toEqual(keep[0]);
    expect((seen as unknown as Tensor).data).toEqual(keep[1]);
    expect(x.grad!.data).toEqual(keep[2]);
  });

  it('never recycles autograd.grad results, even for non-leaf inputs', () => {
    setStoragePool(true);
    const x = big();
    const a = tanh(x);
    const b = tanh(a);
    const [ga, gb] = autograd.grad(sum(tanh(tanh(b))), [a, b]);
    const copies = [ga!.data.slice(), gb!.data.slice()];
    scribble();
    expect(ga!.data).toEqual(copies[0]);
    expect(gb!.data).toEqual(copies[1]);
  });

  it('never recycles a gradient a custom rule kept, nor a tensor from before the pass that a rule returned', () => {
    setStoragePool(true);
    const x = big();
    let kept: Tensor | null = null;
    const y = tanh(x);
    const z = new Tensor(y.data.slice(), y.shape);
    autograd.record(z, 'keeper', [y], (g) => {
      kept = g;
      return [mul(g, 1)];
    });
    // an activation taken from the pool before the pass, returned as a gradient by a rule
    const act = tanh(randn([64, 128]));
    const actCopy = act.data.slice();
    const u = tanh(x);
    const v = new Tensor(u.data.slice(), u.shape);
    autograd.record(v, 'returnsActivation', [u], () => [act]);
    sum(add(tanh(z), tanh(v))).backward();
    const keptCopy = (kept as unknown as Tensor).data.slice();
    scribble();
    expect((kept as unknown as Tensor).data).toEqual(keptCopy);
    expect(act.data).toEqual(actCopy);
  });

  it('never recycles during backward({ createGraph: true }): the recorded gradients stay differentiable', () => {
    const run = (pool: boolean): Float32Array => {
      setStoragePool(pool);
      manualSeed(5);
      const x = big();
      sum(mul(tanh(tanh(x)), tanh(x))).backward(null, { createGraph: true });
      const g = x.grad!;
      if (pool) scribble();
      const [gg] = autograd.grad(sum(mul(g, g)), x);
      return gg!.data;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('never recycles what a module\'s full backward hook saw, even when the hook replaces it', () => {
    setStoragePool(true);
    const m = new nn.Tanh();
    let keptIn: Tensor | null = null;
    let keptOut: Tensor | null = null;
    let copies: Float32Array[] = [];
    m.registerFullBackwardHook((_mod, gin, gout) => {
      keptIn = gin[0]!;
      keptOut = gout[0]!;
      copies = [keptIn.data.slice(), keptOut.data.slice()];
      return [mul(gin[0]!, 2)];
    });
    const x = big();
    sum(tanh(m.forward(tanh(x)) as Tensor)).backward();
    scribble();
    expect((keptIn as unknown as Tensor).data).toEqual(copies[0]);
    expect((keptOut as unknown as Tensor).data).toEqual(copies[1]);
  });

  it('trains to the same bits with and without the pool (MLP with a residual add and ReLU)', () => {
    const train = (pool: boolean): Float32Array => {
      setStoragePool(pool);
      manualSeed(11);
      const l1 = new nn.Linear(96, 128);
      const l2 = new nn.Linear(128, 128);
      const l3 = new nn.Linear(128, 10);
      const params = [...l1.parameters(), ...l2.parameters(), ...l3.parameters()];
      const opt = new optim.SGD(params, { lr: 0.05 });
      const x = randn([64, 96]);
      for (let i = 0; i < 4; i++) {
        opt.zeroGrad();
        const h = tanh(l1.forward(x) as Tensor);
        const out = l3.forward(add(h, relu(l2.forward(h) as Tensor))) as Tensor;
        sum(mul(out, out)).backward();
        opt.step();
      }
      return l3.weight.data.slice();
    };
    const a = train(true);
    const b = train(false);
    expect(a).toEqual(b);
  });
});
