/**
 * The wasm backend's elementwise kernels (elementwise.wat): tanh, its backward g·(1 − y²), ReLU,
 * its backward and the plain SGD update. Data streams through linear memory in chunks of CHUNK floats, so each chunk is
 * copied in, computed and copied out while it is still in cache, and the memory used stays small.
 * They share the scratch region after PACK_OFFSET with GEMM and im2col, which is safe because
 * kernels run one at a time on the calling thread (a threaded GEMM has returned before the next
 * kernel starts).
 *
 * Large arrays of the kernels whose arithmetic outweighs the copies (tanh, its backward, SGD) are
 * split over the worker pool instead: the whole operands go in at once, each thread takes ranges
 * of whole cache lines, and every range is copied out as soon as it is done (results are the same
 * bits on any thread count: each element is computed alone).
 *
 * Operands that all lie in linear memory (resident: a layer's weights, the tensors of a storage
 * scope) are computed where they lie, without copies or streaming.
 *
 * Arrays shorter than a kernel's minimum are declined (the methods return false) so the caller
 * runs its JavaScript loop: below that the copies and the call cost more than the loop. The
 * minimum is `elementwiseMin()` scaled per kernel by what was measured here: tanh (a costly
 * function in JS) already pays from 1/8 of it (2× faster at 1,024 elements); its backward, two
 * multiplies and a subtraction, only from 4× it (at 4,096 elements it is 0.8× the JS loop); ReLU
 * and its backward from 1/8 of it (3.5× the bit-twiddling JS loops at 4,096, 2.3× at 800k).
 */
import type { WasmKernels } from './instance.js';
import type { Job } from './pool.js';
import { JOB_SGD, JOB_TANH, JOB_TANH_BACKWARD } from './worker-source.js';

/**
 * What the elementwise kernels need from the backend (backend.ts) to run on several threads: how
 * many are worth it, and the pool.
 */
export interface JobRunner {
  /** Threads to use for n elements when each should get at least `perThread` (1: this one only). */
  elementwiseThreads(n: number, perThread: number): number;
  runJobs(jobs: Job[], T: number, prepare?: () => void, done?: (j: Job) => void): void;
}

interface ElementwiseExports {
  tanh(x: number, y: number, n: number): void;
  tanhBackward(g: number, y: number, o: number, n: number): void;
  sgd(w: number, g: number, n: number, lr: number, sign: number, wd: number): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(g: number, y: number, o: number, n: number): void;
}

/** Floats per chunk: 32 KiB per operand, so a chunk's operands stay in L1/L2 between the copies. */
export const CHUNK = 8192;
const CHUNK_BYTES = CHUNK * 4;
/** Two chunk regions at the start of the per-call scratch, 64-byte aligned (whole f32x4 vectors). */
const R1_OFFSET = CHUNK_BYTES;
const REGION_BYTES = 2 * CHUNK_BYTES;

let minElements = 4096;
/** A resident weight's SGD step goes to wasm from this size (only g is copied, so it pays early). */
const RESIDENT_SGD_MIN = 256;
/**
 * Operands that all lie in linear memory (tensors of a storage scope, layer weights) need no
 * copies, so the kernels take them from this size on (below it the call costs more than the loop).
 */
const RESIDENT_MIN = 64;
/** ReLU (forward and backward) takes arrays from minElements / RELU_DIV elements on. */
const RELU_DIV = 8;

/** The smallest array the wasm elementwise kernels take (smaller ones are declined). */
export function elementwiseMin(): number {
  return minElements;
}

/** Set the smallest array the wasm elementwise kernels take; returns the previous value (tests use 0). */
export function setElementwiseMin(n: number): number {
  const prev = minElements;
  minElements = Math.max(0, Math.floor(n));
  return prev;
}

/** Elements per thread at least before a kernel is split over the pool (about 50 µs of tanh each). */
const THREAD_MIN: Record<'tanh' | 'tanhBackward' | 'sgd', number> = { tanh: 16384, tanhBackward: 32768, sgd: 32768 };
/** Ranges per thread at most, and elements per range at least (claiming a job costs about 1 µs). */
const JOBS_PER_THREAD = 4;
const JOB_MIN = 8192;

