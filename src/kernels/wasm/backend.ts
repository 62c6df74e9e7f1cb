/**
 * The WebAssembly SIMD backend: GEMM (NN, NT, TN, TT) with packing and a 4×8 f32x4 micro-kernel,
 * im2col/col2im, and a worker pool for large products. Operands are copied into the module's
 * linear memory (grown on demand and reused), so copies are O(inputs) and compute O(M·N·K).
 */
import type { Backend, Conv2dGeometry, ConvGeometry } from '../backend.js';
import { conv2dBackward, conv2dForward } from './conv.js';
import { part, wasmRelu, wasmReluBackward, wasmSgdStep, wasmTanh, wasmTanhBackward, type JobRunner } from './elementwise.js';
import { GEOM_OFFSET, MAX_THREADS, PACK_A_BYTES, PACK_BYTES, TMP_OFFSET, WasmKernels, writeGeometry } from './instance.js';
import { KernelPool, getNumThreads, getWorkerHost, runJobsHere, type Job, type Progress } from './pool.js';
import { MR, NR, gemmJobs } from './gemm-jobs.js';

/** Products smaller than this many multiply-adds stay on one thread (waking workers costs ~10 µs). */
export const THREAD_MIN_WORK = 1 << 21;

const align = (n: number): number => (n + 63) & ~63;

export class WasmBackend implements Backend, JobRunner {
  readonly name = 'wasm';
  readonly kernels: WasmKernels;
  private pool: KernelPool | null = null;

  constructor(k: WasmKernels) {
    this.kernels = k;
  }

  /** Whether this backend can run on several threads here (shared memory and a worker host). */
  get threadable(): boolean {
    return this.kernels.shared && getWorkerHost() !== null;
  }

  /** Start the pool for the current thread count and wait until its workers are ready. */
  async initThreads(): Promise<number> {
    const want = Math.min(getNumThreads(), MAX_THREADS) - 1;
    if (want <= 0 || !this.threadable) return 1;
    this.pool ??= new KernelPool(this.kernels);
    return 1 + (await this.pool.whenReady(want));
  }

  /** Stop the worker threads (they restart lazily). */
  shutdownThreads(): void {
    this.pool?.shutdown();
    this.pool = null;
  }

  /** Threads to use for an M×N×K product: 1 for small work, else the ready pool (≤ setting). */
  private threadsFor(M: number, N: number, K: number): number {
    const want = getNumThreads();
    if (want <= 1 || M * N * K < THREAD_MIN_WORK || !this.threadable) return 1;
    return this.poolThreads(Math.min(want, Math.max(Math.ceil(M / MR), Math.ceil(N / NR))));
  }

  /** This thread and the ready workers, `cap` at most (the pool starts growing towards it). */
  private poolThreads(cap: number): number {
    if (cap <= 1) return 1;
    this.pool ??= new KernelPool(this.kernels);
    this.pool.grow(cap - 1);
    return 1 + this.pool.ready(cap - 1);
  }

  /** Threads for n elements of an elementwise kernel, each taking at least `perThread` (elementwise.ts). */
  elementwiseThreads(n: number, perThread: number): number {
    return this.threadable ? this.poolThreads(Math.min(getNumThreads(), Math.floor(n / perThread))) : 1;
  }

  /** Threads for an M×N×K product on operands already in linear memory (fused kernels: conv.ts). */
  gemmThreads(M: number, N: number, K: number): number {
    return this.threadsFor(M, N, K);
  }

  /**
   * Run pool jobs (pool.ts) on T threads: this one and T − 1 workers, which take them one at a
   * time; on one thread, or for a single job, all run here in order. See KernelPool.run for the
   * callbacks.
   */
  runJobs(jobs: Job[], T: number, prepare?: () => void, done?: (j: Job) => void, progress?: Progress): void {
    if (T > 1 && jobs.length > 1 && this.pool !== null) {
      this.pool.run(jobs, Math.min(T, jobs.length) - 1, prepare, done, progress);
      return;
    }
    prepare?.();
    runJobsHere(this.kernels.exports, jobs, done, progress);
  }

