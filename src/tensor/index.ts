export * from './errors.js';
export * from './shape.js';
export * from './rng.js';
export * from './tensor.js';
export * from './creation.js';
export { setStoragePool, pooledStorageBytes, storageStats, resetStorageStats, type StorageStats } from './storage-pool.js';
export { storageScope, keepStorage } from './storage-scope.js';
export { setWarningHandler, type WarningHandler } from './warn.js';
export { OptionsError } from './options.js';
