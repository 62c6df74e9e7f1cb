import { backend, registerBackend } from './backend.js';
import { setStorageSource } from '../tensor/storage-pool.js';
import { portableBackend } from './portable/index.js';
import { wasmBackend } from './wasm/backend.js';

export * from './backend.js';
export { portableBackend } from './portable/index.js';
export * from './elementwise.js';
export * from './reduce.js';
export { scratch, releaseScratch, scratchFloats } from './scratch.js';
export { initThreads, shutdownThreads, setNumThreads, getNumThreads, setWorkerHost, useBestBackend, wasmBackend, type WorkerHost } from './wasm/index.js';

registerBackend(portableBackend, true);
// WebAssembly SIMD where the platform has it (feature-detected), the portable backend otherwise.
const wasm = wasmBackend();
if (wasm !== null) {
  registerBackend(wasm, true);
  // inside a storage scope, tensors live in the kernels' linear memory while the wasm backend is
  // in use (a shared memory only: resident.ts), so chains of wasm ops copy nothing between them
  setStorageSource((n) => (backend() === wasm ? wasm.allocPersistent(n) : null));
}
