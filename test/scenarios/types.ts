/**
 * A doctor scenario: a small network, its data, loss and optimizer, what the doctor must say
 * about it, and an independent measurement (retained gradients, saturation and dead shares
 * computed here, loss curves, update sizes) that justifies that verdict without the doctor.
 */
import type { Module, Tensor, optim } from '../../src/index.js';
import type { FindingId } from '../../src/diagnostics/detectors/types.js';
import type { Finding } from '../../src/diagnostics/detectors/types.js';

export type Batch = [Tensor, Tensor];

export interface Setup {
  model: Module;
  data: Batch[];
  lossFn: (out: any, y: any) => Tensor;
  optimizer: optim.Optimizer<any>;
  /** Steps of the diagnosis (diagnose records every step). */
  steps: number;
  clipGradNorm?: number;
}

/**
 * Features of the doctor some scenarios need, made by the tape-level observation work:
 * `functional` (activations called as functions are watched), `time` (gradient norms of an RNN's
 * hidden state through time), `origin` (the non-finite finding names the op and module that made
 * the first NaN/Inf, in the forward or the backward pass), `lstm` (nn.LSTM / nn.GRU exist).
 */
export type Capability = 'functional' | 'time' | 'origin' | 'lstm';

/** A measurement made without the doctor: named numbers and whether they support the verdict. */
export interface Measured {
  values: Record<string, number>;
  /** The claim the numbers must support, e.g. "‖∂L/∂h₁‖/‖∂L/∂h_L‖ < 0.1". */
  claim: string;
  supports: boolean;
}

export interface Scenario {
  name: string;
  healthy: boolean;
  /** What it is, in one line. */
  about: string;
  /** Findings that must be raised (warning or critical). Empty for healthy recipes. */
  expect: FindingId[];
  /** Findings that may also be raised: consequences the measurement shows too. */
  allow?: FindingId[];
  needs?: Capability[];
  /** A verdict the doctor is known to get wrong today: the test skips it, saying why; the matrix counts it. */
  knownIssue?: string;
  build(): Setup;
  measure(): Measured;
  /** Further checks on the doctor's findings (layer named, order…): an error text or null. */
  check?(findings: readonly Finding[]): string | null;
}
