/** TensorFlow.js 4.22 (dev dependency) with its `cpu` and `wasm` backends, for side-by-side runs. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

export interface TfHandle {
  tf: Tf;
  version: string;
  backends: string[];
  use(name: string): Promise<void>;
}

/**
 * tfjs-core's Node bundle registers no gradient functions and its ESM files use extension-less
 * imports that Node cannot resolve, so core, its gradients and both backends are bundled once
 * with esbuild (a dev dependency) into a CommonJS file in the temp directory and loaded from there.
 */
async function bundleTf(): Promise<string> {
  const { build } = await import('esbuild');
  const os = process.getBuiltinModule('node:os');
  const outfile = join(os.tmpdir(), `gradlab-bench-tfjs-${process.pid}.cjs`);
  await build({
    stdin: {
      contents: [
        "export * from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';",
      ].join('\n'),
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export async function loadTf(): Promise<TfHandle | null> {
  try {
    const require = createRequire(import.meta.url);
    const file = await bundleTf();
    const tf = require(file) as Tf;
    process.getBuiltinModule('node:fs').rmSync(file, { force: true });
    const backends = ['cpu'];
    try {
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      tf.setWasmPaths(join(dist, '/'));
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
