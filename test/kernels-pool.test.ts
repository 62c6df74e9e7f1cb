/**
 * The wasm worker pool's take-over path: a job (GEMM or per-image convolution work) whose worker
 * has not started when the main thread has finished its own share is run by the main thread,
 * with the same bits as on one thread.
 * A stand-in worker host whose workers report ready but never run anything forces that path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { setNumThreads, setWorkerHost, shutdownThreads, wasmBackend } from '../src/kernels/index.js';
import { THREAD_MIN_WORK, type PoolWorker, type WorkerHost } from '../src/kernels/wasm/index.js';
import { uniformArray } from './helpers.js';

const rnd = uniformArray;

interface InitMsg {
  memory: { buffer: ArrayBufferLike };
  ctrlOffset: number;
  ctrlWords: number;
  slotBase: number;
  slot: number;
  slotWords: number;
}

/** Workers that say they are ready and then never take a job (a descheduled thread, forever). */
const stalledHost: WorkerHost = {
  cores: 3,
  canBlock: true,
  spawn(): PoolWorker {
    return {
      post(msg: unknown) {
        const m = msg as InitMsg;
        const ctrl = new Int32Array(m.memory.buffer, m.ctrlOffset, m.ctrlWords);
        Atomics.store(ctrl, m.slotBase + m.slot * m.slotWords + 1, 1);
      },
      terminate() {},
    };
  },
};

const wasm = wasmBackend();

describe.runIf(wasm !== null && wasm.kernels.shared)('wasm pool take-over', () => {
  afterAll(() => {
    shutdownThreads();
    setWorkerHost(null);
    setNumThreads(1);
  });

  it('runs jobs no worker has claimed on the main thread, bit-identical to one thread', () => {
    const cases: [boolean, boolean, number, number, number, boolean][] = [
      [false, true, 130, 515, 301, false], // split by columns
      [true, false, 517, 37, 270, true], // split by rows, accumulating
    ];
    for (const [ta, tb, M, N, K, acc] of cases) {
      expect(M * N * K).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const A = rnd(M * K, 1);
      const B = rnd(K * N, 2);
      const C0 = rnd(M * N, 3);
      setWorkerHost(null);
      setNumThreads(1);
      const one = C0.slice();
      wasm!.gemm(ta, tb, M, N, K, A, 0, B, 0, one, 0, acc);
      setWorkerHost(stalledHost);
      for (const t of [2, 3]) {
        setNumThreads(t);
        const C = C0.slice();
        wasm!.gemm(ta, tb, M, N, K, A, 0, B, 0, C, 0, acc);
        expect(C.every((v, i) => Object.is(v, one[i]))).toBe(true);
        // and again: the stalled workers' unclaimed generations do not block later calls
        const D = C0.slice();
        wasm!.gemm(ta, tb, M, N, K, A, 0, B, 0, D, 0, acc);
        expect(D.every((v, i) => Object.is(v, one[i]))).toBe(true);
      }
    }
  });

  it('runs per-image convolution jobs no worker has claimed on the main thread, with the same bits', () => {
    // conv 16→32, 3×3 stride 2 on 9 images of 28×28: im2col, gather, scatter and col2im jobs
    const g = { N: 9, C: 16, H: 28, W: 28, O: 32, kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, dilH: 1, dilW: 1, outH: 14, outW: 14, groups: 1 };
    const x = rnd(9 * 16 * 28 * 28, 4);
    const w = rnd(32 * 16 * 9, 5);
    const b = rnd(32, 6);
    const dy = rnd(9 * 32 * 14 * 14, 7);
    const all = (): Float32Array[] => {
      const y = new Float32Array(dy.length);
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      wasm!.conv2dForward(x, w, b, g, y);
      wasm!.conv2dInputGrad(dy, w, g, dx);
      wasm!.conv2dWeightGrad(dy, x, g, dw);
      return [y, dx, dw];
    };
    setWorkerHost(null);
    setNumThreads(1);
    const one = all();
    setWorkerHost(stalledHost);
    for (const t of [2, 3]) {
      setNumThreads(t);
      const r = all();
      for (let i = 0; i < 3; i++) expect(r[i]!.every((v, j) => Object.is(v, one[i]![j]))).toBe(true);
    }
  });
});
