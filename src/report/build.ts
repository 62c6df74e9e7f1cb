/**
 * `buildReport(runs, { lang, chartLib, title })` → one self-contained HTML page: the chart
 * library and the data are inlined, so the file opens offline from file:// and can be mailed or
 * archived as is. Portable (no Node API): the CLI writes the page to disk, the web lab can offer
 * it as a download.
 *
 * Tables, findings and specs are plain HTML (readable without JavaScript and on paper); the
 * charts are drawn by the page script (client.ts) from the JSON embedded in the page.
 */
import { ValueError } from '../tensor/errors.js';
import type { RunRecord } from '../diagnostics/record/types.js';
import type { Finding } from '../diagnostics/detectors/types.js';
import { CLIENT_SCRIPT } from './client.js';
import { esc, fmtNum, fmtPct, jsonForScript, scriptForInline, slug } from './html.js';
import { LABELS, REPORT_LANGS, type Labels, type ReportLang } from './i18n.js';
import { runLabels } from './labels.js';
import { REPORT_CSS } from './styles.js';
import { runView, type ReportRun, type RunView } from './view.js';

export interface ReportOptions {
  lang?: ReportLang;
  /** The chart library's browser build (echarts.min.js source), inlined into the page. */
  chartLib: string;
  title?: string;
  /** Shown in the header; default now. Pass a fixed value for byte-identical reports. */
  generatedAt?: string;
}

const OP = 'buildReport';

function isRecord(r: RunRecord | ReportRun): r is RunRecord {
  return (r as RunRecord).header !== undefined && (r as ReportRun).record === undefined;
}

