/**
 * The web lab's build: `vite build` (npm run build:web) bundles this folder into dist/web/app,
 * which `serveLab` (../node/serve.ts) serves. The training runs in a module worker (worker.ts);
 * the library's sources are bundled directly (Vite resolves their `.js` specifiers to `.ts`).
 * echarts' browser build is copied beside the app as `echarts.min.js`: the page fetches it only
 * when a person downloads the HTML report (buildReport inlines it), so it is not in the bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

function echartsForReports(): Plugin {
  return {
    name: 'gradlab-echarts-for-reports',
    apply: 'build',
    generateBundle() {
      const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
      this.emitFile({ type: 'asset', fileName: 'echarts.min.js', source: readFileSync(file, 'utf8') });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/web/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  plugins: [echartsForReports()],
});
