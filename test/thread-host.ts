/**
 * Tests that check bit-identity on more threads than this machine has cores (3 threads on 2)
 * install a Node worker host that reports enough cores: setNumThreads caps the count at the
 * host's cores. Returns a function that puts the previous host back.
 */
import { getWorkerHost, setWorkerHost } from '../src/kernels/wasm/pool.js';
import { nodeWorkerHost } from '../src/node/threads.js';

export function allowThreads(n: number): () => void {
  const before = getWorkerHost();
  const h = nodeWorkerHost();
  if (h !== null && h.cores < n) setWorkerHost({ cores: n, canBlock: h.canBlock, spawn: (s) => h.spawn(s) });
  return () => setWorkerHost(before);
}
