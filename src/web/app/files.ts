/**
 * Downloads: the run record (.jsonl, the very lines the runner wrote, or the opened file) and
 * the HTML report the CLI would write (the report's buildReport, with echarts' browser build
 * fetched from beside the app: it is only needed for the report, so it is not in the bundle).
 */
import { buildReport } from '../../report/build.js';
import type { ReportRun } from '../../report/view.js';
import { recordOf, type RunData } from './run-data.js';
import type { Lang } from './state.js';

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 0);
}

function baseName(r: RunData): string {
  if (r.key === 'file' && r.fileName) return r.fileName.replace(/\.(jsonl|json|txt)$/i, '');
  const spec = r.header?.spec as { name?: unknown } | null | undefined;
  const name = typeof spec?.name === 'string' ? spec.name : 'run';
  return `${name.replace(/[^\w.-]+/g, '_')}-${r.key}`;
}

export function downloadRecords(runs: readonly RunData[]): void {
  for (const r of runs) if (r.lines !== null) save(new Blob(r.lines, { type: 'application/jsonl' }), `${baseName(r)}.jsonl`);
}

let chartLib: Promise<string> | null = null;

export async function downloadReport(runs: readonly RunData[], lang: Lang, notify: (m: string) => void): Promise<void> {
  const list: ReportRun[] = [];
  for (const r of runs) {
    const record = recordOf(r);
    if (record !== null) list.push({ record, metrics: r.metrics, label: r.key === 'file' ? (r.fileName ?? 'record') : r.key.toUpperCase(), ...(r.fileName ? { source: r.fileName } : {}) });
  }
  if (list.length === 0) return;
  try {
    chartLib ??= fetch(new URL('echarts.min.js', document.baseURI)).then((res) => {
      if (!res.ok) throw new Error(`echarts.min.js: ${res.status}`);
      return res.text();
    });
    const html = buildReport(list, { lang, chartLib: await chartLib });
    save(new Blob([html], { type: 'text/html' }), `${baseName(runs[0]!)}.html`);
  } catch (e) {
    chartLib = null;
    notify(e instanceof Error ? e.message : String(e));
  }
}
