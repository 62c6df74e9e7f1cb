/**
 * gradlab — tensors, reverse-mode autograd, nn, init, clipping, optimizers and a gradient doctor.
 */
// first: on Node 20, enable relaxed SIMD before the kernels are compiled (fused multiply-add GEMM)
import './node/wasm-features.js';
export * from './tensor/index.js';
export { backend, setBackend, listBackends, registerBackend, type Backend, type ConvGeometry } from './kernels/index.js';
export { setNumThreads, getNumThreads, initThreads, shutdownThreads, useBestBackend } from './kernels/index.js';
import { setWorkerHost as installWorkerHost } from './kernels/index.js';
import { nodeWorkerHost } from './node/threads.js';
import { browserWorkerHost } from './browser/threads.js';
// threads for the wasm kernels: worker_threads in Node, Web Workers in isolated pages
installWorkerHost(nodeWorkerHost() ?? browserWorkerHost());
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, gradcheck, type GradcheckOptions } from './autograd/index.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
export * as F from './nn/functional.js';
export * as optim from './optim/index.js';
export { Module, Parameter } from './nn/index.js';
/** Checkpoints in the safetensors format, on bytes (Node file helpers: `gradlab/node`). */
export * as safetensors from './io/safetensors.js';
/** The doctor: probes, detectors, explanations, diagnosis, run records (docs/doctor.md). */
export * as doctor from './diagnostics/index.js';
export { Probe, diagnose } from './diagnostics/index.js';
