/**
 * A report opened as a reader opens it: two small lab runs → buildReport (echarts inlined) →
 * written to test-artifacts/ → loaded from file:// in headless Chromium. Every chart must hold
 * data (the options of the live echarts instances), the page must log no error, and the SVG export
 * must produce an SVG; a screenshot is kept as a test artefact. Skipped, with the reason, when
 * /usr/bin/chromium is absent (.ci/run installs it).
 */
import '../src/index.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRunRecord } from '../src/diagnostics/record/reader.js';
import { parseSpec, runSpec } from '../src/lab/index.js';
import { buildReport } from '../src/report/index.js';
import { loadChartLib, writeReport } from '../src/report/node/index.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

async function makeRuns() {
  const runs = [];
  for (const init of [{ normal: 0.05 }, 'xavierNormal']) {
    const spec = parseSpec({
      name: 'report-test',
      seed: 3,
      model: { type: 'mlp', depth: 3, width: 16, activation: 'tanh', init },
      data: { name: 'spirals', n: 128 },
      optimizer: { type: 'sgd', lr: 0.5 },
      clip: { type: 'norm', maxNorm: 0.5 },
      steps: 20,
      batchSize: 32,
      eval: { every: 10 },
      probe: { every: 2, histogramBins: 16 },
    });
    const r = await runSpec(spec, { createdAt: '2026-01-01T00:00:00.000Z' });
    expect(r.status).toBe('completed');
    runs.push({ record: readRunRecord(r.lines.join('')), metrics: r.metrics, source: `init=${JSON.stringify(init)}` });
  }
  return runs;
}

describe('report', () => {
  it('is one self-contained page: no external resource, data embedded safely, every word translated', async () => {
    const runs = await makeRuns();
    // A spec string that tries to close the data element must stay inside it.
    runs[0]!.record.header.spec = { ...(runs[0]!.record.header.spec as object), note: '</script><script>alert(1)</script>' };
    const html = buildReport(runs, { lang: 'fr', chartLib: loadChartLib(), generatedAt: 'fixed' });
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html.match(/<\/script>/g)!.length).toBe(3);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
    expect(html).toContain('<html lang="fr">');
    for (const w of ['Sommaire', 'Norme du gradient par couche et par pas', 'Perte et exactitude', 'Diagnostics', 'Spécification, graine et environnement']) expect(html).toContain(w);
    // Same inputs, same bytes.
    expect(buildReport(runs, { lang: 'fr', chartLib: 'x', generatedAt: 'fixed' })).toBe(buildReport(runs, { lang: 'fr', chartLib: 'x', generatedAt: 'fixed' }));
  });

  it.skipIf(!existsSync(CHROMIUM))(`opens offline in headless Chromium, every chart has data, PNG/SVG export (needs ${CHROMIUM})`, async () => {
    const { chromium } = await import('playwright-core');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = await writeReport(join(ARTIFACTS, 'report.html'), await makeRuns(), { lang: 'en', generatedAt: 'test' });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      // Offline: any request that is not the file itself fails the test.
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file://') && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) requests.push(r.url());
      });
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => (globalThis as { gradlabReport?: unknown }).gradlabReport !== undefined, null, { timeout: 20_000 });
      const charts = await page.evaluate(() => {
        const g = (globalThis as unknown as { gradlabReport: { options(): { id: string; option: { series: { type: string; data: unknown[] }[]; toolbox: { feature: Record<string, unknown> }[]; aria: { enabled: boolean } | { enabled: boolean }[] } }[] } }).gradlabReport;
        return g.options().map((o) => ({
          id: o.id,
          series: o.option.series.map((s) => ({ type: s.type, n: s.data.length })),
          features: Object.keys(o.option.toolbox[0]!.feature),
          aria: (Array.isArray(o.option.aria) ? o.option.aria[0]! : o.option.aria).enabled,
        }));
      });
      const ids = charts.map((c) => c.id);
      for (const id of ['chart-hist-0', 'chart-hist-1', 'chart-heat-0', 'chart-heat-1', 'chart-loss', 'chart-accuracy', 'chart-clip']) expect(ids).toContain(id);
      // every chart container on the page was drawn
      expect(await page.locator('.chart').count()).toBe(charts.length);
      for (const c of charts) {
        expect(c.series.length, c.id).toBeGreaterThan(0);
        for (const s of c.series) expect(s.n, `${c.id} ${s.type}`).toBeGreaterThan(0);
        expect(c.features, c.id).toEqual(['saveAsImage', 'mySvg']);
        expect(c.aria, c.id).toBe(true);
      }
      // 3 tanh layers per histogram chart, 4 weight layers per heatmap row set
      expect(charts.find((c) => c.id === 'chart-hist-0')!.series).toHaveLength(3);
      // the step slider moves the histograms to another recorded step
      await page.locator('#hist-step').fill('5');
      expect(await page.locator('#hist-step-value').textContent()).toBe('10');
      const svg = await page.evaluate(() => (globalThis as unknown as { gradlabReport: { toSVG(i: number): string } }).gradlabReport.toSVG(0));
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('<rect');
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
