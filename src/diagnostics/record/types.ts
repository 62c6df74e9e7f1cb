/**
 * The run record in memory: the header, one record per probed step, the findings, the end.
 * On disk each is one JSON line (docs/run-record.md); non-finite numbers are written as the
 * strings "NaN", "Infinity", "-Infinity" and read back as numbers.
 */
import type { Finding } from '../detectors/types.js';

export const RUN_RECORD_FORMAT = 'gradlab-run-record';
export const RUN_RECORD_VERSION = 1;
/** The library version written into headers (kept equal to package.json by a test). */
export const LIBRARY_VERSION = '0.1.0';

/**
 * What a probed module is, for the detectors: weight layers (`linear`, `conv`, `recurrent`),
 * `norm` layers, activations (`tanh`, `sigmoid`, `relu` for the ReLU family, `activation` for
 * the others), `dropout`, `embedding`, `other`.
 */
export type LayerKind =
  | 'linear'
  | 'conv'
  | 'recurrent'
  | 'norm'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'activation'
  | 'dropout'
  | 'embedding'
  | 'other';

export const LAYER_KINDS: readonly LayerKind[] = [
  'linear', 'conv', 'recurrent', 'norm', 'tanh', 'sigmoid', 'relu', 'activation', 'dropout', 'embedding', 'other',
];

export interface QuantileSummary {
  levels: number[];
  values: number[];
  exact: boolean;
  sampleSize: number;
}

export interface HistogramSummary {
  lo: number;
  hi: number;
  counts: number[];
  under: number;
  over: number;
}

/** Statistics of one tensor (see stats.ts, quantiles.ts and histogram.ts for the definitions). */
export interface TensorSummary {
  count: number;
  finite: number;
  mean: number;
  std: number;
  rms: number;
  norm: number;
  min: number;
  max: number;
  zeros: number;
  nan: number;
  posInf: number;
  negInf: number;
  quantiles?: QuantileSummary;
  histogram?: HistogramSummary;
}

/** One probed module at one step. */
export interface LayerRecord {
  /** Dotted module path, e.g. `layers.3` ('' for the root). */
  name: string;
  /** Class name, e.g. `Linear`. */
  type: string;
  kind: LayerKind;
  /** Position in execution order (0 = first module run in the forward pass). */
  index: number;
  /** Forward calls in this step (statistics are those of the first call). */
  calls: number;
  /** The layer's output (an activation; for linear/conv layers also the next pre-activation). */
  output?: TensorSummary;
  /** The layer's first input (for activation layers: the pre-activation). */
  input?: TensorSummary;
  /** The gradient of the loss with respect to the output. */
  grad?: TensorSummary;
  /** Var(output) / Var(input). */
  gain?: number;
  /** Estimated mean squared singular value of the input→output Jacobian, tr(JJᵀ)/dim(out). */
  jacobian?: number;
  /** Share of saturated outputs (tanh / sigmoid layers). */
  saturation?: number;
  /** Share of dead units (ReLU family). */
  dead?: number;
  /** Recurrent layers: RMS of the output at each time step (at most 64 evenly spaced steps). */
  timeRms?: number[];
  /** Time steps the `timeRms` and `timeGradNorm` entries belong to. */
  timeSteps?: number[];
  /** Recurrent layers: ‖∂L/∂h_t‖, the norm of the gradient of the loss with respect to the hidden state at each of `timeSteps`. */
  timeGradNorm?: number[];
  /**
   * Recurrent layers: a random unit vector at the last hidden state carried back through the
   * recurrent Jacobians ∂h_{t+1}/∂h_t to each of `timeSteps` — its norm (1 at the last step). The
   * through-time factor, independent of where the loss reads the sequence (on Jacobian steps).
   * For gated layers (LSTM, GRU) the total derivative ∂h_T/∂h_t, through the cell state too.
   */
  timeJacobian?: number[];
  /** Recurrent layers: spectral radius of the recurrent matrix (weight_hh), by power iteration. */
  spectralRadius?: number;
  /** A layer made of an op called as a function (`F.tanh(h)` in a custom forward): the op. */
  op?: string;
}

/**
 * Where a non-finite value first came out of finite inputs in a step: the op, the module running
 * it (null: outside the model, e.g. in the loss) and the pass. `cause` is `op` when the op made
 * it from finite inputs; `input` or `weight` when a forward op was given non-finite data or
 * weights; `gradient` when a backward rule was handed a non-finite gradient (by a hook).
 */
export interface NonFiniteOrigin {
  pass: 'forward' | 'backward';
  op: string;
  module: string | null;
  cause: 'op' | 'input' | 'weight' | 'gradient';
}

/** One parameter at one step. */
export interface ParamRecord {
  name: string;
  /** The module it belongs to ('' for the root). */
  layer: string;
  shape: number[];
  norm: number;
  /** Norm of `.grad` when the step was recorded (after clipping), null without a gradient. */
  gradNorm: number | null;
  /** ‖Δw‖ / ‖w‖ of the optimizer step, null when unknown. */
  update: number | null;
  nonFinite: number;
  gradNonFinite: number;
  /** Share of duplicated rows (units with identical weights), for weights with ≥ 2 dims. */
  duplicateRows?: number;
}

export interface StepRecord {
  type: 'step';
  step: number;
  loss: number | null;
  /** Learning rate of each parameter group. */
  lr: number[];
  /** Global gradient norm before clipping (L2 over all parameters). */
  gradNorm: number | null;
  /** Global gradient norm after clipping (equal to gradNorm when nothing was clipped). */
  gradNormClipped: number | null;
  layers: LayerRecord[];
  params: ParamRecord[];
  /** Where a non-finite value first appeared in the step (absent when every value was finite). */
  nonFinite?: NonFiniteOrigin;
  /** Free-form named numbers of the step (the lab's runner: accuracy, test loss, …). */
  metrics?: Record<string, number>;
}

export interface RunHeader {
  type: 'header';
  format: typeof RUN_RECORD_FORMAT;
  version: number;
  /** ISO 8601 time, or null when the writer was not given one. */
  createdAt: string | null;
  library: { name: string; version: string };
  seed: number | null;
  /** The experiment spec that made the run (any JSON), or null. */
  spec: unknown;
  /** Runtime, platform, backend… (free-form string/number/boolean values). */
  environment: Record<string, string | number | boolean | null>;
  /** The probe options in effect (any JSON). */
  probe?: unknown;
}

export interface FindingLine extends Finding {
  type: 'finding';
}

export interface RunEnd {
  type: 'end';
  /** Number of step lines written. */
  steps: number;
  status: 'completed' | 'failed' | 'stopped';
  error?: string;
}

export type RunLine = RunHeader | StepRecord | FindingLine | RunEnd;

/** A run record read back. */
export interface RunRecord {
  header: RunHeader;
  steps: StepRecord[];
  findings: Finding[];
  end: RunEnd | null;
  /** The last line was cut off (the run crashed while writing it); it was dropped. */
  truncated: boolean;
}
