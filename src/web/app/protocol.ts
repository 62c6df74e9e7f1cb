/**
 * Messages between the page and a training worker. The worker sends the run record as it is
 * written (the header, each recorded step as a StepRecord, the findings), the loss of every
 * step in small batches, and the end; the page renders them and computes nothing of its own.
 */
import type { Finding } from '../../diagnostics/detectors/types.js';
import type { RunHeader, StepRecord } from '../../diagnostics/record/types.js';
import type { Spec } from '../../lab/spec/index.js';
import type { MetricPoint } from '../../report/view.js';

export type ToWorker =
  | { type: 'start'; runId: number; spec: Spec; lang: 'en' | 'fr'; dataBase: string };

export type FromWorker =
  | { type: 'ready'; runId: number; backend: string; threads: number }
  | { type: 'header'; runId: number; header: RunHeader }
  | { type: 'step'; runId: number; record: StepRecord }
  | { type: 'metrics'; runId: number; points: MetricPoint[]; total: number; rate: number | null }
  /** The doctor's verdict on the records so far (raw and explained; the page re-explains in its language). */
  | { type: 'findings'; runId: number; findings: Finding[] }
  | { type: 'end'; runId: number; status: 'completed' | 'failed' | 'stopped'; error?: string; lines: string[]; metrics: MetricPoint[]; findings: Finding[]; stepsPerSecond: number | null }
  | { type: 'error'; runId: number; message: string };
