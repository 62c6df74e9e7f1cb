/**
 * Activation variance across depth at initialization (the first record): the mean square of
 * each weight layer's output (its pre-activation) in forward order. Each layer multiplies it by
 * a factor (σ_w²·fan_in·E[f'…] in the mean-field picture: ½ for ReLU with Xavier, 1 with
 * Kaiming); a factor away from 1 compounds with depth until the signal dies out or blows up.
 *
 * `perLayerFactor` is the geometric mean of the factors over the deeper half of the network —
 * the rate the signal settles into (tanh with Xavier shrinks fast at the first layers and then
 * ever slower; constant factors of ½ do not slow down); `cumulative` is last/first. Both must
 * cross their thresholds.
 */
import type { StepRecord } from '../record/types.js';
import type { Resolved } from './options.js';
import { depthLayers, inflations, networkContext, round } from './series.js';
import type { RawFinding } from './types.js';

export function detectVariance(records: readonly StepRecord[], o: Resolved): RawFinding[] {
  const th = o.variance;
  if (!th) return [];
  const first = records.find((r) => depthLayers(r).filter((l) => l.output).length >= 2);
  if (!first) return [];
  const ls = depthLayers(first).filter((l) => l.output && Number.isFinite(l.output.rms));
  if (ls.length < th.minDepth) return [];
  // Train-mode dropout multiplies the mean square by 1/(1−p) at every layer it follows; that is
  // not a property of the init (in eval mode it is gone), so it is divided out.
  const infl = inflations(first, ls);
  let acc = 1;
  const ms = ls.map((l, i) => l.output!.rms ** 2 / (acc *= infl[i]!));
  if (!(ms[0]! > 0)) return [];
  const L = ms.length;
  const k = Math.floor((L - 1) / 2);
  const cumulative = ms[L - 1]! / ms[0]!;
  const factor = ms[k]! > 0 ? Math.pow(ms[L - 1]! / ms[k]!, 1 / (L - 1 - k)) : 0;
  const collapse = factor < th.perLayerFactor && cumulative < th.cumulative;
  const explode = factor > 1 / th.perLayerFactor && cumulative > 1 / th.cumulative;
  if (!collapse && !explode) return [];
  const extreme = collapse ? cumulative < th.critical : cumulative > 1 / th.critical;
  return [{
    id: collapse ? 'activation-collapse' : 'activation-explosion',
    severity: extreme ? 'critical' : 'warning',
    layers: [ls[0]!.name, ls[L - 1]!.name],
    step: first.step,
    evidence: {
      perLayerFactor: round(factor),
      cumulative: round(cumulative),
      depth: L,
      meanSquares: ms.map((x) => round(x)),
      dropoutCorrection: round(acc),
      ...networkContext(first),
    },
  }];
}
