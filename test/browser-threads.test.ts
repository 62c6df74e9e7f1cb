/**
 * Threads and fused multiply-add in the browser: a page served with COOP/COEP (cross-origin
 * isolated, as `gradlab serve` serves the web lab) gets SharedArrayBuffer, so the wasm kernels run
 * on a shared memory with the worker pool (src/browser/threads.ts), in the page and in a dedicated
 * Worker; Chromium has relaxed SIMD, so the FMA kernels are picked at run time. Training there on
 * 1 and on 2 threads gives the same bits, and the same losses as Node.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

/** Large enough for the pool (GEMMs of 2^21 multiply-adds and more); the same in Node and the page. */
function program(lib: typeof gl, threads: number): { losses: number[]; threads: number; fma: boolean; shared: boolean } {
  lib.setBackend('wasm');
  lib.setNumThreads(threads);
  lib.manualSeed(7);
  const model = new lib.nn.Sequential(new lib.nn.Linear(256, 256), new lib.nn.Tanh(), new lib.nn.Linear(256, 256), new lib.nn.Tanh(), new lib.nn.Linear(256, 10));
  const opt = new lib.optim.SGD(model.parameters(), { lr: 0.05 });
  const x = lib.randn([64, 256]);
  const y = lib.randint(0, 10, [64]);
  const losses: number[] = [];
  for (let i = 0; i < 6; i++) {
    opt.zeroGrad();
    const loss = lib.F.crossEntropy(model.forward(x) as gl.Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const k = (lib as unknown as { wasmKernelsInfo?: () => { fma: boolean; shared: boolean } }).wasmKernelsInfo?.();
  return { losses, threads: lib.getNumThreads(), fma: k?.fma ?? false, shared: k?.shared ?? false };
}

const ENTRY = `
import * as gl from './src/index.ts';
import { wasmBackend } from './src/kernels/index.ts';
globalThis.gradlab = { ...gl, wasmKernelsInfo: () => ({ fma: wasmBackend().kernels.fma, shared: wasmBackend().kernels.shared }) };
`;

describe.runIf(hasChromium && gl.listBackends().includes('wasm'))('threads in a cross-origin-isolated page', () => {
  let browser: Browser;
  let server: Server;
  let url = '';
  beforeAll(async () => {
    const out = await build({
      stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
      bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent',
    });
    const bundle = out.outputFiles[0]!.text;
    const run = `const program = ${program.toString()};`;
    const page = `<!doctype html><script src="/gl.js"></script><script>${run}
      globalThis.inWorker = (threads) => new Promise((resolve, reject) => {
        const w = new Worker('/worker.js');
        w.onmessage = (e) => { w.terminate(); e.data.error ? reject(new Error(e.data.error)) : resolve(e.data); };
        w.postMessage(threads);
      });</script>`;
    const worker = `importScripts('/gl.js'); ${run}
      onmessage = async (e) => { try { gradlab.setNumThreads(e.data); const ready = await gradlab.initThreads(); const r = program(gradlab, e.data); postMessage({ ...r, threads: ready }); } catch (err) { postMessage({ error: String(err) }); } };`;
    const files: Record<string, string> = { '/': page, '/gl.js': bundle, '/worker.js': worker };
    server = createServer((req, res) => {
      const body = files[req.url ?? '/'];
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, {
        'content-type': req.url === '/' ? 'text/html' : 'text/javascript',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('runs the pool on shared memory with FMA, in the page and in a Worker, with Node\'s results', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    const inPage = async (t: number): Promise<ReturnType<typeof program>> => {
      if (t > 1) expect(await page.evaluate(`(gradlab.setNumThreads(${t}), gradlab.initThreads())`), 'workers started').toBe(t);
      return (await page.evaluate(`program(gradlab, ${t})`)) as ReturnType<typeof program>;
    };
    const p1 = await inPage(1);
    const p2 = await inPage(2);
    const w1 = (await page.evaluate('inWorker(1)')) as ReturnType<typeof program>;
    const w2 = (await page.evaluate('inWorker(2)')) as ReturnType<typeof program>;
    expect(errors).toEqual([]);
    for (const r of [p1, p2, w1, w2]) {
      expect(r.shared, 'shared wasm memory').toBe(true);
      expect(r.fma, 'relaxed SIMD detected at run time').toBe(true);
    }
    expect(p2.threads).toBe(2);
    expect(w2.threads, 'workers started in the Worker').toBe(2);
    // bit-identical for any thread count, page or Worker
    expect(p2.losses).toEqual(p1.losses);
    expect(w1.losses).toEqual(p1.losses);
    expect(w2.losses).toEqual(p1.losses);
    // and Node's figures (the same kernels; FMA on both where the engine has it)
    const before = { b: gl.backend().name, t: gl.getNumThreads() };
    try {
      const node = program(gl, 1);
      for (let i = 0; i < node.losses.length; i++) expect(p1.losses[i]).toBeCloseTo(node.losses[i]!, 5);
    } finally {
      gl.setBackend(before.b);
      gl.setNumThreads(before.t);
    }
  }, 120_000);
});
