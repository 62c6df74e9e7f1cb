/**
 * Training steps in headless Chromium (Debian's /usr/bin/chromium through playwright-core): the
 * Node bench's step closures (bench/models.ts), bundled with esbuild (bench/browser/entry.ts), run
 * in a page and in a dedicated Worker — where the web lab trains — on one thread and on all cores.
 * The pages are served from 127.0.0.1 with the COOP/COEP headers that make them cross-origin
 * isolated, so SharedArrayBuffer and the kernels' worker pool are available, as in the web lab.
 *
 * Timed as everything else (measure.ts): a warm-up once per configuration, then one block of
 * every configuration per round; each figure is the lowest block median.
 *
 * Standalone: `npx tsx bench/browser.ts [--quick]` prints the rows; `npm run bench` includes them.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CORES } from './gradlab.js';
import { Blocks, QUICK, rounds, setQuick } from './measure.js';
import type { Row } from './table.js';

export const BROWSER_SECTION = 'Training step in headless Chromium (ms)';
export const BROWSER_SECTION_MEDIAN = 'Training step in headless Chromium, median of all repetitions (ms)';
export const BROWSER_ALLOC = 'Chromium: one new Float32Array(8192) (µs)';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const PAGE = `<!doctype html><meta charset="utf-8"><title>gradlab bench</title>
<script src="/bundle.js"></script>
<script>
let worker = null, seq = 0;
const waiting = new Map();
globalThis.inWorker = (fn, args) => {
  if (worker === null) {
    worker = new Worker('/worker.js');
    worker.onmessage = (e) => { const w = waiting.get(e.data.id); waiting.delete(e.data.id); e.data.error ? w.reject(new Error(e.data.error)) : w.resolve(e.data.r); };
  }
  return new Promise((resolve, reject) => { const id = ++seq; waiting.set(id, { resolve, reject }); worker.postMessage({ id, fn, args }); });
};
globalThis.inPage = async (fn, args) => glbench[fn](...args);
</script>`;

const WORKER = `importScripts('/bundle.js');
onmessage = async (e) => {
  const { id, fn, args } = e.data;
  try { postMessage({ id, r: await glbench[fn](...args) }); } catch (err) { postMessage({ id, error: String(err && err.stack || err) }); }
};`;

/** Serve the page, the worker and the bundle with the headers of a cross-origin-isolated site. */
async function serve(bundle: string): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/': [PAGE, 'text/html'],
    '/worker.js': [WORKER, 'text/javascript'],
    '/bundle.js': [bundle, 'text/javascript'],
  };
  const server = createServer((req, res) => {
    const f = files[(req.url ?? '/').split('?')[0]!];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': f[1],
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    });
    res.end(f[0]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

interface Config {
  impl: string;
  where: 'inPage' | 'inWorker';
  threads: number;
  page?: Page;
}

export interface BrowserResult {
  rows: Row[];
  notes: string[];
  version: string | null;
}

/** The Chromium rows: every step case in a page and in a Worker, on 1 and on all threads. */
export async function benchBrowser(log: (s: string) => void = () => {}): Promise<BrowserResult> {
  if (!existsSync(CHROMIUM)) return { rows: [], notes: [`Chromium not measured: no ${CHROMIUM}`], version: null };
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./browser/entry.ts', import.meta.url))],
    bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent', minify: false,
  });
  const server = await serve(out.outputFiles[0]!.text);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser | null = null;
  const notes: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const version = browser.version();
    const threads = [...new Set([1, CORES])];
    const configs: Config[] = [];
    for (const where of ['inPage', 'inWorker'] as const)
      for (const t of threads) configs.push({ impl: `gradlab ${where === 'inPage' ? 'page' : 'Worker'}·${t}`, where, threads: t });
    const call = (c: Config, fn: string, args: unknown[] = []): Promise<unknown> =>
      c.page!.evaluate(([w, f, a]) => (globalThis as unknown as Record<string, (f: string, a: unknown[]) => Promise<unknown>>)[w as string]!(f as string, a as unknown[]), [c.where, fn, args] as const);
    let cases: string[] = [];
    for (const c of configs) {
      c.page = await browser.newPage();
      const errs: string[] = [];
      c.page.on('pageerror', (e) => errs.push(String(e)));
      await c.page.goto(url);
      cases = (await c.page.evaluate('glbench.cases')) as string[];
      const got = (await call(c, 'setup', [c.threads, QUICK])) as number;
      const info = (await call(c, 'info')) as { isolated: boolean; shared: boolean; fma: boolean; threadable: boolean };
      notes.push(
        `${c.impl}: cross-origin isolated ${info.isolated ? 'yes' : 'no'}, shared wasm memory ${info.shared ? 'yes' : 'no'}, ` +
          `fused multiply-add ${info.fma ? 'yes' : 'no'}, kernel threads ${got}`,
      );
      if (errs.length) notes.push(`${c.impl}: ${errs.join('; ')}`);
    }
    const acc = new Blocks();
    const R = rounds();
    for (let r = 0; r < R; r++) {
      log(`round ${r + 1}/${R}: Chromium …`);
      for (const c of configs)
        for (let i = 0; i < cases.length; i++) acc.add(`${cases[i]}|${c.impl}`, (await call(c, 'block', [i])) as number[]);
    }
    const rows: Row[] = [];
    for (const c of configs)
      for (const w of cases) {
        const t = acc.timing(`${w}|${c.impl}`);
        rows.push({ section: BROWSER_SECTION, workload: w, impl: c.impl, value: t?.best ?? null, unit: 'ms' });
        rows.push({ section: BROWSER_SECTION_MEDIAN, workload: w, impl: c.impl, value: t?.median ?? null, unit: 'ms' });
      }
    for (const c of configs.filter((x) => x.threads === 1))
      rows.push({ section: BROWSER_ALLOC, workload: 'new Float32Array(8192)', impl: c.impl.replace('·1', ''), value: (await call(c, 'allocCost', [8192])) as number, unit: 'µs' });
    return { rows, notes, version };
  } finally {
    await browser?.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setQuick(process.argv.includes('--quick'));
  const { renderText } = await import('./table.js');
  const r = await benchBrowser((s) => process.stderr.write(`${s}\n`));
  console.log(renderText(r.rows, 'best'));
  for (const n of r.notes) console.log(`note: ${n}`);
  console.log(`Chromium ${r.version}`);
}
