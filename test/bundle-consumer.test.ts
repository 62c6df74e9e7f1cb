/**
 * gradlab as a bundler sees it: the package is built and packed (`npm pack`, so only the files
 * package.json ships), unpacked into a consumer app's node_modules, and the app (test/consumer-app)
 * is bundled the two ways users bundle: Vite's default production build and `esbuild --minify`.
 * Each bundle is served from 127.0.0.1 and run in headless Chromium, where it trains a small MLP
 * and diagnoses a deep tanh net. Tree shaking must keep the files that install Tensor methods
 * (package.json "sideEffects"), and minification, which renames classes, must not blind the doctor.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const APP = join(ROOT, 'test/consumer-app');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`consumer-bundle test not run: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves one directory on 127.0.0.1 (an ephemeral port); returns its base URL. */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${addr.port}/`, server };
}

interface AppResult {
  error?: string;
  first: number;
  last: number;
  layers: { name: string; type: string; kind: string }[];
  findings: string[];
}

describe.runIf(hasChromium)('consumer bundle', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gradlab-consumer-'));
  const app = join(tmp, 'app');
  let browser: Browser;

  beforeAll(async () => {
    // build and pack the package exactly as it would be published
    const pkg = join(tmp, 'pkg');
    mkdirSync(pkg);
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], { stdio: 'pipe' });
    const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { cwd: pkg, encoding: 'utf8' }).trim().split('\n').pop()!;
    cpSync(APP, app, { recursive: true });
    const dest = join(app, 'node_modules/gradlab');
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', dest, '--strip-components=1']);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function runIn(dir: string): Promise<AppResult> {
    const { url, server } = await serve(dir);
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction('window.__result !== undefined', undefined, { timeout: 60_000 });
      const r = (await page.evaluate('window.__result')) as AppResult;
      expect(errors).toEqual([]);
      return r;
    } finally {
      server.close();
    }
  }

  function check(r: AppResult): void {
    expect(r.error).toBeUndefined();
    expect(r.last).toBeLessThan(r.first * 0.5);
    // class names are minified away, yet every layer keeps its PyTorch type and kind
    const kinds = r.layers.map((l) => l.kind);
    expect(kinds.filter((k) => k === 'tanh').length).toBe(6);
    expect(kinds.filter((k) => k === 'linear').length).toBe(7);
    expect(new Set(r.layers.filter((l) => l.kind === 'tanh').map((l) => l.type))).toEqual(new Set(['Tanh']));
    expect(new Set(r.layers.filter((l) => l.kind === 'linear').map((l) => l.type))).toEqual(new Set(['Linear']));
    // N(0, 0.01²) on 6 tanh layers of width 64: each layer multiplies the signal by ≈ 0.01·√64 = 0.08
    expect(r.findings.length).toBeGreaterThan(0);
  }

  it('Vite production build (minified) trains and diagnoses in Chromium', async () => {
    const { build } = await import('vite');
    const out = join(tmp, 'vite-dist');
    await build({ root: app, logLevel: 'silent', mode: 'production', build: { outDir: out, emptyOutDir: true }, configFile: false });
    const js = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    check(await runIn(out));
  }, 180_000);

  it('esbuild --minify bundle trains and diagnoses in Chromium', async () => {
    const out = join(tmp, 'esbuild-dist');
    mkdirSync(out, { recursive: true });
    await esbuild({ entryPoints: [join(app, 'main.js')], bundle: true, minify: true, format: 'esm', platform: 'browser', outfile: join(out, 'main.js'), absWorkingDir: app, logLevel: 'silent' });
    cpSync(join(app, 'index.html'), join(out, 'index.html'));
    check(await runIn(out));
  }, 180_000);
});
