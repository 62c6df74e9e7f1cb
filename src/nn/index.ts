export * from './parameter.js';
export * from './module.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