const align64 = (bytes: number): number => (bytes + 63) & ~63;

/**
 * [lo, hi) element ranges for T threads: a few per thread, each starting on a cache line (16
 * floats) so that no two threads write the same line.
 */
function ranges(n: number, T: number): [number, number][] {
  const count = Math.max(1, Math.min(T * JOBS_PER_THREAD, Math.floor(n / JOB_MIN)));
  const out: [number, number][] = [];
  let lo = 0;
  for (let i = 1; i <= count; i++) {
    const hi = i === count ? n : Math.floor((i * n) / count / 16) * 16;
    if (hi > lo) out.push([lo, hi]);
    lo = Math.max(lo, hi);
  }
  return out;
}

/** a[off..off+n) without a new view when that is all of a. */
export const part = (a: Float32Array, off: number, n: number): Float32Array =>
  off === 0 && a.length === n ? a : a.subarray(off, off + n);

/** Copy heap floats [at + lo, at + lo + m) to out[outOff + lo …). */
function copyOut(k: WasmKernels, at: number, lo: number, m: number, out: Float32Array, outOff: number): void {
  const h = (at >> 2) + lo;
  out.set(k.heapF32.subarray(h, h + m), outOff + lo);
}

/**
 * out[outOff..+n) = tanh(x[xOff..+n)) on T threads: x goes in whole at R0, the ranges are computed
 * in place and copied out as they finish. False when the memory cannot hold x (the caller streams).
 */
function threadedTanh(k: WasmKernels, run: JobRunner, T: number, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean {
  const r0 = k.scratchBase;
  if (!k.ensure(r0 + align64(n * 4) + 64)) return false;
  const jobs = ranges(n, T).map(([lo, hi]): Job => [JOB_TANH, 0, r0 + lo * 4, r0 + lo * 4, hi - lo]);
  run.runJobs(jobs, T, () => k.heapF32.set(part(x, xOff, n), r0 >> 2), (j) => copyOut(k, r0, (j[2]! - r0) >> 2, j[4]!, out, outOff));
  return true;
}

/** out[0..n) = g·(1 − y²) on T threads: g at R0 (overwritten with the result), y after it. */
function threadedTanhBackward(k: WasmKernels, run: JobRunner, T: number, g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
  const r0 = k.scratchBase;
  const r1 = r0 + align64(n * 4) + 64;
  if (!k.ensure(r1 + align64(n * 4) + 64)) return false;
  const jobs = ranges(n, T).map(([lo, hi]): Job => [JOB_TANH_BACKWARD, 0, r0 + lo * 4, r1 + lo * 4, r0 + lo * 4, hi - lo]);
  const prepare = (): void => {
    const heap = k.heapF32;
    heap.set(part(g, 0, n), r0 >> 2);
    heap.set(part(y, 0, n), r1 >> 2);
  };
  run.runJobs(jobs, T, prepare, (j) => copyOut(k, r0, (j[2]! - r0) >> 2, j[5]!, out, 0));
  return true;
}

/**
 * The SGD update of all of w on T threads: lr, sign and wd as f64 at R0, g after them, w updated
 * where it lies when resident (rw ≥ 0), else copied in after g and its ranges copied out.
 */
function threadedSgd(
  k: WasmKernels, run: JobRunner, T: number, w: Float32Array, rw: number, g: Float32Array, lr: number, sign: number, wd: number,
): boolean {
  const n = w.length;
  const r0 = k.scratchBase;
  const r1 = r0 + 64;
  const r2 = r1 + align64(n * 4) + 64;
  if (!k.ensure(rw >= 0 ? r2 : r2 + align64(n * 4) + 64)) return false;
  const at = rw >= 0 ? rw : r2;
  const jobs = ranges(n, T).map(([lo, hi]): Job => [JOB_SGD, 0, at + lo * 4, r1 + lo * 4, hi - lo, r0]);
  const prepare = (): void => {
    new Float64Array(k.memory.buffer, r0, 3).set([lr, sign, wd]);
    const heap = k.heapF32;
    heap.set(part(g, 0, n), r1 >> 2);
    if (rw < 0) heap.set(w, r2 >> 2);
  };
  run.runJobs(jobs, T, prepare, rw >= 0 ? undefined : (j) => copyOut(k, r2, (j[2]! - r2) >> 2, j[4]!, w, 0));
  return true;
}

/** The exports, with the two chunk regions in place; returns R0 (R1 = R0 + R1_OFFSET). */
function regions(k: WasmKernels): number {
  const r0 = k.scratchBase;
  if (!k.ensure(r0 + REGION_BYTES)) throw new RangeError('wasm elementwise: cannot grow the WebAssembly memory');
  return r0;
}

const exportsOf = (k: WasmKernels): ElementwiseExports => k.exports as unknown as ElementwiseExports;

/**
 * out[outOff..+n) = f(x[xOff..+n)) for a one-operand kernel f(src, dst, count), streamed through
 * linear memory a chunk at a time.
 */
function streamUnary(
  k: WasmKernels, f: (src: number, dst: number, m: number) => void,
  x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number,
): void {
  const r0 = regions(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(x.subarray(xOff + i, xOff + i + m), r0 >> 2);
    f(r0, r0, m);
    out.set(heap.subarray(r0 >> 2, (r0 >> 2) + m), outOff + i);
  }
}

/** out[0..n) = f(a, b) for a two-operand kernel f(a, b, dst, count), streamed the same way. */
function streamBinary(
  k: WasmKernels, f: (a: number, b: number, dst: number, m: number) => void,
  a: Float32Array, b: Float32Array, out: Float32Array, n: number,
): void {
  const r0 = regions(k);
  const r1 = r0 + R1_OFFSET;
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(a.subarray(i, i + m), r0 >> 2);
    heap.set(b.subarray(i, i + m), r1 >> 2);
    f(r0, r1, r0, m);
    out.set(heap.subarray(r0 >> 2, (r0 >> 2) + m), i);
  }
}

