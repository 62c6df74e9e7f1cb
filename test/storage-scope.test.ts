/**
 * Steady-state training allocates nothing: 100 steps of an MLP, a CNN with BatchNorm and an RNN
 * (forward, loss, backward, clipping, optimizer step; with and without a doctor probe whose steps
 * are unrecorded) inside `storageScope` take every array from the pool after warm-up, counted by
 * the engine's allocator (storageStats: new arrays, wasm memory growth, scratch growth). And reuse
 * never corrupts what a user holds: activations, gradients, a detach()ed output and a tensor read
 * through .data keep their values over later steps, with and without a scope; a tensor released
 * by a scope throws instead of showing reused memory. Every backend, threads on and off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { resetStorageStats, storageStats } from '../src/tensor/storage-pool.js';
import { keepStorage, storageScope } from '../src/tensor/storage-scope.js';

type Model = { model: gl.nn.Module; x: gl.Tensor; y: gl.Tensor; run: (m: gl.nn.Module, x: gl.Tensor) => gl.Tensor };

function mlp(): Model {
  gl.manualSeed(3);
  const { nn } = gl;
  const layers: gl.nn.Module[] = [new nn.Linear(32, 128), new nn.Tanh()];
  for (let i = 0; i < 3; i++) layers.push(new nn.Linear(128, 128), new nn.Tanh());
  layers.push(new nn.Linear(128, 10));
  return { model: new nn.Sequential(...layers), x: gl.randn([64, 32]), y: gl.randint(0, 10, [64]), run: (m, x) => m.forward(x) as gl.Tensor };
}

function cnn(): Model {
  gl.manualSeed(4);
  const { nn } = gl;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
    new nn.Conv2d(8, 16, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(16 * 4 * 4, 10),
  );
  return { model, x: gl.randn([16, 1, 16, 16]), y: gl.randint(0, 10, [16]), run: (m, x) => m.forward(x) as gl.Tensor };
}

function rnn(): Model {
  gl.manualSeed(5);
  const { nn } = gl;
  const model = new nn.Sequential(new nn.RNN(8, 32), new nn.Linear(32, 10));
  const rnnLayer = [...model.children()][0] as gl.nn.RNN;
  const head = [...model.children()][1] as gl.nn.Linear;
  // x: [T=12, N=16, 8]; the head reads the last hidden state
  const run = (_m: gl.nn.Module, x: gl.Tensor): gl.Tensor => {
    const [, h] = rnnLayer.forward(x);
    return head.forward(h.reshape([16, 32])) as gl.Tensor;
  };
  return { model, x: gl.randn([12, 16, 8]), y: gl.randint(0, 10, [16]), run };
}

/**
 * How many Float32Arrays with storage of their own (not views of an existing buffer) `fn` makes,
 * counted by standing in for the global constructor while it runs.
 */
