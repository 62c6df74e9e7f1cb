import { registerBackend } from './backend.js';
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
if (wasm !== null) registerBackend(wasm, true);
