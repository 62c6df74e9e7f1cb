/**
 * The catalogue's contract (LAB.md): an entry is a named spec with an English and a French
 * paragraph, the variants run side by side, optional smaller sizes for the tour and the tests,
 * an optional measurement that is not a training run (printed beside the paper's numbers), and an
 * optional verdict on the runs ("Kaiming trains, Xavier stalls").
 */
import type { Spec } from '../spec/index.js';
import type { RunResult } from '../runner/index.js';
import type { DataSource } from '../data/index.js';

export type Lang = 'en' | 'fr';
export type Texts = { en: string; fr: string };

/** The lecture's remedies; together the entries cover every one of them (tested). */
export const REMEDIES = ['init', 'clipping', 'residual', 'norm', 'activation', 'optimizer', 'regularization'] as const;
export type Remedy = (typeof REMEDIES)[number];

/** A paper's numbers beside ours. `paper` holds null where the paper gives no number. */
export interface PaperTable {
  title: string;
  columns: string[];
  rows: { label: string; paper: (number | null)[]; ours: (number | null)[] }[];
  note?: Texts;
}

export interface MeasureContext {
  /** Where data files come from (Node: nodeDataSource(); browser: fetch). */
  source?: DataSource;
  /** Reduced sizes (tour, tests): seconds instead of minutes. */
  quick: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CatalogueEntry {
  id: string;
  title: Texts;
  /** The paragraph: what the experiment shows and why, in the lecture's terms. */
  about: Texts;
  remedies: Remedy[];
  /** The default spec (passes parseSpec). */
  base: Spec;
  /** Dotted-path overrides applied to `base`; one run per variant, side by side in the report. */
  variants: { label: string; set: Record<string, unknown> }[];
  /** Overrides for the tour and the tests (smaller sizes), applied after the variant's. */
  quick?: Record<string, unknown>;
  /** A measurement that is not a training run, with the paper's numbers beside ours. */
  measure?: (ctx: MeasureContext) => Promise<PaperTable>;
  /** Checks of the runs (one per variant, in the variants' order). */
  verdict?: (runs: RunResult[]) => { ok: boolean; text: Texts };
}
