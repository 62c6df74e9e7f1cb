/** The gradlab configurations every section runs: portable, wasm on one thread, wasm on all. */
import * as gl from '../src/index.js';

export interface Variant {
  name: string;
  /** select the backend and thread count (and wait for the worker pool) */
  setup(): Promise<void>;
  available: boolean;
}

export const CORES = (() => {
  const os = process.getBuiltinModule('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
})();

const hasWasm = gl.listBackends().includes('wasm');

export const VARIANTS: Variant[] = [
  {
    name: 'gradlab portable',
    available: true,
    async setup() {
      gl.setBackend('portable');
      gl.setNumThreads(1);
    },
  },
  {
    name: 'gradlab wasm·1',
    available: hasWasm,
    async setup() {
      gl.setBackend('wasm');
      gl.setNumThreads(1);
    },
  },
  {
    name: `gradlab wasm·${CORES}`,
    available: hasWasm && CORES > 1,
    async setup() {
      gl.setBackend('wasm');
      gl.setNumThreads(CORES);
      await gl.initThreads();
    },
  },
];
