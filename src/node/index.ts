/**
 * Node-only helpers (files), imported as `gradlab/node`. The rest of gradlab runs anywhere.
 */
export * from './atomic-write.js';
export * from './checkpoint.js';
export * from './run-record-file.js';
