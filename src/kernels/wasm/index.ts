import { setBackend } from '../backend.js';
import { wasmBackend } from './backend.js';

export { WasmBackend, wasmBackend, THREAD_MIN_WORK } from './backend.js';
export { setNumThreads, getNumThreads, setWorkerHost, getWorkerHost, type WorkerHost, type PoolWorker } from './pool.js';
export { simdSupported } from './instance.js';
export { WORKER_SOURCE } from './worker-source.js';

/**
 * Start the worker pool now (instead of lazily at the first large GEMM) and wait until its workers
 * are ready; resolves to the number of threads GEMM will use (1 where threads are unavailable).
 */
export async function initThreads(): Promise<number> {
  return (await wasmBackend()?.initThreads()) ?? 1;
}

/** Stop the worker threads; they restart lazily at the next large GEMM. */
export function shutdownThreads(): void {
  wasmBackend()?.shutdownThreads();
}

/** Select the fastest available backend: 'wasm' where WebAssembly SIMD exists, else 'portable'. */
export function useBestBackend(): string {
  return setBackend(wasmBackend() ? 'wasm' : 'portable').name;
}
