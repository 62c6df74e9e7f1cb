/**
 * The WebAssembly SIMD backend: GEMM (NN, NT, TN, TT) with packing and a 4×8 f32x4 micro-kernel,
 * im2col/col2im, and a worker pool for large products. Operands are copied into the module's
 * linear memory (grown on demand and reused), so copies are O(inputs) and compute O(M·N·K).
 */
import type { Backend, Conv2dGeometry, ConvGeometry } from '../backend.js';
import { conv2dBackward, conv2dForward } from './conv.js';
import { wasmRelu, wasmReluBackward, wasmSgdStep, wasmTanh, wasmTanhBackward } from './elementwise.js';
import { GEOM_OFFSET, MAX_THREADS, PACK_A_BYTES, PACK_BYTES, PACK_OFFSET, TMP_OFFSET, WasmKernels } from './instance.js';
import { KernelPool, getNumThreads, getWorkerHost, runJob, withScratch, type Progress } from './pool.js';
import { MR, NR, gemmJobs } from './gemm-jobs.js';

/** Products smaller than this many multiply-adds stay on one thread (waking workers costs ~10 µs). */
export const THREAD_MIN_WORK = 1 << 21;

const align = (n: number): number => (n + 63) & ~63;

export class WasmBackend implements Backend {
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
    const tiles = Math.max(Math.ceil(M / MR), Math.ceil(N / NR));
    const cap = Math.min(want, tiles);
    if (cap <= 1) return 1;
    this.pool ??= new KernelPool(this.kernels);
    this.pool.grow(cap - 1);
    return 1 + this.pool.ready(cap - 1);
  }

  /** Threads for an M×N×K product on operands already in linear memory (fused kernels: conv.ts). */
  gemmThreads(M: number, N: number, K: number): number {
    return this.threadsFor(M, N, K);
  }

  /**
   * Run pool jobs (16 arguments each, then an optional kind: see KernelPool.run; `gemm` when
   * absent): the first here, the others on the pool's workers.
   */
  runGemmJobs(jobs: number[][]): void {
    if (jobs.length > 1) {
      this.pool!.run(jobs);
      return;
    }
    const j = jobs[0];
    if (j !== undefined) runJob(this.kernels, j);
  }

  /**
   * Run chunks (jobs as for runGemmJobs) on up to T threads, each taking the next chunk until
   * none are left (KernelPool.runQueue); on one thread, in order here. `progress` runs on this
   * thread after each chunk it ran.
   */
  runQueue(chunks: number[][], T: number, progress?: Progress): void {
    if (T > 1 && chunks.length > 1) {
      this.pool!.runQueue(chunks, Math.min(T, chunks.length) - 1, progress);
      return;
    }
    for (let i = 0; i < chunks.length; i++) {
      runJob(this.kernels, withScratch(chunks[i]!));
      progress?.((j) => j <= i);
    }
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
    const pA = PACK_OFFSET + T * PACK_BYTES;
    const pB = pA + align(M * K * 4);
    const pC = pB + align(K * N * 4);
    if (!k.ensure(pC + M * N * 4)) throw new RangeError(`gemm: ${M}×${K}·${K}×${N} exceeds the WebAssembly memory limit; use setBackend('portable')`);
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const acc = accumulate ? 1 : 0;
    const copyIn = (): void => {
      const heap = k.heapF32;
      heap.set(A.subarray(aOff, aOff + M * K), pA >> 2);
      heap.set(B.subarray(bOff, bOff + K * N), pB >> 2);
      if (accumulate) heap.set(C.subarray(cOff, cOff + M * N), pC >> 2);
    };
    if (T === 1) {
      copyIn();
      k.exports.gemm(ta, tb, M, N, K, pA, pB, pC, acc, 0, M, 0, N, PACK_OFFSET, PACK_OFFSET + PACK_A_BYTES, TMP_OFFSET);
      C.set(k.heapF32.subarray(pC >> 2, (pC >> 2) + M * N), cOff);
      return;
    }
    // one range of whole micro-tiles per thread, by columns or by rows (whichever has more tiles)
    const jobs = gemmJobs(T, ta, tb, M, N, K, pA, pB, pC, acc);
    // C's rows [r0,r1) × columns [c0,c1) back to the caller
    const copyOut = (r0: number, r1: number, c0: number, c1: number): void => {
      const heap = k.heapF32;
      const h = pC >> 2;
      if (c0 === 0 && c1 === N) C.set(heap.subarray(h + r0 * N, h + r1 * N), cOff + r0 * N);
      else for (let r = r0; r < r1; r++) C.set(heap.subarray(h + r * N + c0, h + r * N + c1), cOff + r * N + c0);
    };
    // this thread runs job 0: rows [r0,r1) × columns [c0,c1); the other jobs cover the rest of
    // the rows (split by rows) or of the columns (split by columns)
    const [r0, r1, c0, c1] = jobs[0]!.slice(9, 13) as [number, number, number, number];
    // workers wake while the operands are copied in; this thread copies its own share of C out
    // while they finish theirs
    this.pool!.run(jobs, copyIn, () => copyOut(r0, r1, c0, c1));
    if (c0 === 0 && c1 === N) copyOut(r1, M, 0, N);
    else copyOut(0, M, c1, N);
  }

  tanh(x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean {
    return wasmTanh(this.kernels, x, xOff, out, outOff, n);
  }

  tanhBackward(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
    return wasmTanhBackward(this.kernels, g, y, out, n);
  }

  relu(x: Float32Array, out: Float32Array, n: number): boolean {
    return wasmRelu(this.kernels, x, out, n);
  }

  reluBackward(g: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean {
    return wasmReluBackward(this.kernels, g, y, out, n);
  }

  sgdStep(w: Float32Array, g: Float32Array, lr: number, sign: number, wd: number): boolean {
    return wasmSgdStep(this.kernels, w, g, lr, sign, wd);
  }

  private geometry(g: ConvGeometry): void {
    const i = this.kernels.heapI32;
    const o = GEOM_OFFSET >> 2;
    i[o] = g.C; i[o + 1] = g.H; i[o + 2] = g.W; i[o + 3] = g.kH; i[o + 4] = g.kW;
    i[o + 5] = g.strideH; i[o + 6] = g.strideW; i[o + 7] = g.padH; i[o + 8] = g.padW;
    i[o + 9] = g.dilH; i[o + 10] = g.dilW; i[o + 11] = g.outH; i[o + 12] = g.outW;
  }

  im2col(x: Float32Array, xOff: number, g: ConvGeometry, cols: Float32Array, colOff: number): void {
    const k = this.kernels;
    const nx = g.C * g.H * g.W;
    const nc = g.C * g.kH * g.kW * g.outH * g.outW;
    const px = PACK_OFFSET;
    const pc = px + align(nx * 4);
    if (!k.ensure(pc + nc * 4)) throw new RangeError('im2col: input exceeds the WebAssembly memory limit');
    k.heapF32.set(x.subarray(xOff, xOff + nx), px >> 2);
    this.geometry(g);
    k.exports.im2col(px, GEOM_OFFSET, pc);
    cols.set(k.heapF32.subarray(pc >> 2, (pc >> 2) + nc), colOff);
  }

  col2im(cols: Float32Array, colOff: number, g: ConvGeometry, x: Float32Array, xOff: number): void {
    const k = this.kernels;
    const nx = g.C * g.H * g.W;
    const nc = g.C * g.kH * g.kW * g.outH * g.outW;
    const px = PACK_OFFSET;
    const pc = px + align(nx * 4);
    if (!k.ensure(pc + nc * 4)) throw new RangeError('col2im: input exceeds the WebAssembly memory limit');
    const heap = k.heapF32;
    heap.set(x.subarray(xOff, xOff + nx), px >> 2);
    heap.set(cols.subarray(colOff, colOff + nc), pc >> 2);
    this.geometry(g);
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
