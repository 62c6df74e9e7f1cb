/**
 * The wasm backend's elementwise kernels (elementwise.wat): tanh, its backward g·(1 − y²), ReLU,
 * its backward and the plain SGD update. Data streams through linear memory in chunks of CHUNK floats, so each chunk is
 * copied in, computed and copied out while it is still in cache, and the memory used stays small.
 * They share the scratch region after PACK_OFFSET with GEMM and im2col, which is safe because
 * kernels run one at a time on the calling thread (a threaded GEMM has returned before the next
 * kernel starts).
 *
 * Arrays shorter than a kernel's minimum are declined (the methods return false) so the caller
 * runs its JavaScript loop: below that the copies and the call cost more than the loop. The
 * minimum is `elementwiseMin()` scaled per kernel by what was measured here: tanh (a costly
 * function in JS) already pays from 1/8 of it (2× faster at 1,024 elements); its backward, two
 * multiplies and a subtraction, only from 4× it (at 4,096 elements it is 0.8× the JS loop); ReLU
 * and its backward from 1/8 of it (3.5× the bit-twiddling JS loops at 4,096, 2.3× at 800k).
 */
import { PACK_OFFSET, type WasmKernels } from './instance.js';

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
/** Two chunk regions, 16-byte aligned (the kernels read and write whole f32x4 vectors). */
const R0 = PACK_OFFSET;
const R1 = R0 + CHUNK_BYTES;
const END = R1 + CHUNK_BYTES;

let minElements = 4096;
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

function exportsOf(k: WasmKernels): ElementwiseExports {
  if (!k.ensure(END)) throw new RangeError('wasm elementwise: cannot grow the WebAssembly memory');
  return k.exports as unknown as ElementwiseExports;
}

/** out[outOff..+n) = tanh(x[xOff..+n)); false (nothing written) when n is below the minimum. */
export function wasmTanh(k: WasmKernels, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean {
  if (n < minElements / 8 || n === 0) return false;
  const e = exportsOf(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(x.subarray(xOff + i, xOff + i + m), R0 >> 2);
    e.tanh(R0, R0, m);
    out.set(heap.subarray(R0 >> 2, (R0 >> 2) + m), outOff + i);
  }
  return true;
}

/** out[i] = g[i]·(1 − y[i]²) for i < n, bit-identical to the JavaScript loop; false when declined. */
export function wasmTanhBackward(k: WasmKernels, g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
  if (n < minElements * 4 || n === 0) return false;
  const e = exportsOf(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(g.subarray(i, i + m), R0 >> 2);
    heap.set(y.subarray(i, i + m), R1 >> 2);
    e.tanhBackward(R0, R1, R0, m);
    out.set(heap.subarray(R0 >> 2, (R0 >> 2) + m), i);
  }
  return true;
}

/**
 * Plain SGD in place over all of w: θ ← θ − lr·(sign·g + wd·θ), the wd term only when wd ≠ 0;
 * bit-identical to the JavaScript loops. False when declined.
 */
export function wasmSgdStep(k: WasmKernels, w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): boolean {
  const n = w.length;
  if (n < minElements || n === 0) return false;
  const e = exportsOf(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(w.subarray(i, i + m), R0 >> 2);
    heap.set(g.subarray(i, i + m), R1 >> 2);
    e.sgd(R0, R1, m, lr, sign, wd);
    w.set(heap.subarray(R0 >> 2, (R0 >> 2) + m), i);
  }
  return true;
}

/** out[i] = max(x[i], 0) for i < n (NaN passes), bit-identical to the JavaScript loop; false when declined. */
export function wasmRelu(k: WasmKernels, x: Float32Array, out: Float32Array, n: number): boolean {
  if (n < minElements / RELU_DIV || n === 0) return false;
  const e = exportsOf(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(x.subarray(i, i + m), R0 >> 2);
    e.relu(R0, R0, m);
    out.set(heap.subarray(R0 >> 2, (R0 >> 2) + m), i);
  }
  return true;
}

/** out[i] = g[i] where y[i] > 0 or is NaN, else +0, bit-identical to the JavaScript loop; false when declined. */
export function wasmReluBackward(k: WasmKernels, g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
  if (n < minElements / RELU_DIV || n === 0) return false;
  const e = exportsOf(k);
  const heap = k.heapF32;
  for (let i = 0; i < n; i += CHUNK) {
    const m = Math.min(CHUNK, n - i);
    heap.set(g.subarray(i, i + m), R0 >> 2);
    heap.set(y.subarray(i, i + m), R1 >> 2);
    e.reluBackward(R0, R1, R0, m);
    out.set(heap.subarray(R0 >> 2, (R0 >> 2) + m), i);
  }
  return true;
}
