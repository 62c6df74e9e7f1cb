import type { Finding } from '../../diagnostics/detectors/types.js';
import type { Lang } from '../../diagnostics/explain/index.js';
import type { StepRecord } from '../../diagnostics/record/types.js';
import type { Module } from '../../nn/module.js';
import type { SchedulerStateDict } from '../../optim/lr-scheduler/base.js';
import type { Optimizer, OptimizerStateDict } from '../../optim/optimizer.js';
import type { GeneratorState } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DataSource } from '../data/source.js';
import type { Spec } from '../spec/schema.js';

export interface RunProgress {
  /** Steps completed. */
  step: number;
  total: number;
  /** Loss of the last step (null before the first). */
  loss: number | null;
  phase: 'train' | 'eval';
}

/** One step's numbers: the loss of every step; train-batch accuracy with classes; test metrics at eval steps. */
export interface RunMetric {
  step: number;
  loss: number;
  accuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface RunResult {
  spec: Spec;
  label: string;
  /** The run record (JSON Lines), header first, end last; each line ends in '\n'. */
  lines: string[];
  /** The recorded steps (every probe.every-th). */
  records: StepRecord[];
  /** The doctor's verdict at the end (probe.findings({ lang })). */
  findings: Finding[];
  metrics: RunMetric[];
  status: 'completed' | 'failed' | 'stopped';
  error?: string;
  /** Steps completed. */
  steps: number;
  model: Module;
  optimizer: Optimizer<any>;
}

/**
 * Everything a run needs to continue exactly where it was: the model's parameters and buffers,
 * the optimizer's and the schedule's state, the global generator (dropout), the data generator
 * at the start of the current epoch and the position in it, the probe's step and generator, the
 * metrics so far and the record lines written so far. Tensors are copies.
 */
export interface RunCheckpoint {
  format: 'gradlab-lab-checkpoint';
  version: 1;
  /** Steps completed: the next step to run. */
  step: number;
  /** Epochs started (1 during the first). */
  epoch: number;
  /** Batches of the current epoch already used. */
  batchInEpoch: number;
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict;
  scheduler: SchedulerStateDict | null;
  rng: GeneratorState;
  /** The data generator when the current epoch's shuffle was drawn. */
  dataRng: GeneratorState;
  probe: { step: number; rng: GeneratorState };
  metrics: RunMetric[];
  /** Record lines so far: the header and the step lines. */
  lines: string[];
}
export type Checkpoint = RunCheckpoint;

export interface RunContext {
  /** Where image files come from (Node: nodeDataSource()). */
  source?: DataSource;
  /** Language of the findings (default 'en'). */
  lang?: Lang;
  /** A name for the run among others (a sweep point's label). */
  label?: string;
  onProgress?: (p: RunProgress) => void;
  /** Each record line as it is made (header, steps, findings, end), with its newline. */
  onLine?: (line: string) => void;
  /** Stop after the current step; the run ends with status 'stopped' and a valid record. */
  signal?: AbortSignal;
  /** Continue from this checkpoint (made by the same spec). */
  resume?: RunCheckpoint;
  /** Make a checkpoint every k steps and hand it to onCheckpoint (awaited). */
  checkpointEvery?: number;
  onCheckpoint?: (cp: RunCheckpoint) => void | Promise<void>;
  /** Header environment (runtime, platform…); Node: nodeEnvironment(). */
  environment?: Record<string, string | number | boolean | null>;
  /** Header time (default now). */
  createdAt?: string | Date | null;
}
