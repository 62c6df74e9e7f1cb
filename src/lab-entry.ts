/**
 * `gradlab/lab`: the lab (data sets and loaders, experiment specs, the runner, the catalogue).
 * Importing it sets up the library first (backends, Tensor methods), as `gradlab` does.
 */
import './index.js';
export * from './lab/index.js';
