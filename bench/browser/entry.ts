/**
 * The in-browser side of the Chromium bench (bench/browser.ts bundles this file with esbuild into
 * one script, `globalThis.glbench`, loaded by the page and by a dedicated Worker). The same step
 * closures as the Node bench (bench/models.ts), timed the same way (bench/measure.ts: a warm-up
 * once, then one block per round).
 */
import * as gl from '../../src/index.js';
import { wasmBackend } from '../../src/kernels/index.js';
import { STEP_CASES, glStep } from '../models.js';
import { median, timeBlock, warmUp, setQuick } from '../measure.js';

const steps = new Map<number, () => number>();

/** Select the wasm backend on `threads` threads and start the pool; resolves to the threads GEMM will use. */
async function setup(threads: number, quick: boolean): Promise<number> {
  setQuick(quick);
  gl.setBackend('wasm');
  gl.setNumThreads(threads);
  return gl.initThreads();
}

/** What this context has: isolation, shared memory, fused multiply-add. */
function info(): { isolated: boolean; shared: boolean; fma: boolean; threadable: boolean; cores: number } {
  const w = wasmBackend();
  return {
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    shared: w?.kernels.shared ?? false,
    fma: w?.kernels.fma ?? false,
    threadable: w?.threadable ?? false,
    cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  };
}

/** One block of training steps of case `c` (the closure is made and warmed up on first use). */
function block(c: number): number[] {
  let step = steps.get(c);
  if (step === undefined) {
    step = glStep(STEP_CASES[c]!);
    steps.set(c, step);
    warmUp(step);
  }
  return timeBlock(step);
}

/**
 * Microseconds per `new Float32Array(n)` (lowest block median of 256-array batches: the clock of
 * an isolated page is coarse), the cost the storage pool avoids.
 */
function allocCost(n: number): number {
  let keep: Float32Array[] = [];
  const ts = timeBlock(() => {
    for (let i = 0; i < 256; i++) keep.push(new Float32Array(n));
    keep = [];
  }, { minReps: 20, minTimeMs: 200 });
  return (median(ts) * 1000) / 256;
}

(globalThis as Record<string, unknown>).glbench = { setup, info, block, allocCost, cases: STEP_CASES.map((c) => c.name) };
