/**
 * What detectors produce. A detector looks at step records and returns raw findings (what,
 * where, how much); `explain` then adds the message, the explanation and the ranked remedies in
 * the chosen language.
 */
import type { RemedyAction } from '../remedies/types.js';

export type Severity = 'info' | 'warning' | 'critical';

export type FindingId =
  | 'vanishing-gradients'
  | 'exploding-gradients'
  | 'saturation'
  | 'dead-units'
  | 'activation-collapse'
  | 'activation-explosion'
  | 'broken-symmetry'
  | 'update-ratio-high'
  | 'update-ratio-low'
  | 'non-finite'
  | 'vanishing-through-time'
  | 'exploding-through-time';

export const FINDING_IDS: readonly FindingId[] = [
  'vanishing-gradients',
  'exploding-gradients',
  'saturation',
  'dead-units',
  'activation-collapse',
  'activation-explosion',
  'broken-symmetry',
  'update-ratio-high',
  'update-ratio-low',
  'non-finite',
  'vanishing-through-time',
  'exploding-through-time',
];

export type EvidenceValue = number | string | number[] | string[];

/** The language-independent part of a finding. */
export interface RawFinding {
  id: FindingId;
  severity: Severity;
  /** Module paths concerned, in forward order. */
  layers: string[];
  /** Step the evidence comes from (the latest step that shows it, or the first bad step). */
  step: number;
  /** The numbers behind the verdict, named (see docs/doctor.md for each detector's fields). */
  evidence: Record<string, EvidenceValue>;
}

export interface Remedy {
  text: string;
  /** A concrete call, when the remedy is one: TypeScript against the user's `model` and `optimizer` (type-checked in a test). */
  code?: string;
  /**
   * The remedy as data, when it is one `applyRemedy(model, remedy.action, { optimizer })` carries
   * out. Not written to run records (kept out of JSON).
   */
  action?: RemedyAction;
}

export interface Finding extends RawFinding {
  message: string;
  explanation: string;
  /** Most promising first. */
  remedies: Remedy[];
}
