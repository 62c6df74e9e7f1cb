/**
 * The engine as the package entry sets it up, for the command: relaxed SIMD on Node 20 before
 * any kernel compiles, the backends registered (WebAssembly SIMD where available), and worker
 * threads for large kernels. Imported first by main.ts (the command may not import the package
 * entry itself: floors import only what is below them).
 */
import '../node/wasm-features.js';
import { backend, getNumThreads, setWorkerHost } from '../kernels/index.js';
import { nodeWorkerHost } from '../node/threads.js';
// Tensor methods (t.backward(), t.matmul() …) are installed by the ops modules' side effects.
import '../ops/index.js';

setWorkerHost(nodeWorkerHost());

/** What the engine runs on, for headers and `--version`. */
export function engineInfo(): { backend: string; threads: number } {
  return { backend: backend().name, threads: getNumThreads() };
}