export function buildReport(runs: readonly (RunRecord | ReportRun)[], opts: ReportOptions): string {
  const lang = opts.lang ?? 'en';
  if (!REPORT_LANGS.includes(lang)) throw new ValueError(OP, `unknown language '${String(lang)}'; use 'en' or 'fr'`);
  if (typeof opts.chartLib !== 'string' || opts.chartLib.length === 0)
    throw new ValueError(OP, 'chartLib must be the source text of echarts.min.js (in Node: loadChartLib() from src/report/node)');
  if (!Array.isArray(runs) || runs.length === 0) throw new ValueError(OP, 'give at least one run record');
  const list: ReportRun[] = runs.map((r) => (isRecord(r) ? { record: r } : r));
  for (const [i, r] of list.entries())
    if (!r.record?.header || !Array.isArray(r.record.steps)) throw new ValueError(OP, `run ${i + 1} is not a run record (read it with readRunRecord)`);
  const L = LABELS[lang];
  const labels = runLabels(list);
  const views = list.map((r, i) => runView(r, labels[i]!));
  const title = opts.title ?? `${L.docTitle} — ${labels.join(' · ')}`;
  const generatedAt = opts.generatedAt ?? new Date().toISOString();

  const has = {
    hist: views.some((v) => v.hist.layers.length > 0 && v.hist.bins.length > 0),
    heat: views.some((v) => v.heat.log10.some((row) => row.some((x) => x !== null))),
    loss: views.some((v) => (v.curves.series.loss ?? []).some((x) => x !== null)),
    acc: views.some((v) => ['accuracy', 'testAccuracy'].some((k) => (v.curves.series[k] ?? []).some((x) => x !== null))),
    clip: views.some((v) => v.clip.before.some((x) => x !== null)),
  };
  const sections: [string, string, string][] = [
    ['summary', L.summary, summary(views, L)],
    ['figure', L.figure, figure(views, L, has.hist)],
    ['gradients', L.heatmap, heatmaps(views, L, has.heat)],
    ['curves', L.curves, curves(L, has.loss, has.acc)],
    ['clipping', L.clipping, has.clip ? `<p class="about">${esc(L.clippingAbout)}</p><div class="chart figure" id="chart-clip"></div>` : `<p class="muted">${esc(L.clippingNone)}</p>`],
    ['findings', L.findings, views.map((v) => findingsOf(v, L, views.length > 1)).join('\n')],
    ['layers', L.layerStats, layerTables(views, L)],
    ['setup', L.setup, views.map((v) => setup(v, L, views.length > 1)).join('\n')],
  ];
  const data = {
    lang,
    labels: L,
    runs: views.map((v, i) => ({ label: v.label, slug: slug(v.label, i), hist: v.hist, heat: v.heat, curves: v.curves, clip: v.clip })),
  };
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradlab">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="muted">${esc(L.generated)} ${esc(generatedAt)} · ${views.length} ${esc(L.runs)}</p>
<p class="noscript">${esc(L.scriptOff)}</p>
</header>
<nav class="toc" aria-label="${esc(L.contents)}"><h2>${esc(L.contents)}</h2><ol>
${sections.map(([id, name]) => `<li><a href="#${id}">${esc(name)}</a></li>`).join('\n')}
</ol></nav>
${sections.map(([id, name, body]) => `<section id="${id}" aria-labelledby="h-${id}">\n<h2 id="h-${id}">${esc(name)}</h2>\n${body}\n</section>`).join('\n')}
</main>
<script type="application/json" id="gradlab-data">${jsonForScript(data)}</script>
<script>${scriptForInline(opts.chartLib)}</script>
<script>${scriptForInline(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}

function statusCell(v: RunView, L: Labels): string {
  const s = v.status === null ? `<span class="muted">${esc(L.noEnd)}</span>` : `<span class="status-${esc(v.status)}">${esc(L[v.status as 'completed'] ?? v.status)}</span>`;
  return s + (v.error ? `<br><small>${esc(v.error)}</small>` : '') + (v.truncated ? `<br><small>${esc(L.truncated)}</small>` : '');
}

function severityCounts(fs: readonly Finding[], L: Labels): string {
  if (fs.length === 0) return `<span class="ok">✓</span>`;
  return (['critical', 'warning', 'info'] as const)
    .map((s) => [s, fs.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `<span class="sev-${s}"><span class="badge">${esc(L[s])}</span>${n}</span>`)
    .join(' ');
}

function summary(views: readonly RunView[], L: Labels): string {
  const rows = views
    .map(
      (v) => `<tr><td>${esc(v.label)}${v.source ? `<br><small class="muted">${esc(v.source)}</small>` : ''}</td><td>${statusCell(v, L)}</td>` +
        `<td class="num">${v.recordedSteps}</td><td class="num">${v.lastStep ?? '—'}</td><td class="num">${fmtNum(v.finalLoss)}</td>` +
        `<td class="num">${v.finalAccuracy === null ? '—' : fmtPct(v.finalAccuracy)}</td><td>${severityCounts(v.findings, L)}</td><td class="num">${v.seed ?? '—'}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>${esc(L.run)}</th><th>${esc(L.status)}</th><th class="num">${esc(L.steps)}</th><th class="num">${esc(L.lastStep)}</th>` +
    `<th class="num">${esc(L.finalLoss)}</th><th class="num">${esc(L.finalAccuracy)}</th><th>${esc(L.findings)}</th><th class="num">${esc(L.seed)}</th></tr></thead>\n<tbody>${rows}</tbody></table>`;
}

function chartHeight(layers: number): number {
  return Math.ceil(layers / 6) * 170 + 40;
}

function figure(views: readonly RunView[], L: Labels, any: boolean): string {
  if (!any) return `<p class="muted">${esc(L.figureNone)}</p>`;
  const multi = new Set(views.flatMap((v) => v.hist.steps)).size > 1;
  const slider = multi
    ? `<div class="slider"><label for="hist-step">${esc(L.sliderLabel)}</label><input type="range" id="hist-step" min="0" max="0" value="0" step="1"><output id="hist-step-value" for="hist-step"></output></div>`
    : '';
  const charts = views
    .map((v, i) => (v.hist.layers.length > 0 && v.hist.bins.length > 0 ? `<div class="chart figure" data-chart="hist" data-run="${i}" id="chart-hist-${i}" style="height:${chartHeight(v.hist.layers.length)}px"></div>` : ''))
    .join('\n');
  return `<p class="about">${esc(L.figureAbout)}</p>\n${slider}\n${charts}`;
}

function heatmaps(views: readonly RunView[], L: Labels, any: boolean): string {
  if (!any) return `<p class="muted">${esc(L.heatmapNone)}</p>`;
  const charts = views
    .map((v, i) =>
      v.heat.log10.some((row) => row.some((x) => x !== null))
        ? `<div class="chart figure" data-chart="heat" data-run="${i}" id="chart-heat-${i}" style="height:${Math.max(200, v.heat.layers.length * 22 + 90)}px"></div>`
        : '',
    )
    .join('\n');
  return `<p class="about">${esc(L.heatmapAbout)}</p>\n${charts}`;
}

function curves(L: Labels, loss: boolean, acc: boolean): string {
  return `<p class="about">${esc(L.curvesAbout)}</p>\n` +
    (loss ? `<div class="chart figure" id="chart-loss"></div>` : '') +
    (acc ? `<div class="chart figure" id="chart-accuracy"></div>` : `<p class="muted">${esc(L.accuracyNone)}</p>`);
}

function evidence(f: Finding): string {
  const entries = Object.entries(f.evidence);
  if (entries.length === 0) return '';
  const show = (x: unknown): string => (typeof x === 'number' ? fmtNum(x) : Array.isArray(x) ? x.map(show).join(', ') : String(x));
  return `<details><summary>${entries.length} ⋯</summary><table>${entries.map(([k, x]) => `<tr><th>${esc(k)}</th><td>${esc(show(x))}</td></tr>`).join('')}</table></details>`;
}

function findingsOf(v: RunView, L: Labels, heading: boolean): string {
  const head = heading ? `<h3>${esc(v.label)}</h3>\n` : '';
  if (v.findings.length === 0) return `${head}<p class="ok">✓ ${esc(L.findingsNone)}</p>`;
  const note = v.findingsDerived ? `<p class="muted">${esc(L.findingsRederived)}</p>` : '';
  const items = v.findings
    .map(
      (f) => `<article class="finding sev-${esc(f.severity)}">
<h4><span class="badge">${esc(L[f.severity] ?? f.severity)}</span>${esc(f.message)}</h4>
<p class="meta">${esc(f.id)} · ${esc(L.layers)}: ${esc(f.layers.join(', ') || '—')} · ${esc(L.atStep)} ${f.step}</p>
<p><strong>${esc(L.explanation)}.</strong> ${esc(f.explanation)}</p>
${f.remedies.length > 0 ? `<p><strong>${esc(L.remedies)}</strong></p><ol>${f.remedies.map((r) => `<li>${esc(r.text)}${r.code ? `<pre><code>${esc(r.code)}</code></pre>` : ''}</li>`).join('')}</ol>` : ''}
${evidence(f).replace('<summary>', `<summary>${esc(L.evidence)} `)}
</article>`,
    )
    .join('\n');
  return `${head}${note}${items}`;
}

function layerTables(views: readonly RunView[], L: Labels): string {
  const about = `<p class="about">${esc(L.layerStatsAbout)}</p>`;
  if (views.length === 2) {
    const [a, b] = views as [RunView, RunView];
    const names = [...new Set([...a.layerStats.map((l) => l.name), ...b.layerStats.map((l) => l.name)])];
    const at = (v: RunView, n: string) => v.layerStats.find((l) => l.name === n);
    const rows = names
      .map((n) => {
        const x = at(a, n), y = at(b, n);
        return `<tr><td>${esc(n)}</td><td>${esc(x?.kind ?? y?.kind ?? '')}</td><td class="num">${fmtNum(x?.stdLast)}</td><td class="num">${fmtNum(y?.stdLast)}</td>` +
          `<td class="num">${fmtNum(x?.gradLast)}</td><td class="num">${fmtNum(y?.gradLast)}</td></tr>`;
      })
      .join('\n');
    return `${about}<table><thead><tr><th rowspan="2">${esc(L.layer)}</th><th rowspan="2">${esc(L.kind)}</th><th colspan="2">${esc(L.actStd)} (${esc(L.last)})</th><th colspan="2">${esc(L.gradNorm)} (${esc(L.last)})</th></tr>` +
      `<tr><th class="num">${esc(a.label)}</th><th class="num">${esc(b.label)}</th><th class="num">${esc(a.label)}</th><th class="num">${esc(b.label)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  }
  return about + views
    .map((v) => {
      const rows = v.layerStats
        .map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(l.kind)}</td><td class="num">${fmtNum(l.stdFirst)}</td><td class="num">${fmtNum(l.stdLast)}</td><td class="num">${fmtNum(l.gradFirst)}</td><td class="num">${fmtNum(l.gradLast)}</td></tr>`)
        .join('\n');
      return `${views.length > 1 ? `<h3>${esc(v.label)}</h3>` : ''}<table><thead><tr><th rowspan="2">${esc(L.layer)}</th><th rowspan="2">${esc(L.kind)}</th><th colspan="2">${esc(L.actStd)}</th><th colspan="2">${esc(L.gradNorm)}</th></tr>` +
        `<tr><th class="num">${esc(L.first)}</th><th class="num">${esc(L.last)}</th><th class="num">${esc(L.first)}</th><th class="num">${esc(L.last)}</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('\n');
}

function setup(v: RunView, L: Labels, heading: boolean): string {
  const env = Object.entries(v.environment);
  return `${heading ? `<h3>${esc(v.label)}</h3>` : ''}
<table><tbody>
<tr><th>${esc(L.seed)}</th><td>${v.seed ?? '—'}</td></tr>
<tr><th>${esc(L.created)}</th><td>${esc(v.createdAt ?? '—')}</td></tr>
<tr><th>${esc(L.library)}</th><td>${esc(v.library)}</td></tr>
${env.map(([k, x]) => `<tr><th>${esc(k)}</th><td>${esc(x ?? '—')}</td></tr>`).join('\n')}
</tbody></table>
<p><strong>${esc(L.spec)}</strong></p>
${v.spec === null || v.spec === undefined ? `<p class="muted">${esc(L.specNone)}</p>` : `<pre><code>${esc(JSON.stringify(v.spec, null, 2))}</code></pre>`}`;
}
