/**
 * A preset for every variant of every catalogue experiment. A preset is the entry's spec with its
 * `quick` sizes (the ones the tour and the tests use: seconds, not minutes, in a browser tab),
 * read into the controls; widths above the control's 1024 are lowered to it (a 4096-wide net
 * needs gigabytes with its gradients and weight snapshots). The spec's other fields (data sizes,
 * the probe's histogram range, evaluation) stay the preset's: the URL names the preset.
 */
import { CATALOGUE, entrySpecs, type CatalogueEntry } from '../../lab/catalogue/index.js';
import type { Spec } from '../../lab/spec/index.js';
import { CONTROL_KEYS, DEFAULT_CONTROLS, clampControl, type Controls } from './state.js';

export interface Preset {
  /** `<id>.<variant index>`, as in the URL. */
  key: string;
  entry: CatalogueEntry;
  label: string;
  spec: Spec;
}

let cache: Preset[] | null = null;

export function listPresets(): Preset[] {
  if (cache !== null) return cache;
  const out: Preset[] = [];
  for (const entry of CATALOGUE) {
    let specs: { label: string; spec: Spec }[];
    try {
      specs = entrySpecs(entry, { quick: true });
    } catch {
      continue; // an entry this build cannot run (a model type missing from nn)
    }
    specs.forEach((s, i) => out.push({ key: `${entry.id}.${i}`, entry, label: s.label, spec: s.spec }));
  }
  cache = out;
  return out;
}

export function findPreset(key: string | null): Preset | null {
  return key === null ? null : (listPresets().find((p) => p.key === key) ?? null);
}

/** The controls that describe a spec (values outside a control's range are clamped into it). */
export function controlsOf(spec: Spec): Controls {
  const m = spec.model;
  const init = m.init;
  let initName: Controls['init'] = 'default';
  let initValue = DEFAULT_CONTROLS.initValue;
  if (typeof init === 'string') initName = init;
  else if ('normal' in init) [initName, initValue] = ['normal', init.normal];
  else if ('uniform' in init) [initName, initValue] = ['uniform', init.uniform];
  else [initName, initValue] = ['constant', init.constant];
  const bias = typeof m.bias === 'string' ? m.bias : 'default';
  const clip = spec.clip;
  const raw: Record<string, unknown> = {
    model: m.type,
    depth: m.depth,
    width: m.width,
    activation: m.activation,
    init: initName,
    initValue,
    gain: m.gain ?? 1,
    bias,
    norm: m.norm,
    residual: m.residual,
    dropout: m.dropout,
    optimizer: spec.optimizer.type,
    lr: spec.optimizer.lr,
    weightDecay: spec.optimizer.weightDecay,
    clip: clip === null ? 'off' : clip.type,
    clipAt: clip === null ? DEFAULT_CONTROLS.clipAt : clip.type === 'norm' ? clip.maxNorm : clip.clipValue,
    batchSize: spec.batchSize,
    steps: spec.steps ?? DEFAULT_CONTROLS.steps,
    every: spec.probe.every,
    data: spec.data.name,
    seed: spec.seed,
  };
  const c = {} as Record<string, unknown>;
  for (const k of CONTROL_KEYS) c[k] = clampControl(k, raw[k]);
  return c as unknown as Controls;
}
