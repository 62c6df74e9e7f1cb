/**
 * `gradlab/lab/node`: the lab's Node-only parts (data files, run directories, checkpoints,
 * resume, sweeps). Importing it sets up the library first, as `gradlab` does.
 */
import './index.js';
export * from './lab/node/index.js';
