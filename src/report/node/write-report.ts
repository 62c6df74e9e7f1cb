/**
 * The Node side of reports: read the chart library's browser build from the installed `echarts`
 * package (so the page needs no network) and write the page atomically.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { RunRecord } from '../../diagnostics/record/types.js';
import { writeFileAtomic } from '../../node/atomic-write.js';
import { buildReport, type ReportOptions } from '../build.js';
import type { ReportRun } from '../view.js';

let cached: string | null = null;

/** The source of echarts/dist/echarts.min.js, read once. */
export function loadChartLib(): string {
  if (cached === null) {
    const require = createRequire(import.meta.url);
    cached = readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  }
  return cached;
}

/** Build the report and write it to `path` atomically (parent folders created); returns the absolute path. */
export async function writeReport(
  path: string,
  runs: readonly (RunRecord | ReportRun)[],
  opts: Omit<ReportOptions, 'chartLib'> & { chartLib?: string } = {},
): Promise<string> {
  const html = buildReport(runs, { ...opts, chartLib: opts.chartLib ?? loadChartLib() });
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  await writeFileAtomic(abs, html);
  return abs;
}
