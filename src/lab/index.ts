/**
 * The lab (floor 6): data sets and loaders, experiment specs, spec → model, and the runner that
 * turns a spec into a run record. Node-only helpers (files, checkpoints, resume) live in ./node/.
 */
export * from './data/index.js';
export * from './spec/index.js';
export { buildModel, outputSize, type ModelData } from './model.js';
export * from './runner/index.js';
export * from './catalogue/index.js';
