/**
 * The web lab's numbers (issue 14), measured in headless Chromium against the built app served
 * by serveLab: `npx tsx bench/web-lab.ts [--runs 3] [--steps 300]`.
 *
 * - training speed with the live views on: a 20-layer tanh MLP of width 128 on the shipped MNIST
 *   subset, batch 64, the page's defaults otherwise (probe every 5th and every 10th step). The
 *   figure is the worker's own rate, from the end of the first step to the last (data loading
 *   and the first step's compilation excluded), while the page draws;
 * - first load: navigation start → the first panel on the page, in a fresh browser context (no
 *   cache), median of 5;
 * - the app's size: every file of the build, raw and gzipped (-9).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveLab } from '../src/web/node/serve.js';
import { DEFAULT_CONTROLS, encodeState, type Controls } from '../src/web/app/state.js';

// Code in page.evaluate runs in the browser; this file is type-checked without the DOM library.
declare const window: any, document: any;

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const RUNS = arg('--runs', 3);
const STEPS = arg('--steps', 300);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const appDir = mkdtempSync(join(tmpdir(), 'gradlab-web-bench-'));
const { build } = await import('vite');
await build({ configFile: join(ROOT, 'src/web/app/vite.config.ts'), logLevel: 'error', build: { outDir: appDir, emptyOutDir: true } });
const lab = await serveLab({ port: 0, appDir });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

console.log('## Web lab (headless Chromium)\n');
console.log(`| probe every | steps/s (median of ${RUNS}) | all runs | engine |`);
console.log('|---|---|---|---|');
for (const every of [10, 5]) {
  const rates: number[] = [];
  let engine = '';
  for (let r = 0; r < RUNS; r++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const a: Controls = { ...DEFAULT_CONTROLS, model: 'mlp', depth: 20, width: 128, activation: 'tanh', init: 'default', data: 'mnist', batchSize: 64, steps: STEPS, every, lr: 0.01 };
    await page.goto(`${lab.url}#${encodeState({ preset: null, a, b: null, lang: 'en' })}`);
    await page.waitForFunction(() => (window as any).gradlabLab.runs().every((x: { status: string }) => x.status === 'completed' || x.status === 'failed'), null, { timeout: 600_000, polling: 500 });
    const [run] = await page.evaluate(() => (window as any).gradlabLab.runs().map((x: any) => ({ status: x.status, error: x.error, rate: x.rate, engine: x.engine })));
    if (run.status !== 'completed') throw new Error(`the run ${run.status}: ${run.error}`);
    rates.push(run.rate);
    engine = run.engine;
    await page.close();
  }
  console.log(`| ${every} | ${median(rates).toFixed(1)} | ${rates.map((x) => x.toFixed(1)).join(', ')} | ${engine} |`);
}

const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${lab.url}#${encodeState({ preset: null, a: { ...DEFAULT_CONTROLS }, b: null, lang: 'en' })}`);
  await page.waitForFunction(() => document.querySelector('.panel') !== null, null, { polling: 'raf' });
  loads.push(await page.evaluate(() => performance.now()));
  await ctx.close();
}
console.log(`\nFirst load (navigation → first panel, fresh context): median ${median(loads).toFixed(0)} ms (${loads.map((x) => x.toFixed(0)).join(', ')})\n`);

console.log('| file | raw bytes | gzip -9 bytes |');
console.log('|---|---|---|');
let app = 0;
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
for (const f of walk(appDir).sort()) {
  const raw = readFileSync(f);
  const gz = gzipSync(raw, { level: 9 }).length;
  const name = relative(appDir, f);
  if (name !== 'echarts.min.js') app += gz;
  console.log(`| ${name}${name === 'echarts.min.js' ? ' (fetched only to download a report)' : ''} | ${raw.length} | ${gz} |`);
}
console.log(`\nApp bundle (page + worker + CSS + HTML), gzipped: ${(app / 1024).toFixed(0)} KiB`);

await browser.close();
await lab.close();
rmSync(appDir, { recursive: true, force: true });
