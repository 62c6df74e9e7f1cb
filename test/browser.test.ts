/**
 * The core library runs unchanged in a browser: bundle src/index.ts for the browser with esbuild,
 * load it into headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and
 * train a small network there; the losses must match the same run in Node.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gl from '../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser test not run: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** The same program runs in Node and in the page; it only uses the public API. */
function program(lib: typeof gl): number[] {
  lib.manualSeed(42);
  const x = lib.randn([32, 8]);
  const yTrue = lib.randn([32, 1]);
  const w1 = lib.randn([8, 16]).mul(0.3).detach().requiresGrad_();
  const w2 = lib.randn([16, 1]).mul(0.3).detach().requiresGrad_();
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const pred = lib.matmul(lib.matmul(x, w1).tanh(), w2);
    const loss = pred.sub(yTrue).mul(pred.sub(yTrue)).mean();
    w1.grad = null;
    w2.grad = null;
    loss.backward();
    lib.noGrad(() => {
      w1.sub_(w1.grad!.mul(0.1));
      w2.sub_(w2.grad!.mul(0.1));
    });
    losses.push(loss.item());
  }
  return losses;
}

describe.runIf(hasChromium)('browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('bundles for the browser and trains there exactly as in Node', async () => {
    const out = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      globalName: 'gradlab',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent('<!doctype html><title>gradlab</title>');
    await page.addScriptTag({ content: code });
    const losses = (await page.evaluate(`(${program.toString()})(globalThis.gradlab)`)) as number[];
    expect(errors).toEqual([]);
    const expected = program(gl);
    expect(losses.length).toBe(expected.length);
    for (let i = 0; i < losses.length; i++) expect(losses[i]).toBeCloseTo(expected[i]!, 5);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
  });
});