function countNewArrays(fn: () => void): number {
  const Real = globalThis.Float32Array;
  let n = 0;
  globalThis.Float32Array = new Proxy(Real, {
    construct(target, args, newTarget) {
      const a0 = args[0] as unknown;
      if (!(a0 instanceof ArrayBuffer) && !(typeof SharedArrayBuffer !== 'undefined' && a0 instanceof SharedArrayBuffer)) n++;
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  try {
    fn();
  } finally {
    globalThis.Float32Array = Real;
  }
  return n;
}

const MODELS: [string, () => Model][] = [['MLP', mlp], ['CNN with BatchNorm', cnn], ['RNN', rnn]];

/** One training step, as a user writes it; returns the loss. */
function makeStep(m: Model, probe: boolean): { step: () => number; done: () => void } {
  const opt = new gl.optim.SGD(m.model.parameters(), { lr: 0.01, momentum: 0.9 });
  // a probe that records step 0 only (warm-up): the measured steps are its unrecorded ones
  const p = probe ? new gl.Probe(m.model, { optimizer: opt, every: 1_000_000 }) : null;
  const step = (): number => {
    opt.zeroGrad({ setToNone: false });
    const loss = gl.F.crossEntropy(m.run(m.model, m.x), m.y);
    loss.backward();
    gl.nn.utils.clipGradNorm_(m.model.parameters(), 1.0);
    opt.step();
    p?.step({ loss, optimizer: opt });
    return loss.item();
  };
  return { step, done: () => p?.detach() };
}

const configs: [string, string, number][] = [];
for (const b of gl.listBackends()) configs.push([b, `${b}`, 1]);
if (gl.listBackends().includes('wasm')) configs.push(['wasm', 'wasm, 2 threads', 2]);

const before = { backend: gl.backend().name, threads: gl.getNumThreads() };
afterAll(() => {
  gl.setBackend(before.backend);
  gl.setNumThreads(before.threads);
});

async function use(backend: string, threads: number): Promise<void> {
  gl.setBackend(backend);
  gl.setNumThreads(threads);
  if (threads > 1) await gl.initThreads();
}

describe.each(configs)('no allocation per step (%s)', (backend, _label, threads) => {
  for (const [name, make] of MODELS)
    for (const probe of [false, true])
      it(`${name}${probe ? ' with a probe' : ''}: 100 steps take every array from the pool`, async () => {
        await use(backend, threads);
        const m = make();
        const { step, done } = makeStep(m, probe);
        const losses: number[] = [];
        for (let i = 0; i < 5; i++) losses.push(storageScope(step));
        resetStorageStats();
        const raw = countNewArrays(() => {
          for (let i = 0; i < 100; i++) losses.push(storageScope(step));
        });
        const s = storageStats();
        done();
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(s.allocations, `${s.allocatedBytes} bytes in ${s.allocations} allocations`).toBe(0);
        // and nothing went around the allocator: no Float32Array with storage of its own was made
        expect(raw, 'new Float32Array storage outside the allocator').toBe(0);
        expect(s.reused).toBeGreaterThan(0);
      });

  it('a scope changes no result: the same losses with and without it', async () => {
    await use(backend, threads);
    const run = (scoped: boolean): number[] => {
      const m = mlp();
      const { step } = makeStep(m, false);
      return Array.from({ length: 8 }, () => (scoped ? storageScope(step) : step()));
    };
    expect(run(true)).toEqual(run(false));
  });
});

/** Values a user holds after step 0, and what they were then. */
function holdAndCheck(scoped: boolean): void {
  const m = mlp();
  const opt = new gl.optim.SGD(m.model.parameters(), { lr: 0.05 });
  const first = [...m.model.children()][0] as gl.nn.Linear;
  const held: { what: string; t: gl.Tensor; values: number[] }[] = [];
  let rawArray: Float32Array | null = null;
  let rawValues: number[] = [];
  let released: gl.Tensor | null = null;
  let activation: gl.Tensor | null = null;
  const hook = first.registerForwardHook((_mod, _inp, out) => {
    activation = out as gl.Tensor;
  });
  const step = (hold: boolean): number => {
    opt.zeroGrad();
    const out = m.run(m.model, m.x);
    const loss = gl.F.crossEntropy(out, m.y);
    loss.backward();
    opt.step();
    if (hold) {
      const hidden = activation!.tanh();
      const keep = (what: string, t: gl.Tensor): void => {
        if (scoped) keepStorage(t);
        held.push({ what, t, values: Array.from(t.data) });
      };
      keep('activation (forward hook)', activation!);
      keep('a later activation', hidden);
      keep('gradient of a weight', first.weight.grad!);
      keep('detach()ed output', out.detach());
      keep('loss', loss);
      rawArray = out.data;
      rawValues = Array.from(rawArray);
      if (scoped) released = hidden.tanh();
    }
    return loss.item();
  };
  // the held tensors come from step 0; scoped, the array read through .data is returned with `out`
  if (scoped) storageScope(() => step(true));
  else step(true);
  for (let i = 0; i < 20; i++) (scoped ? storageScope(() => step(false)) : step(false));
  hook.remove();
  for (const h of held) expect(Array.from(h.t.data), h.what).toEqual(h.values);
  expect(Array.from(rawArray!), 'array read through .data').toEqual(rawValues);
  if (scoped) expect(() => released!.data, 'a tensor the scope released').toThrow(/storageScope/);
}

describe.each(configs)('what a user holds never changes (%s)', (backend, _label, threads) => {
  it('without a scope: activations, gradients, a detach()ed output, an array read through .data', async () => {
    await use(backend, threads);
    holdAndCheck(false);
  });
  it('in a scope: kept tensors keep their values, a released one throws', async () => {
    await use(backend, threads);
    holdAndCheck(true);
  });
});

describe('scopes and the doctor', () => {
  it('a probe that records steps (Jacobians included) works inside scopes, with Adam', () => {
    gl.manualSeed(1);
    const { nn } = gl;
    const model = new nn.Sequential(new nn.Linear(16, 64), new nn.Tanh(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 4));
    const opt = new gl.optim.Adam(model.parameters(), { lr: 0.01 });
    const probe = new gl.Probe(model, { optimizer: opt, every: 2, jacobian: { enabled: true, every: 4, samples: 1, batch: 8 } });
    const x = gl.randn([32, 16]);
    const y = gl.randint(0, 4, [32]);
    for (let i = 0; i < 12; i++)
      storageScope(() => {
        opt.zeroGrad({ setToNone: false });
        const loss = gl.F.crossEntropy(model.forward(x) as gl.Tensor, y);
        loss.backward();
        gl.nn.utils.clipGradNorm_(model.parameters(), 1.0);
        opt.step();
        probe.step({ loss, optimizer: opt });
      });
    probe.detach();
    expect(probe.records.length).toBe(6);
    expect(Array.isArray(probe.findings())).toBe(true);
  });
});

describe('reuse inside backward', () => {
  it('an add that hands one gradient to both inputs keeps both (residual chain: every factor is 1 + σ′ ≥ 1)', () => {
    // y_{l+1} = y_l + σ(y_l), 12 times; dy/dx = Π (1 + σ′(y_l)) elementwise, computed here in float64
    gl.manualSeed(2);
    const x = gl.randn([64, 128], { requiresGrad: true });
    let y: gl.Tensor = x;
    for (let l = 0; l < 12; l++) y = y.add(y.sigmoid());
    y.sum().backward();
    const xs = x.data;
    const g = x.grad!.data;
    for (let i = 0; i < xs.length; i += 97) {
      let v = xs[i]!;
      let d = 1;
      for (let l = 0; l < 12; l++) {
        const s = 1 / (1 + Math.exp(-v));
        d *= 1 + s * (1 - s);
        v = Math.fround(v + Math.fround(s));
      }
      expect(g[i]! / d).toBeCloseTo(1, 4);
    }
  });
});

describe('arguments', () => {
  it('typed errors for a wrong kind of argument', () => {
    expect(() => storageScope(5 as unknown as () => number)).toThrow(gl.ValueError);
    expect(() => keepStorage({} as unknown as gl.Tensor)).toThrow(gl.ValueError);
    expect(() => gl.setStoragePool('yes' as unknown as boolean)).toThrow(gl.ValueError);
    expect(() => storageScope(async () => 1)).toThrow(/Promise/);
  });
});
