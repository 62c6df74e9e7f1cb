export * from './parameter.js';
export * from './module.js';
