/** TensorFlow.js 4.22 (dev dependency) with its `cpu` and `wasm` backends, for side-by-side runs. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

export interface TfHandle {
  tf: Tf;
  version: string;
  backends: string[];
  use(name: string): Promise<void>;
}

export async function loadTf(): Promise<TfHandle | null> {
  try {
    const require = createRequire(import.meta.url);
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const backends = ['cpu'];
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(join(dist, '/'));
      backends.push('wasm');
    } catch (e) {
      console.warn(`TF.js wasm backend unavailable: ${(e as Error).message}`);
    }
    const handle: TfHandle = {
      tf,
      version: tf.version_core,
      backends,
      async use(name) {
        await tf.setBackend(name);
        await tf.ready();
      },
    };
    // drop backends that fail to initialise
    for (const b of [...backends]) {
      try {
        await handle.use(b);
      } catch (e) {
        console.warn(`TF.js ${b} backend failed to start: ${(e as Error).message}`);
        handle.backends = handle.backends.filter((x) => x !== b);
      }
    }
    return handle;
  } catch (e) {
    console.warn(`TF.js not available (${(e as Error).message}); its columns are skipped`);
    return null;
  }
}
