/** The lab's data: IDX files, the shipped image sets, synthetic sets, TensorDataset and DataLoader. */
export * from './errors.js';
export * from './idx.js';
export * from './source.js';
export * from './dataset.js';
export * from './loader.js';
export * from './randperm.js';
export * from './images.js';
export * from './spec.js';
export * from './load.js';
export type { Synthetic } from './synthetic/common.js';
export * from './synthetic/gaussian.js';
export * from './synthetic/spirals.js';
export * from './synthetic/moons.js';
export * from './synthetic/blobs.js';
export * from './synthetic/sequence.js';
