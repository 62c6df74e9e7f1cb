/**
 * Terminal rendering of records: numbers, aligned tables (cli-table3), and per-layer text
 * histograms (the lecture's figure in a terminal, one sparkline per layer).
 */
import Table from 'cli-table3';
import type { LayerRecord, StepRecord } from '../diagnostics/record/types.js';
import type { Colors } from './context.js';

export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1);
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

export function fmtSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const BARS = ' ▁▂▃▄▅▆▇█';
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(1, ...counts);
  return counts.map((c) => BARS[c === 0 ? 0 : Math.max(1, Math.round((c / max) * 8))]).join('');
}

/** A borderless, aligned table; numeric columns right-aligned. */
export function table(head: string[], rows: string[][], c: Colors, align?: ('left' | 'right')[]): string {
  const t = new Table({
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: ' ', 'left-mid': '', mid: '─', 'mid-mid': '─',
      right: '', 'right-mid': '', middle: ' ',
    },
    colAligns: align ?? head.map((_, i) => (i === 0 ? 'left' : 'right')),
  });
  t.push(...rows);
  return t.toString().replace(/^\s*\n/gm, '');
}

const ACTIVATIONS = new Set(['tanh', 'sigmoid', 'relu', 'activation']);

/** The layers a figure shows: activations (outputs after the nonlinearity) when there are any, else every layer. */
export function figureLayers(rec: StepRecord): LayerRecord[] {
  const sorted = [...rec.layers].sort((a, b) => a.index - b.index);
  const acts = sorted.filter((l) => ACTIVATIONS.has(l.kind));
  return acts.length > 0 ? acts : sorted;
}

const HEAD = {
  en: { layer: 'layer', mean: 'mean', std: 'std', dead: 'dead', saturated: 'saturated', grad: 'grad norm', hist: 'histogram of outputs' },
  fr: { layer: 'couche', mean: 'moyenne', std: 'écart type', dead: 'mortes', saturated: 'saturées', grad: 'norme du gradient', hist: 'histogramme des sorties' },
} as const;

/** Per-layer statistics of one record with a text histogram of each layer's output. */
export function layerTable(rec: StepRecord, c: Colors, lang: 'en' | 'fr' = 'en'): string {
  const H = HEAD[lang];
  const rows = figureLayers(rec).map((l) => {
    const o = l.output;
    const h = o?.histogram;
    const share = l.saturation ?? l.dead;
    const range = h ? c.dim(`[${fmtNum(h.lo)}, ${fmtNum(h.hi)}]`) : '';
    return [
      `${l.name} ${c.dim(l.kind)}`,
      fmtNum(o?.mean),
      fmtNum(o?.std),
      share === undefined ? '—' : fmtPct(share),
      fmtNum(l.grad?.norm),
      h ? `${c.cyan(sparkline(h.counts))} ${range}` : '—',
    ];
  });
  const shareHead = rec.layers.some((l) => l.dead !== undefined) && !rec.layers.some((l) => l.saturation !== undefined) ? H.dead : H.saturated;
  return table([H.layer, H.mean, H.std, shareHead, H.grad, H.hist], rows, c, ['left', 'right', 'right', 'right', 'right', 'left']);
}
