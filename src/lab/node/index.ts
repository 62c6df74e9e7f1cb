/** Node-only parts of the lab (files). */
export * from './data-source.js';
