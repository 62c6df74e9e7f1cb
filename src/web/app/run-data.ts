/** One run as the page holds it: the run record so far (from a worker or a file) and its progress. */
import type { Finding } from '../../diagnostics/detectors/types.js';
import type { RunEnd, RunHeader, RunRecord, StepRecord } from '../../diagnostics/record/types.js';
import type { MetricPoint } from '../../report/view.js';
import type { Controls } from './state.js';

export type RunStatus = 'idle' | 'starting' | 'training' | 'completed' | 'failed' | 'stopped' | 'invalid' | 'loaded';

export interface RunData {
  /** 'a' and 'b': the configurations; 'file': a record opened from disk. */
  key: 'a' | 'b' | 'file';
  header: RunHeader | null;
  steps: StepRecord[];
  metrics: MetricPoint[];
  findings: Finding[];
  end: RunEnd | null;
  truncated: boolean;
  /** The complete record text (a finished run, or the opened file). */
  lines: string[] | null;
  status: RunStatus;
  error: string | null;
  step: number;
  total: number;
  rate: number | null;
  engine: string | null;
  /** The controls that made the run (null: a record whose spec is not the lab's). */
  controls: Controls | null;
  fileName: string | null;
  /** Bumped on every change: the panel redraws when it differs from what it drew. */
  version: number;
}

export function emptyRun(key: RunData['key'], controls: Controls | null): RunData {
  return {
    key,
    header: null,
    steps: [],
    metrics: [],
    findings: [],
    end: null,
    truncated: false,
    lines: null,
    status: 'idle',
    error: null,
    step: 0,
    total: 0,
    rate: null,
    engine: null,
    controls,
    fileName: null,
    version: 0,
  };
}

export function recordOf(r: RunData): RunRecord | null {
  return r.header === null ? null : { header: r.header, steps: r.steps, findings: r.findings, end: r.end, truncated: r.truncated };
}