/** out[outOff..+n) = tanh(x[xOff..+n)); false (nothing written) when n is below the minimum. */
export function wasmTanh(
  k: WasmKernels, run: JobRunner, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number,
): boolean {
  const rx = k.addressOf(x, xOff);
  const ro = k.addressOf(out, outOff);
  if (rx >= 0 && ro >= 0 && n >= RESIDENT_MIN) {
    // both in linear memory (storage-scope.ts): computed where they lie, nothing copied
    const T = run.elementwiseThreads(n, THREAD_MIN.tanh);
    if (T > 1) run.runJobs(ranges(n, T).map(([lo, hi]): Job => [JOB_TANH, 0, rx + lo * 4, ro + lo * 4, hi - lo]), T);
    else exportsOf(k).tanh(rx, ro, n);
    return true;
  }
  if (n < minElements / 8 || n === 0) return false;
  const T = run.elementwiseThreads(n, THREAD_MIN.tanh);
  if (T > 1 && threadedTanh(k, run, T, x, xOff, out, outOff, n)) return true;
  streamUnary(k, exportsOf(k).tanh, x, xOff, out, outOff, n);
  return true;
}

/** out[i] = g[i]·(1 − y[i]²) for i < n, bit-identical to the JavaScript loop; false when declined. */
export function wasmTanhBackward(k: WasmKernels, run: JobRunner, g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
  const rg = k.addressOf(g, 0);
  const ry = k.addressOf(y, 0);
  const ro = k.addressOf(out, 0);
  if (rg >= 0 && ry >= 0 && ro >= 0 && n >= RESIDENT_MIN) {
    const T = run.elementwiseThreads(n, THREAD_MIN.tanhBackward);
    if (T > 1) run.runJobs(ranges(n, T).map(([lo, hi]): Job => [JOB_TANH_BACKWARD, 0, rg + lo * 4, ry + lo * 4, ro + lo * 4, hi - lo]), T);
    else exportsOf(k).tanhBackward(rg, ry, ro, n);
    return true;
  }
  if (n < minElements * 4 || n === 0) return false;
  const T = run.elementwiseThreads(n, THREAD_MIN.tanhBackward);
  if (T > 1 && threadedTanhBackward(k, run, T, g, y, out, n)) return true;
  streamBinary(k, exportsOf(k).tanhBackward, g, y, out, n);
  return true;
}

