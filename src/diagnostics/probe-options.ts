import { ValueError } from '../tensor/errors.js';
import type { Module } from '../nn/module.js';
import { DEFAULT_KINDS } from './layer-kind.js';
import { LAYER_KINDS, type LayerKind, type StepRecord } from './record/types.js';
import { DEFAULT_QUANTILES } from './quantiles.js';
import { DEFAULT_SATURATION, type SaturationThresholds } from './unit-stats.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

export interface ProbeOptions {
  /**
   * Record every k-th step (steps 0, k, 2k, …). Default 10: a recorded step costs about half a
   * training step of a wide MLP (exact statistics of every activation and gradient), so one in
   * ten keeps the probe under 15 % of the training time; `diagnose` records every step.
   */
  every?: number;
  /**
   * Which modules to watch: layer kinds, or a predicate on (dotted name, module). Default the
   * kinds linear, conv, recurrent, norm, tanh, sigmoid, relu, activation.
   */
  select?: readonly LayerKind[] | ((name: string, module: Module) => boolean);
  /**
   * Also record a user's own layers (classes that are not the library's, other than the model
   * itself) when they run ops of their own, as kind 'other'. Default true. Activations and
   * weight ops called as functions inside them are recorded as layers of their kind either way
   * (when their kind is selected).
   */
  custom?: boolean;
  /** Histogram bins, 0 for no histograms. Default 32. */
  histogramBins?: number;
  /** 'adaptive' (each tensor's finite min..max, default) or a fixed [lo, hi]. */
  histogramRange?: 'adaptive' | readonly [number, number];
  /** Quantile levels of activations, or false. Default 1, 5, 25, 50, 75, 95, 99 %. */
  quantiles?: readonly number[] | false;
  /** Quantiles are exact up to this many values and sampled above (see quantiles.ts). Default 4096. */
  quantileSample?: number;
  /** Saturation thresholds. Default tanh 0.97, sigmoid 0.97 (i.e. outside [0.03, 0.97]). */
  saturation?: SaturationThresholds;
  /**
   * Jacobian estimate (mean squared singular value per layer from random vector–Jacobian
   * products). Each sample costs about one extra forward + input-backward of the layer, so by
   * default it runs with 1 sample on the first `batch` (16) samples of the batch (layers that
   * treat samples independently; norm and recurrent layers use the whole batch), on recorded
   * steps whose number is a multiple of `every` (100).
   */
  jacobian?: { enabled?: boolean; samples?: number; every?: number; batch?: number };
  /** Check weights for duplicated units (broken symmetry) on the first recorded step and on recorded steps that are multiples of k. Default 100. */
  symmetryEvery?: number;
  /** Statistics of the gradients with respect to layer outputs. Default true. */
  grads?: boolean;
  /** Record forward passes run with gradient recording off (e.g. validation). Default false. */
  recordNoGrad?: boolean;
  /** Seed of the probe's own generator (sampling, Jacobian vectors); the global one is never touched. Default 0. */
  seed?: number;
  /** Called with each record as it is made (e.g. to append it to a run-record file). */
  onRecord?: (record: StepRecord) => void;
  /**
   * The optimizer, to snapshot the weights right before its step (for ‖Δw‖/‖w‖). Optional: an
   * optimizer passed to `probe.step({ optimizer })` is watched from the next step on.
   */
  optimizer?: { paramGroups: readonly { lr?: unknown }[]; registerStepPreHook?: (hook: () => void) => { remove(): void } };
  /** Keep at most this many records in `probe.records` (oldest dropped). Default Infinity. */
  maxRecords?: number;
}

export interface ResolvedProbeOptions {
  every: number;
  select: (name: string, module: Module, kind: LayerKind) => boolean;
  kinds: readonly LayerKind[] | 'custom';
  custom: boolean;
  histogramBins: number;
  histogramRange: 'adaptive' | readonly [number, number];
  quantiles: readonly number[] | false;
  quantileSample: number;
  saturation: Required<SaturationThresholds>;
  jacobian: { enabled: boolean; samples: number; every: number; batch: number };
  symmetryEvery: number;
  grads: boolean;
  recordNoGrad: boolean;
  seed: number;
  onRecord: ((record: StepRecord) => void) | null;
  maxRecords: number;
}

const OP = 'Probe';

function posInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(OP, `${what} must be a positive integer, got ${v}`);
  return v;
}

