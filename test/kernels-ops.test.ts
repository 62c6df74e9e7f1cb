/**
 * The op, gradcheck and training suites run on the default backend (wasm where WebAssembly SIMD
 * exists); this file re-runs a representative set of them with the portable backend selected, so
 * both backends pass the same op tests. It also checks that a training run agrees across backends
 * and that thread count does not change a single bit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';

const other = gl.backend().name === 'wasm' ? 'portable' : 'wasm';
const runOther = gl.listBackends().includes(other);

describe.runIf(runOther)(`op suites on the ${other} backend`, async () => {
  let before = '';
  beforeAll(() => {
    before = gl.backend().name;
    gl.setBackend(other);
  });
  afterAll(() => {
    gl.setBackend(before);
  });
  await import('./core.test.js');
  await import('./ops-nn.test.js');
  await import('./ops-nn-conv.test.js');
  await import('./nn-training.test.js');
});

function train(): number[] {
  gl.manualSeed(3);
  const model = new gl.nn.Sequential(
    new gl.nn.Conv2d(1, 4, 3, { padding: 1 }), new gl.nn.ReLU(),
    new gl.nn.Conv2d(4, 8, 3, { stride: 2, padding: 1 }), new gl.nn.Tanh(),
    new gl.nn.Flatten(), new gl.nn.Linear(8 * 5 * 5, 40), new gl.nn.Tanh(), new gl.nn.Linear(40, 3),
  );
  const opt = new gl.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = gl.randn([6, 1, 9, 9]);
  const y = gl.randint(0, 3, [6]);
  const losses: number[] = [];
  for (let i = 0; i < 8; i++) {
    opt.zeroGrad();
    const loss = gl.F.crossEntropy(model.forward(x) as gl.Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

describe('backends agree', () => {
  it('a small CNN+MLP trains to the same losses on every backend (float32 rounding aside)', () => {
    const before = gl.backend().name;
    try {
      const runs = gl.listBackends().map((b) => {
        gl.setBackend(b);
        return train();
      });
      for (const r of runs.slice(1)) for (let i = 0; i < r.length; i++) expect(r[i]).toBeCloseTo(runs[0]![i]!, 4);
    } finally {
      gl.setBackend(before);
    }
  });

  it('wide-MLP losses are bit-identical for 1 and 2 threads', async () => {
    if (!gl.listBackends().includes('wasm')) return;
    const before = gl.backend().name;
    gl.setBackend('wasm');
    const run = (): number[] => {
      gl.manualSeed(5);
      const model = new gl.nn.Sequential(new gl.nn.Linear(300, 256), new gl.nn.Tanh(), new gl.nn.Linear(256, 10));
      const opt = new gl.optim.SGD(model.parameters(), { lr: 0.1 });
      const x = gl.randn([64, 300]);
      const y = gl.randint(0, 10, [64]);
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        const loss = gl.F.crossEntropy(model.forward(x) as gl.Tensor, y);
        loss.backward();
        opt.step();
        out.push(loss.item());
      }
      return out;
    };
    try {
      gl.setNumThreads(1);
      const one = run();
      gl.setNumThreads(2);
      expect(await gl.initThreads()).toBe(2);
      expect(run()).toEqual(one);
    } finally {
      gl.setNumThreads(gl.getNumThreads());
      gl.setBackend(before);
    }
  });

  it('setNumThreads / getNumThreads are exported and default to the core count', () => {
    expect(typeof gl.setNumThreads).toBe('function');
    expect(gl.getNumThreads()).toBeGreaterThanOrEqual(1);
    expect(() => gl.setNumThreads(-1)).toThrow(gl.ValueError);
  });
});
