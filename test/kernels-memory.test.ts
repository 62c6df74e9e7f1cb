/**
 * No allocation storms that outlive a step: after warm-up, 1,000 training steps of the small MLP
 * (784→64×6 tanh→10, batch 32, SGD) leave the JS heap, the ArrayBuffer total and the wasm
 * kernels' linear memory where they were (measured after a full GC). Memory only, never time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';
import { wasmBackend } from '../src/kernels/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function collect(): { heap: number; buffers: number; wasm: number } {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, wasm: wasmBackend()?.kernels.memory.buffer.byteLength ?? 0 };
}

describe('memory over 1,000 MLP steps', () => {
  // the default backend (wasm where available); the portable one allocates the same tensors
  for (const name of [gl.backend().name])
    it(`does not grow (${name} backend)`, () => {
      const before = gl.backend().name;
      gl.setBackend(gl.listBackends().includes(name) ? name : 'portable');
      try {
        gl.manualSeed(1);
        const layers: gl.nn.Module[] = [new gl.nn.Linear(784, 64), new gl.nn.Tanh()];
        for (let i = 1; i < 6; i++) layers.push(new gl.nn.Linear(64, 64), new gl.nn.Tanh());
        layers.push(new gl.nn.Linear(64, 10));
        const model = new gl.nn.Sequential(...layers);
        const opt = new gl.optim.SGD(model.parameters(), { lr: 0.01 });
        const x = gl.randn([32, 784]);
        const y = gl.randint(0, 10, [32]);
        const step = (): number => {
          opt.zeroGrad();
          const loss = gl.F.crossEntropy(model.forward(x) as gl.Tensor, y);
          loss.backward();
          opt.step();
          return loss.item();
        };
        for (let i = 0; i < 100; i++) step();
        const m0 = collect();
        let last = 0;
        for (let i = 0; i < 1000; i++) last = step();
        const m1 = collect();
        expect(Number.isFinite(last)).toBe(true);
        expect(m1.heap - m0.heap, 'JS heap growth (bytes)').toBeLessThan(2 << 20);
        expect(m1.buffers - m0.buffers, 'ArrayBuffer growth (bytes)').toBeLessThan(1 << 20);
        expect(m1.wasm, 'wasm linear memory (bytes)').toBe(m0.wasm);
      } finally {
        gl.setBackend(before);
      }
    });
});
