/**
 * The wasm worker pool's take-over path: a job whose worker has not started when the main thread
 * has finished its own share is run by the main thread, with the same bits as on one thread.
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
});
