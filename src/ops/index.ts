import './methods/index.js';

export * from './binary.js';
export * from './unary.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './view.js';
export * from './inplace.js';
export { unbroadcast, expandTo } from './util.js';
export * from './elementwise.js';
export * from './compare.js';
export * from './reduce-stats.js';
export * from './reduce-extreme.js';
export * from './indexing.js';
export * from './indexing-gather.js';
export * from './activations.js';
export * from './softmax.js';
export * from './loss.js';
export * from './linear.js';
