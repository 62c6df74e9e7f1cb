/**
 * The web lab end to end: the app is built with Vite into a temporary folder, served by
 * serveLab (COOP/COEP, so the page is cross-origin isolated and the kernels may use threads) and
 * driven in headless Chromium. Skipped, with a notice, when Chromium is not installed.
 *
 * - the init-tanh preset with N(0, 0.01²): histograms with data, a collapse/vanishing finding;
 *   its remedy changes the controls, restarts the training, and the finding is gone;
 * - a URL carrying a state sets every control, and two loads give the same first-step loss; the
 *   run downloads as its run record and as the HTML report;
 * - a run record written by the library (Probe + RunRecordWriter) opens into the same views;
 * - changing a control while a run trains is handled at once (the worker trains, not the page);
 * - in French no string of the English dictionary is left; axe-core finds no serious violation;
 * - screenshots at 1280×800 and 390×844 under test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Probe, manualSeed, optim, F, randn, randint, type Tensor } from '../src/index.js';
import { RunRecordWriter } from '../src/diagnostics/record/writer.js';
import { readRunRecord } from '../src/diagnostics/record/reader.js';
import { mlp } from '../src/nn/mlp.js';
import { runSpec } from '../src/lab/runner/index.js';
import { parseSpec } from '../src/lab/spec/index.js';
import { serveLab, type LabServer } from '../src/web/node/serve.js';
import { en } from '../src/web/app/i18n/en.js';
import { fr } from '../src/web/app/i18n/fr.js';
import { DEFAULT_CONTROLS, encodeState, type Controls } from '../src/web/app/state.js';

// Code in page.evaluate runs in the browser; this file is type-checked without the DOM library.
declare const window: any, document: any, crossOriginIsolated: boolean, NodeFilter: any;

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web-lab test not run: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const ARTIFACTS = join(ROOT, 'test-artifacts');

interface RunInfo {
  key: string;
  status: string;
  error: string | null;
  steps: number;
  firstLoss: number | null;
  findings: string[];
  layers: string[];
}

async function runs(page: Page): Promise<RunInfo[]> {
  return page.evaluate(() =>
    (window as unknown as { gradlabLab: { runs(): any[] } }).gradlabLab.runs().map((r) => ({
      key: r.key,
      status: r.status,
      error: r.error,
      steps: r.steps.length,
      firstLoss: r.metrics[0]?.loss ?? null,
      findings: r.findings.map((f: { id: string }) => f.id),
      layers: (r.steps[0]?.layers ?? []).map((l: { name: string }) => l.name),
    })),
  );
}

async function waitDone(page: Page, timeout = 30_000): Promise<RunInfo[]> {
  await page.waitForFunction(
    () => (window as unknown as { gradlabLab: { runs(): { status: string }[] } }).gradlabLab.runs().every((r) => !['starting', 'training', 'idle'].includes(r.status)),
    null,
    { timeout, polling: 100 },
  );
  // one more frame so the panels draw the end
  await page.waitForTimeout(250);
  return runs(page);
}

const TANH_PRESET_HASH = `#preset=init-tanh.0&lang=en`;

describe.runIf(hasChromium)('web lab', () => {
  const appDir = mkdtempSync(join(tmpdir(), 'gradlab-web-'));
  let lab: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'src/web/app/vite.config.ts'), logLevel: 'error', build: { outDir: appDir, emptyOutDir: true } });
    lab = await serveLab({ port: 0, appDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    rmSync(appDir, { recursive: true, force: true });
  });

  async function open(hash: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(lab.url + hash);
    return { page, errors };
  }

  it('serves the app cross-origin isolated, with the data files', async () => {
    const res = await fetch(lab.url);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const data = await fetch(`${lab.url}data/mnist/t10k-labels-idx1-ubyte.gz`);
    expect(data.status).toBe(200);
    expect((await fetch(`${lab.url}data/../package.json`)).status).toBe(404);
    expect((await fetch(`${lab.url}echarts.min.js`)).status).toBe(200);
  });

  it('init-tanh with N(0, 0.01²): histograms, a collapse finding, and its remedy cures it', async () => {
    const { page, errors } = await open('');
    await page.selectOption('#preset', 'init-tanh.0');
    expect(await page.inputValue('#ctl-init')).toBe('normal');
    expect(Number(await page.inputValue('#ctl-initValue'))).toBe(0.01);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const [run] = await waitDone(page);
    expect(run!.status).toBe('completed');
    expect(run!.findings.some((f) => f === 'activation-collapse' || f === 'vanishing-gradients')).toBe(true);
    // the activation histograms: six tanh layers, drawn with their numbers as text alternative
    const actChart = page.locator('.panel .chart.multiples').first();
    await expect.poll(() => actChart.getAttribute('aria-label')).toMatch(/of 6 layers at step 0/);
    expect(await actChart.locator('canvas').count()).toBeGreaterThan(0);
    const bad = run!.findings.find((f) => f === 'activation-collapse' || f === 'vanishing-gradients')!;
    await page.screenshot({ path: join(ARTIFACTS, 'web-lab-init-tanh-1280x800.png'), fullPage: true });

    // apply the first remedy of that finding: Xavier with tanh's gain, zero biases
    await page.locator(`.finding[data-id="${bad}"] button.apply`).first().click();
    expect(await page.inputValue('#ctl-init')).toBe('xavierNormal');
    expect(Number(await page.inputValue('#ctl-gain'))).toBeCloseTo(5 / 3, 6);
    expect(await page.evaluate(() => (window as any).gradlabLab.state().a.init)).toBe('xavierNormal');
    expect(page.url()).toContain('init=xavierNormal');
    const [cured] = await waitDone(page);
    expect(cured!.status).toBe('completed');
    expect(cured!.steps).toBeGreaterThan(0);
    expect(cured!.findings).not.toContain(bad);
    expect(await page.locator(`.finding[data-id="${bad}"]`).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a URL carries the whole state, and reproduces the first loss', async () => {
    const a: Controls = {
      ...DEFAULT_CONTROLS,
      model: 'mlp', depth: 4, width: 24, activation: 'relu', init: 'kaimingUniform', initValue: 0.02, gain: 1.5, bias: 'zeros',
      norm: 'layer', residual: true, dropout: 0.1, optimizer: 'adam', lr: 0.003, weightDecay: 0.001, clip: 'norm', clipAt: 2,
      batchSize: 16, steps: 20, every: 2, data: 'moons', seed: 7,
    };
    const hash = `#${encodeState({ preset: null, a, b: null, lang: 'en' })}`;
    const first: number[] = [];
    for (let load = 0; load < 2; load++) {
      const { page, errors } = await open(hash);
      for (const [k, v] of Object.entries(a)) {
        const el = page.locator(`#ctl-${k}`);
        if (typeof v === 'boolean') expect(await el.isChecked(), k).toBe(v);
        else expect(await el.inputValue(), k).toBe(String(v));
      }
      const [run] = await waitDone(page);
      expect(run!.status, run!.error ?? '').toBe('completed');
      first.push(run!.firstLoss!);
      if (load === 0) {
        // downloads: the run record the runner wrote, and the HTML report the CLI would write
        const [rec] = await Promise.all([page.waitForEvent('download'), page.click('#download-record')]);
        const record = readRunRecord(readFileSync((await rec.path())!, 'utf8'));
        expect(record.steps.length).toBe(run!.steps);
        expect(record.end?.status).toBe('completed');
        expect((record.header.spec as { seed: number }).seed).toBe(7);
        const [rep] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
        const html = readFileSync((await rep.path())!, 'utf8');
        expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
        expect(html).toContain('id="gradlab-data"');
      }
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(Number.isFinite(first[0])).toBe(true);
    expect(first[1]).toBe(first[0]);
  });

  it('runs two configurations side by side on the same data and seed', async () => {
    const a: Controls = { ...DEFAULT_CONTROLS, depth: 6, width: 32, init: 'normal', initValue: 0.01, steps: 20, every: 2, data: 'moons', seed: 5 };
    const b: Controls = { ...a, init: 'xavierNormal', gain: 5 / 3 };
    const { page, errors } = await open(`#${encodeState({ preset: null, a, b, lang: 'en' })}`);
    expect(await page.locator('.panel').count()).toBe(2);
    const [ra, rb] = await waitDone(page);
    expect([ra!.status, rb!.status]).toEqual(['completed', 'completed']);
    const st = await page.evaluate(() => (window as any).gradlabLab.state());
    expect(st.b.init).toBe('xavierNormal');
    expect(st.b.seed).toBe(5);
    // B's controls in the form
    await page.check('input[name="editing"][value="b"]');
    expect(await page.inputValue('#ctl-init')).toBe('xavierNormal');
    expect(await page.locator('#ctl-data').isDisabled()).toBe(true);
    expect(ra!.findings).toContain('vanishing-gradients');
    expect(rb!.findings).not.toContain('vanishing-gradients');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a run record written by the library', async () => {
    manualSeed(3);
    const model = mlp({ inFeatures: 32, hidden: [32, 32, 32, 32, 32, 32], outFeatures: 4, activation: 'tanh', init: { normal: 0.01 }, initBias: 'zeros' });
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    const probe = new Probe(model, { optimizer, every: 1 });
    for (let s = 0; s < 4; s++) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(randn([16, 32])) as Tensor, randint(0, 4, [16]));
      loss.backward();
      optimizer.step();
      probe.step({ loss, optimizer });
    }
    const findings = probe.findings();
    probe.detach();
    expect(findings.length).toBeGreaterThan(0);
    const w = new RunRecordWriter({ seed: 3, spec: { note: 'a script of my own' } });
    let text = w.header();
    for (const r of probe.records) text += w.step(r);
    for (const f of findings) text += w.finding(f);
    text += w.end();
    const file = join(appDir, '..', `gradlab-web-record-${process.pid}.jsonl`);
    writeFileSync(file, text);

    const { page, errors } = await open(TANH_PRESET_HASH);
    await page.setInputFiles('#open-record', file);
    await expect.poll(async () => (await runs(page))[0]?.status).toBe('loaded');
    const [run] = await runs(page);
    expect(run!.layers).toEqual(probe.records[0]!.layers.map((l) => l.name));
    expect(await page.locator('.panel h2').first().textContent()).toContain('gradlab-web-record');
    // the panel draws at the next frame
    await expect.poll(() => page.locator('.finding').count()).toBe(findings.length);
    for (const f of findings) expect(await page.locator(`.finding[data-id="${f.id}"]`).count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.panel .chart.multiples').first().getAttribute('aria-label')).toMatch(/of 6 layers at step 3/);
    expect(errors).toEqual([]);
    rmSync(file, { force: true });
    await page.close();
  });

  it('opens a record of the lab\'s runner and applies its remedy to the record\'s settings', async () => {
    // what `gradlab run` writes: the runner's lines, its spec in the header
    const spec = parseSpec({ name: 'cli-run', seed: 2, model: { type: 'mlp', depth: 6, width: 32, activation: 'tanh', init: { normal: 0.01 } }, data: { name: 'moons', n: 200 }, batchSize: 32, steps: 10, eval: null, probe: { every: 2 } });
    const res = await runSpec(spec);
    expect(res.findings.map((f) => f.id)).toContain('vanishing-gradients');
    const file = join(appDir, '..', `cli-run-${process.pid}.jsonl`);
    writeFileSync(file, res.lines.join(''));
    const { page, errors } = await open(TANH_PRESET_HASH);
    await page.setInputFiles('#open-record', file);
    await expect.poll(() => page.locator('.finding[data-id="vanishing-gradients"] button.apply').count()).toBeGreaterThan(0);
    await page.locator('.finding[data-id="vanishing-gradients"] button.apply').first().click();
    // the record's settings with the remedy, trained in the page
    expect(await page.inputValue('#ctl-init')).toBe('xavierNormal');
    expect(await page.inputValue('#ctl-depth')).toBe('6');
    expect(await page.inputValue('#ctl-data')).toBe('moons');
    const [run] = await waitDone(page);
    expect(run!.key).toBe('a');
    expect(run!.status).toBe('completed');
    expect(run!.findings).not.toContain('vanishing-gradients');
    expect(errors).toEqual([]);
    rmSync(file, { force: true });
    await page.close();
  });

  it('changing a control while training is handled at once (the worker trains)', async () => {
    const { page, errors } = await open(`#${encodeState({ preset: null, a: { ...DEFAULT_CONTROLS, steps: 5000 }, b: null, lang: 'en' })}`);
    await page.waitForFunction(() => (window as any).gradlabLab.runs()[0].metrics.length > 5, null, { timeout: 20_000 });
    const ms = await page.evaluate(() => {
      const sel = document.querySelector("#ctl-activation");
      const t0 = performance.now();
      sel.value = 'relu';
      sel.dispatchEvent(new Event('change'));
      return performance.now() - t0;
    });
    console.log(`control change while training: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(100);
    expect(await page.evaluate(() => (window as any).gradlabLab.state().a.activation)).toBe('relu');
    await page.click('#stop');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('speaks French everywhere, passes axe, and fits a phone', async () => {
    const { page, errors } = await open(TANH_PRESET_HASH);
    await waitDone(page);
    // accessibility (English, a finished run with findings on the page)
    await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical').map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
    });
    expect(violations).toEqual([]);

    await page.selectOption('#lang', 'fr');
    await waitDone(page);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    // every text node and text attribute against the English dictionary (entries that differ in French)
    const english = (Object.keys(en) as (keyof typeof en)[]).filter((k) => en[k] !== fr[k]).map((k) => en[k] as string);
    const texts = await page.evaluate(() => {
      const out: string[] = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) if (n.textContent!.trim()) out.push(n.textContent!.trim());
      for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]'))
        for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a)!);
      return out;
    });
    const pattern = (s: string): RegExp => new RegExp(`^${s.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '.*')}$`, 's');
    const left = texts.filter((x) => english.some((e) => (e.includes('{') ? pattern(e).test(x) : x === e)));
    expect(left).toEqual([]);
    expect(texts.some((x) => x.includes('Entraîner'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();

    const phone = await open(`${TANH_PRESET_HASH.replace('lang=en', 'lang=fr')}`, { width: 390, height: 844 });
    await waitDone(phone.page);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'web-lab-390x844.png') });
    const desk = await open(TANH_PRESET_HASH);
    await waitDone(desk.page);
    await desk.page.screenshot({ path: join(ARTIFACTS, 'web-lab-1280x800.png') });
    await phone.page.close();
    await desk.page.close();
  });
});
