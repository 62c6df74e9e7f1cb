/**
 * gradlab — tensors, reverse-mode autograd, nn, init, clipping, optimizers and a gradient doctor.
 */
export * from './tensor/index.js';
export { backend, setBackend, listBackends, registerBackend, type Backend, type ConvGeometry } from './kernels/index.js';
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, gradcheck, type GradcheckOptions } from './autograd/index.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
export { Module, Parameter } from './nn/index.js';
/** Checkpoints in the safetensors format, on bytes (Node file helpers: `gradlab/node`). */
export * as safetensors from './io/safetensors.js';
