export * from './parameter.js';
export * from './module.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * from './layers/index.js';
export * from './residual.js';
export * from './resnet.js';
export * from './mlp.js';
export * as functional from './functional.js';