/**
 * Plain SGD in place over all of w: θ ← θ − lr·(sign·g + wd·θ), the wd term only when wd ≠ 0;
 * bit-identical to the JavaScript loops. A resident w (a layer weight: resident.ts) is updated
 * where it lies, so only g is copied in and any size pays; otherwise w goes in and out too and
 * arrays below the minimum are declined (false).
 */
export function wasmSgdStep(
  k: WasmKernels, run: JobRunner, w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number,
): boolean {
  const n = w.length;
  const rw = k.addressOf(w, 0);
  if (n === 0 || n < (rw >= 0 ? RESIDENT_SGD_MIN : minElements)) return false;
  const rg = rw >= 0 ? k.addressOf(g, 0) : -1;
  if (rg >= 0) {
    // weight and gradient both in linear memory: updated in place, nothing copied
    const T = run.elementwiseThreads(n, THREAD_MIN.sgd);
    if (T > 1) {
      const r0 = k.scratchBase;
      if (!k.ensure(r0 + 64)) return false;
      const jobs = ranges(n, T).map(([lo, hi]): Job => [JOB_SGD, 0, rw + lo * 4, rg + lo * 4, hi - lo, r0]);
      run.runJobs(jobs, T, () => void new Float64Array(k.memory.buffer, r0, 3).set([lr, sign, wd]));
    } else exportsOf(k).sgd(rw, rg, n, lr, sign, wd);
    return true;
  }
  const T = run.elementwiseThreads(n, THREAD_MIN.sgd);
  if (T > 1 && threadedSgd(k, run, T, w, rw, g, lr, sign, wd)) return true;
  const e = exportsOf(k);
  const r0 = regions(k);
  const r1 = r0 + R1_OFFSET;
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(g.subarray(i, i + m), r1 >> 2);
    if (rw >= 0) {
      e.sgd(rw + i * 4, r1, m, lr, sign, wd);
      continue;
    }
    heap.set(w.subarray(i, i + m), r0 >> 2);
    e.sgd(r0, r1, m, lr, sign, wd);
    w.set(heap.subarray(r0 >> 2, (r0 >> 2) + m), i);
  }
  return true;
}

/** out[i] = max(x[i], 0) for i < n (NaN passes), bit-identical to the JavaScript loop; false when declined. */
export function wasmRelu(k: WasmKernels, x: Float32Array, out: Float32Array, n: number): boolean {
  const rx = k.addressOf(x, 0);
  const ro = k.addressOf(out, 0);
  if (rx >= 0 && ro >= 0 && n >= RESIDENT_MIN) {
    exportsOf(k).relu(rx, ro, n);
    return true;
  }
  if (n < minElements / RELU_DIV || n === 0) return false;
  streamUnary(k, exportsOf(k).relu, x, 0, out, 0, n);
  return true;
}

/** out[i] = g[i] where y[i] > 0 or is NaN, else +0, bit-identical to the JavaScript loop; false when declined. */
export function wasmReluBackward(k: WasmKernels, g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
  const rg = k.addressOf(g, 0);
  const ry = k.addressOf(y, 0);
  const ro = k.addressOf(out, 0);
  if (rg >= 0 && ry >= 0 && ro >= 0 && n >= RESIDENT_MIN) {
    exportsOf(k).reluBackward(rg, ry, ro, n);
    return true;
  }
  if (n < minElements / RELU_DIV || n === 0) return false;
  streamBinary(k, exportsOf(k).reluBackward, g, y, out, n);
  return true;
}