  conv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, y: Float32Array): void {
    conv2dForward(this, x, w, bias, g, y);
  }

  conv2dInputGrad(dy: Float32Array, w: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
    conv2dBackward(this, dy, null, w, g, dx, null, null);
  }

  conv2dWeightGrad(dy: Float32Array, x: Float32Array, g: Conv2dGeometry, dw: Float32Array, db: Float32Array | null = null): void {
    conv2dBackward(this, dy, x, null, g, null, dw, db);
  }

  conv2dBackward(
    dy: Float32Array, x: Float32Array, w: Float32Array, g: Conv2dGeometry, dx: Float32Array, dw: Float32Array, db: Float32Array | null,
  ): void {
    conv2dBackward(this, dy, x, w, g, dx, dw, db);
  }

  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
    accumulate: boolean,
  ): void {
    if (M === 0 || N === 0) return;
    if (K === 0) {
      if (!accumulate) C.fill(0, cOff, cOff + M * N);
      return;
    }
    const k = this.kernels;
    const T = this.threadsFor(M, N, K);
    const scratch = k.scratchBase;
    // operands resident in linear memory (layer weights: resident.ts) are read in place
    // and so is C when it is resident too (a tensor in linear memory: storage-scope.ts): it is
    // written in place, nothing is copied out
    const rA = k.addressOf(A, aOff);
    const rB = k.addressOf(B, bOff);
    const rC = k.addressOf(C, cOff);
    let p = scratch + T * PACK_BYTES;
    let pA = rA;
    let pB = rB;
    if (pA < 0) {
      pA = p;
      p += align(M * K * 4);
    }
    if (pB < 0) {
      pB = p;
      p += align(K * N * 4);
    }
    let pC = rC;
    if (pC < 0) {
      pC = p;
      p += align(M * N * 4);
    }
    const q = p;
    if (!k.ensure(q)) throw new RangeError(`gemm: ${M}×${K}·${K}×${N} exceeds the WebAssembly memory limit; use setBackend('portable')`);
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const acc = accumulate ? 1 : 0;
    // operands that are not resident (and C when accumulating) go into linear memory
    const copyIn = (): void => {
      const heap = k.heapF32;
      if (rA < 0) heap.set(part(A, aOff, M * K), pA >> 2);
      if (rB < 0) heap.set(part(B, bOff, K * N), pB >> 2);
      if (accumulate && rC < 0) heap.set(part(C, cOff, M * N), pC >> 2);
    };
    if (T === 1) {
      copyIn();
      const heap = k.heapF32;
      k.exports.gemm(ta, tb, M, N, K, pA, pB, pC, acc, 0, M, 0, N, scratch, scratch + PACK_A_BYTES, TMP_OFFSET, 0, 0);
      if (rC < 0) C.set(heap.subarray(pC >> 2, (pC >> 2) + M * N), cOff);
      return;
    }
    const plan = gemmJobs(T, ta, tb, M, N, K, pA, pB, pC, acc, scratch, q);
    if (!k.ensure(q + plan.prepackBytes)) throw new RangeError(`gemm: ${M}×${K}·${K}×${N} exceeds the WebAssembly memory limit; use setBackend('portable')`);
    const prepare = (): void => {
      copyIn();
      plan.prepack(k.exports);
    };
    // each job covers C's rows [j[11], j[12]) × columns [j[13], j[14]). Jobs of whole rows are
    // copied out as soon as the calling thread has computed them (the workers' once all are done);
    // jobs of column ranges would need a copy per row each (a thousand small copies per product,
    // 1.2 GB/s), so their C goes out in one piece at the end
    const h = pC >> 2;
    const byRows = rC < 0 && plan.jobs[0]![13] === 0 && plan.jobs[0]![14] === N;
    const copyOut = (j: Job): void => C.set(k.heapF32.subarray(h + j[11]! * N, h + j[12]! * N), cOff + j[11]! * N);
    this.runJobs(plan.jobs, T, prepare, byRows ? copyOut : undefined);
    if (!byRows && rC < 0) C.set(k.heapF32.subarray(h, h + M * N), cOff);
  }

  /** Zero-filled storage for a layer's weights inside linear memory, read there without copies. */
  allocPersistent(n: number): Float32Array | null {
    return this.kernels.allocResident(n);
  }

  tanh(x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean {
    return wasmTanh(this.kernels, this, x, xOff, out, outOff, n);
  }

  tanhBackward(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
    return wasmTanhBackward(this.kernels, this, g, y, out, n);
  }

  relu(x: Float32Array, out: Float32Array, n: number): boolean {
    return wasmRelu(this.kernels, x, out, n);
  }

  reluBackward(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
    return wasmReluBackward(this.kernels, g, y, out, n);
  }

  sgdStep(w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): boolean {
    return wasmSgdStep(this.kernels, this, w, g, lr, sign, wd);
  }

  im2col(x: Float32Array, xOff: number, g: ConvGeometry, cols: Float32Array, colOff: number): void {
    const k = this.kernels;
    const nx = g.C * g.H * g.W;
    const nc = g.C * g.kH * g.kW * g.outH * g.outW;
    const px = k.scratchBase;
    const pc = px + align(nx * 4);
    if (!k.ensure(pc + nc * 4)) throw new RangeError('im2col: input exceeds the WebAssembly memory limit');
    k.heapF32.set(x.subarray(xOff, xOff + nx), px >> 2);
    writeGeometry(k, g);
    k.exports.im2col(px, GEOM_OFFSET, pc);
    cols.set(k.heapF32.subarray(pc >> 2, (pc >> 2) + nc), colOff);
  }

  col2im(cols: Float32Array, colOff: number, g: ConvGeometry, x: Float32Array, xOff: number): void {
    const k = this.kernels;
    const nx = g.C * g.H * g.W;
    const nc = g.C * g.kH * g.kW * g.outH * g.outW;
    const px = k.scratchBase;
    const pc = px + align(nx * 4);
    if (!k.ensure(pc + nc * 4)) throw new RangeError('col2im: input exceeds the WebAssembly memory limit');
    const heap = k.heapF32;
    heap.set(x.subarray(xOff, xOff + nx), px >> 2);
    heap.set(cols.subarray(colOff, colOff + nc), pc >> 2);
    writeGeometry(k, g);
    k.exports.col2im(pc, GEOM_OFFSET, px);
    x.set(k.heapF32.subarray(px >> 2, (px >> 2) + nx), xOff);
  }
}

let instance: WasmBackend | null | undefined;

/** The wasm backend, created on first use; null where WebAssembly SIMD is unavailable. */
export function wasmBackend(): WasmBackend | null {
  if (instance === undefined) {
    const k = WasmKernels.create();
    instance = k === null ? null : new WasmBackend(k);
  }
  return instance;
}
