/** Node-only parts of the lab (files). */
export * from './data-source.js';
export * from './run-dir.js';
export * from './checkpoint-file.js';
