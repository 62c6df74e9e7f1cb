/**
 * Run every detector over step records. Findings come most severe first, then in a fixed
 * detector order; the text (message, explanation, remedies) is added by `explain`.
 */
import { ValueError } from '../../tensor/errors.js';
import type { StepRecord } from '../record/types.js';
import { detectDeadUnits, detectSaturation } from './activations.js';
import { detectExploding, detectVanishing } from './gradients.js';
import { detectNonFinite } from './non-finite.js';
import { resolveDetectorOptions, type DetectorOptions } from './options.js';
import { detectSymmetry, detectUpdateRatio } from './params.js';
import type { RawFinding } from './types.js';
import { detectVariance } from './variance.js';

export * from './types.js';
export { DEFAULT_THRESHOLDS, type DetectorOptions } from './options.js';

const DETECTORS = [detectNonFinite, detectExploding, detectVanishing, detectVariance, detectSaturation, detectDeadUnits, detectSymmetry, detectUpdateRatio];
const SMALL_UPDATE_CAUSES = new Set(['saturation', 'vanishing-gradients', 'activation-collapse', 'dead-units']);
const RANK = { critical: 0, warning: 1, info: 2 } as const;

export function runDetectors(records: readonly StepRecord[], opts: DetectorOptions = {}): RawFinding[] {
  if (!Array.isArray(records)) throw new ValueError('detect', 'expected an array of step records (probe.records or readRunRecord(text).steps)');
  const o = resolveDetectorOptions(opts);
  let out = DETECTORS.flatMap((d) => d(records, o));
  // Small updates are a symptom, not a cause, when the gradient itself is starved (saturated
  // units, vanishing gradients, collapsing signal): raising the learning rate would not help, so
  // the root-cause finding speaks alone.
  if (out.some((f) => SMALL_UPDATE_CAUSES.has(f.id))) out = out.filter((f) => f.id !== 'update-ratio-low');
  return out.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i).map((x) => x.f);
}
