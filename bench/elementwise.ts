/**
 * The wasm elementwise kernels against their JavaScript loops, interleaved in one process (this
 * machine's speed drifts, so old and new alternate round by round and medians are compared):
 * ns/element for tanh, tanh backward and the plain SGD update at several sizes, then the MLP
 * 784→512×6→10 b128 SGD step (`glStep`) with the kernels on and off, on 1 and 2 threads.
 *
 *   npx tsx bench/elementwise.ts [rounds] [--steps]     (--steps: only the training step)
 */
import * as gl from '../src/index.js';
import { backend, initThreads, setNumThreads, setWorkerHost } from '../src/kernels/index.js';
import { tanhKernel } from '../src/kernels/portable/tanh.js';
import { elementwiseMin, setElementwiseMin } from '../src/kernels/wasm/elementwise.js';
import { nodeWorkerHost } from '../src/node/threads.js';
import { sgdPlain } from '../src/optim/kernels.js';
import { STEP_CASES, glStep } from './models.js';
import { median } from './measure.js';

const ROUNDS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 31);
const STEPS_ONLY = process.argv.includes('--steps');
const ON = elementwiseMin();
const OFF = Number.MAX_SAFE_INTEGER;

function rnd(n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}

function jsTanhBackward(g: Float32Array, y: Float32Array, d: Float32Array): void {
  for (let i = 0; i < d.length; i++) {
    const v = y[i]!;
    d[i] = g[i]! * (1 - v * v);
  }
}

/** Median ns/element of `fn` with the wasm kernels off (JS) and on, alternating. */
function pair(n: number, fn: () => void, reps: number): [number, number] {
  const t: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS; r++)
    for (const k of [0, 1] as const) {
      setElementwiseMin(k === 0 ? OFF : ON);
      fn();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      t[k].push(((performance.now() - t0) * 1e6) / (reps * n));
    }
  setElementwiseMin(ON);
  return [median(t[0]), median(t[1])];
}

const b = backend();
console.log(`backend ${b.name}; wasm kernels take arrays of ≥ ${ON} elements; ${ROUNDS} rounds`);
if (!STEPS_ONLY) console.log('kernel           n        JS ns/el  wasm ns/el  speed-up');
for (const n of STEPS_ONLY ? [] : [4096, 65536, 262144, 401408]) {
  const x = rnd(n, 3);
  const y = new Float32Array(n);
  const g = rnd(n, 1);
  const w = rnd(n, 0.05);
  const reps = Math.max(1, Math.round(2e6 / n));
  const rows: [string, [number, number]][] = [
    ['tanh', pair(n, () => { if (!b.tanh?.(x, 0, y, 0, n)) tanhKernel(x, 0, y, 0, n); }, reps)],
    ['tanhBackward', pair(n, () => { if (!b.tanhBackward?.(g, x, y, n)) jsTanhBackward(g, x, y); }, reps)],
    ['sgd', pair(n, () => sgdPlain(w, g, 1e-9, 1, 0), reps)],
  ];
  for (const [name, [js, wa]] of rows)
    console.log(`${name.padEnd(16)} ${String(n).padEnd(8)} ${js.toFixed(2).padStart(8)}  ${wa.toFixed(2).padStart(10)}  ${(js / wa).toFixed(2)}×`);
}

setWorkerHost(nodeWorkerHost());
const c = STEP_CASES[0]!;
for (const threads of [1, 2]) {
  setNumThreads(threads);
  const got = await initThreads();
  const step = glStep(c);
  const t: [number[], number[]] = [[], []];
  for (let i = 0; i < 3; i++) step();
  for (let r = 0; r < ROUNDS; r++)
    for (const k of r % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) {
      setElementwiseMin(k === 0 ? OFF : ON);
      const t0 = performance.now();
      step();
      t[k].push(performance.now() - t0);
    }
  setElementwiseMin(ON);
  const [off, on] = [median(t[0]), median(t[1])];
  console.log(`${c.name}, ${got} thread(s): JS elementwise ${off.toFixed(1)} ms, wasm elementwise ${on.toFixed(1)} ms (${(off / on).toFixed(2)}×)`);
}
gl.shutdownThreads();
process.exit(0);
