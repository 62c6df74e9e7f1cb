/**
 * Run every detector over step records and tell one causal story: findings are ranked by cause
 * (see `order.ts`) — where a non-finite value was made, then the initialization and the
 * architecture, then the optimization — and a finding that another one explains is dropped or
 * marked as its consequence. The text (message, explanation, remedies) is added by `explain`.
 */
import { ValueError } from '../../tensor/errors.js';
import type { StepRecord } from '../record/types.js';
import { detectDeadUnits, detectSaturation } from './activations.js';
import { detectExploding, detectVanishing } from './gradients.js';
import { detectNonFinite } from './non-finite.js';
import { resolveDetectorOptions, type DetectorOptions, type Resolved } from './options.js';
import { tellStory } from './order.js';
import { detectSymmetry, detectUpdateRatio } from './params.js';
import { detectRecurrent } from './recurrent.js';
import type { RawFinding } from './types.js';
import { detectVariance } from './variance.js';
import { checkOptions, optionKeys } from '../../tensor/options.js';

export * from './types.js';
export { DEFAULT_THRESHOLDS, type DetectorOptions } from './options.js';

type Detector = (records: readonly StepRecord[], o: Resolved) => RawFinding[];

/** Detectors of what went wrong in the records (the non-finite origin is run apart, on every record). */
const DETECTORS: Detector[] = [detectExploding, detectVanishing, detectRecurrent, detectVariance, detectSaturation, detectDeadUnits, detectSymmetry, detectUpdateRatio];

export function runDetectors(records: readonly StepRecord[], opts: DetectorOptions = {}): RawFinding[] {
  if (!Array.isArray(records)) throw new ValueError('detect', 'expected an array of step records (probe.records or readRunRecord(text).steps)');
  checkOptions('detect', opts, [...optionKeys<DetectorOptions>({ window: true, vanishing: true, exploding: true, recurrent: true, saturation: true, deadUnits: true, variance: true, symmetry: true, updateRatio: true, nonFinite: true }), 'lang']);
  const o = resolveDetectorOptions(opts);
  return tellStory(records, o, detectNonFinite, DETECTORS);
}