export function resolveProbeOptions(o: ProbeOptions): ResolvedProbeOptions {
  if (o === null || typeof o !== 'object') throw new ValueError(OP, `options must be an object, got ${o === null ? 'null' : typeof o}`);
  checkOptions(OP, o, optionKeys<ProbeOptions>({ every: true, select: true, histogramBins: true, histogramRange: true, quantiles: true, quantileSample: true, saturation: true, jacobian: true, symmetryEvery: true, grads: true, recordNoGrad: true, seed: true, onRecord: true, optimizer: true, maxRecords: true, custom: true }));
  const sel = o.select ?? DEFAULT_KINDS;
  let select: ResolvedProbeOptions['select'];
  let kinds: ResolvedProbeOptions['kinds'];
  if (typeof sel === 'function') {
    select = (name, m) => Boolean(sel(name, m));
    kinds = 'custom';
  } else if (Array.isArray(sel)) {
    for (const k of sel)
      if (!LAYER_KINDS.includes(k)) throw new ValueError(OP, `select: unknown layer kind '${String(k)}'; kinds are ${LAYER_KINDS.join(', ')}`);
    const set = new Set(sel);
    select = (_n, _m, kind) => set.has(kind);
    kinds = [...sel];
  } else throw new ValueError(OP, 'select must be an array of layer kinds or a function (name, module) => boolean');
  const bins = o.histogramBins ?? 32;
  if (!Number.isInteger(bins) || bins < 0) throw new ValueError(OP, `histogramBins must be a non-negative integer, got ${bins}`);
  const range = o.histogramRange ?? 'adaptive';
  if (range !== 'adaptive' && !(Array.isArray(range) && range.length === 2 && range[0] < range[1] && Number.isFinite(range[0]) && Number.isFinite(range[1])))
    throw new ValueError(OP, `histogramRange must be 'adaptive' or a finite [lo, hi] with lo < hi, got ${JSON.stringify(range)}`);
  const q = o.quantiles ?? DEFAULT_QUANTILES;
  if (q !== false && (!Array.isArray(q) || q.some((x) => !(x >= 0 && x <= 1))))
    throw new ValueError(OP, `quantiles must be false or levels in [0, 1] (fractions, e.g. 0.99), got ${JSON.stringify(q)}`);
  const sat = { tanh: o.saturation?.tanh ?? DEFAULT_SATURATION.tanh, sigmoid: o.saturation?.sigmoid ?? DEFAULT_SATURATION.sigmoid };
  if (!(sat.tanh > 0 && sat.tanh < 1) || !(sat.sigmoid > 0.5 && sat.sigmoid < 1))
    throw new ValueError(OP, `saturation thresholds must be tanh in (0, 1) and sigmoid in (0.5, 1), got ${JSON.stringify(sat)}`);
  const j = o.jacobian ?? {};
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new ValueError(OP, `seed must be a non-negative integer, got ${seed}`);
  const maxRecords = o.maxRecords ?? Infinity;
  if (!(maxRecords >= 1)) throw new ValueError(OP, `maxRecords must be at least 1, got ${maxRecords}`);
  if (o.onRecord !== undefined && typeof o.onRecord !== 'function') throw new ValueError(OP, 'onRecord must be a function (record) => void');
  return {
    every: posInt(o.every ?? 10, 'every'),
    select,
    kinds,
    histogramBins: bins,
    histogramRange: range,
    quantiles: q,
    quantileSample: posInt(o.quantileSample ?? 4096, 'quantileSample'),
    saturation: sat,
    jacobian: {
      enabled: j.enabled ?? true,
      samples: posInt(j.samples ?? 1, 'jacobian.samples'),
      every: posInt(j.every ?? 100, 'jacobian.every'),
      batch: posInt(j.batch ?? 16, 'jacobian.batch'),
    },
    symmetryEvery: posInt(o.symmetryEvery ?? 100, 'symmetryEvery'),
    custom: o.custom ?? true,
    grads: o.grads ?? true,
    recordNoGrad: o.recordNoGrad ?? false,
    seed,
    onRecord: o.onRecord ?? null,
    maxRecords,
  };
}

/** The options as JSON, for a run-record header. */
export function describeProbeOptions(r: ResolvedProbeOptions): Record<string, unknown> {
  return {
    every: r.every,
    select: r.kinds,
    histogramBins: r.histogramBins,
    histogramRange: r.histogramRange,
    quantiles: r.quantiles,
    quantileSample: r.quantileSample,
    saturation: r.saturation,
    jacobian: r.jacobian,
    symmetryEvery: r.symmetryEvery,
    grads: r.grads,
    custom: r.custom,
    seed: r.seed,
  };
}
