/**
 * ECharts, reduced to what the lab draws (bars, heatmap, lines on a canvas), and the options of
 * each view. Every option is built from the view model (../../report/view.ts: the report's own
 * picking of the record's numbers) and carries a text alternative (`aria`) made of those
 * numbers; the chart's container is a labelled image for assistive technology.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { HistogramView, RunView } from '../../report/view.js';
import { fmt, t } from './i18n/index.js';

echarts.use([BarChart, HeatmapChart, LineChart, AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
type Option = echarts.EChartsCoreOption;

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const HEAT = ['#0d0887', '#6a00a8', '#b12a90', '#e16462', '#fca636', '#f0f921'];

export function makeChart(el: HTMLElement): Chart {
  el.setAttribute('role', 'img');
  return echarts.init(el, null, { renderer: 'canvas' });
}

function aria(description: string): Option {
  return { aria: { enabled: true, label: { enabled: true, description } } };
}

/** Update a chart and its container's text alternative. */
export function show(chart: Chart, option: Option, description: string): void {
  chart.setOption({ animation: false, color: PALETTE, ...option, ...aria(description) }, { notMerge: true, lazyUpdate: true });
  chart.getDom().setAttribute('aria-label', description);
}

/** Height of a small-multiples chart of `n` layers in `cols` columns. */
export function multiplesHeight(n: number, cols: number): number {
  return Math.max(1, Math.ceil(n / cols)) * 130 + 10;
}

/**
 * One small histogram per layer (the lecture's figure) for the step at index `si` of the view;
 * `layerIdx` picks which of the view's layers are drawn. All of them share one value axis range
 * (the widest of the shown layers), so a signal that shrinks layer after layer is seen shrinking,
 * as in the lecture; each is drawn as steps over its own bins.
 */
export function histogramOption(v: HistogramView, si: number, layerIdx: number[], cols: number, what: string): { option: Option; description: string } {
  const grids: object[] = [];
  const xs: object[] = [];
  const ys: object[] = [];
  const titles: object[] = [];
  const series: object[] = [];
  const stds: string[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const li of layerIdx) {
    const b = v.bins[si]?.[li];
    if (b) [lo, hi] = [Math.min(lo, b[0]!), Math.max(hi, b[1]!)];
  }
  if (!(lo < hi)) [lo, hi] = [lo === Infinity ? -1 : lo - 1, hi === -Infinity ? 1 : hi + 1];
  layerIdx.forEach((li, k) => {
    const r = Math.floor(k / cols);
    const c = k % cols;
    const left = (c / cols) * 100;
    const bins = v.bins[si]?.[li] ?? null;
    const data: [number, number][] = [];
    if (bins) {
      const shares = bins.slice(2);
      const w = (bins[1]! - bins[0]!) / Math.max(1, shares.length);
      // closed steps: zero before the first bin and after the last
      data.push([bins[0]!, 0]);
      shares.forEach((x, j) => data.push([bins[0]! + j * w, x], [bins[0]! + (j + 1) * w, x]));
      data.push([bins[1]!, 0]);
    }
    const std = v.stds[si]?.[li] ?? null;
    stds.push(`${v.layers[li]} ${fmt(std)}`);
    titles.push({ text: `${v.layers[li]} · ${t('std')} ${fmt(std)}`, left: `${left + 1}%`, top: r * 130 + 2, textStyle: { fontSize: 11, fontWeight: 'normal' } });
    grids.push({ left: `${left + 3}%`, width: `${100 / cols - 6}%`, top: r * 130 + 24, height: 80 });
    xs.push({ type: 'value', gridIndex: k, min: lo, max: hi, splitNumber: 2, axisLabel: { fontSize: 9, formatter: (x: number) => fmt(x), hideOverlap: true }, splitLine: { show: false } });
    ys.push({ type: 'value', gridIndex: k, min: 0, show: false });
    series.push({ type: 'line', xAxisIndex: k, yAxisIndex: k, data, showSymbol: false, lineStyle: { width: 1, color: PALETTE[0] }, areaStyle: { color: PALETTE[0], opacity: 0.55 }, name: v.layers[li] });
  });
  const step = v.steps[si];
  const description = t('ariaHist', { what, n: layerIdx.length, step: step ?? '—', stds: stds.join(', ') });
  return { option: { title: titles, grid: grids, xAxis: xs, yAxis: ys, series }, description };
}

export function heatmapOption(heat: RunView['heat']): { option: Option; description: string } {
  const data: [number, number, number][] = [];
  let min = Infinity;
  let max = -Infinity;
  heat.log10.forEach((row, li) =>
    row.forEach((v, si) => {
      if (v === null) return;
      data.push([si, li, v]);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }),
  );
  if (!(min <= max)) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - 0.5, max + 0.5];
  const first = heat.log10[0] ?? [];
  const firstVals = first.filter((x): x is number => x !== null);
  const description = t('ariaHeat', { n: heat.layers.length, m: heat.steps.length, first: fmt(firstVals[0]), last: fmt(firstVals[firstVals.length - 1]) });
  return {
    option: {
      tooltip: { position: 'top', formatter: (p: { value: [number, number, number] }) => `${heat.layers[p.value[1]]} · ${t('step')} ${heat.steps[p.value[0]]}: ${fmt(p.value[2])}` },
      grid: { left: 90, right: 70, top: 10, bottom: 40 },
      xAxis: { type: 'category', data: heat.steps.map(String), name: t('step'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'category', data: heat.layers, axisLabel: { fontSize: 10 } },
      visualMap: { min, max, calculable: false, orient: 'vertical', right: 0, top: 'middle', itemHeight: 100, inRange: { color: HEAT }, text: ['', ''], formatter: (x: number) => fmt(x), textStyle: { fontSize: 10 } },
      series: [{ type: 'heatmap', data, name: t('log10grad') }],
    },
    description,
  };
}

export interface LineSeries {
  name: string;
  data: (number | null)[];
  dashed?: boolean;
  axis?: 0 | 1;
}

export function linesOption(x: number[], series: LineSeries[], opts: { what: string; log?: boolean; xName: string; yNames: [string, string?] }): { option: Option; description: string } {
  const hasRight = series.some((s) => s.axis === 1);
  const last = series.map((s) => {
    for (let i = s.data.length - 1; i >= 0; i--) if (s.data[i] !== null) return `${s.name} ${fmt(s.data[i])}`;
    return `${s.name} —`;
  });
  const description = t('ariaLines', { what: opts.what, series: series.map((s) => s.name).join(', '), n: x.length, last: last.join(', ') });
  const yAxis: object[] = [{ type: opts.log ? 'log' : 'value', name: opts.yNames[0], scale: true, axisLabel: { formatter: (v: number) => fmt(v) } }];
  if (hasRight) yAxis.push({ type: 'value', name: opts.yNames[1], min: 0, max: 1, axisLabel: { formatter: (v: number) => fmt(v) } });
  return {
    option: {
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
      grid: { left: 60, right: hasRight ? 50 : 20, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: x.map(String), name: opts.xName, nameLocation: 'middle', nameGap: 25 },
      yAxis,
      series: series.map((s) => ({
        type: 'line',
        name: s.name,
        data: opts.log ? s.data.map((v) => (v !== null && v > 0 ? v : null)) : s.data,
        yAxisIndex: s.axis ?? 0,
        showSymbol: x.length < 30,
        connectNulls: true,
        sampling: 'lttb',
        lineStyle: { width: 1.5, type: s.dashed ? 'dashed' : 'solid' },
      })),
    },
    description,
  };
}
