/**
 * Controls → experiment spec. The preset's spec (its own input, as written in the catalogue) is
 * the base, so fields without a control (data sizes, the probe's histogram range, evaluation)
 * keep the preset's values; every control then overrides its field. Options that belong to one
 * choice only (the optimizer's betas, a data set's sizes) are kept only while that choice is.
 * The lab's `parseSpec` validates the result: a bad combination (an RNN with GELU, a ResNet of
 * depth 7) is its SpecError, shown beside the controls.
 */
import { parseSpec, specInput, type Spec } from '../../lab/spec/index.js';
import type { Controls } from './state.js';

type Obj = Record<string, unknown>;

/** What a run in the browser uses when no preset says otherwise. */
const WEB_BASE: Obj = {
  name: 'web-lab',
  eval: { every: 50, maxSamples: 500 },
  probe: { every: 5, jacobian: { every: 50 } },
};

/** Per data set, sizes that keep a browser run quick (the shipped image subsets are used whole). */
const WEB_DATA: Record<string, Obj> = {
  gaussian: { n: 2000, features: 100 },
  sequence: { n: 2000, length: 30, task: 'adding' },
};

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

export function initOf(c: Controls): unknown {
  switch (c.init) {
    case 'normal':
      return { normal: Math.abs(c.initValue) };
    case 'uniform':
      return { uniform: Math.abs(c.initValue) };
    case 'constant':
      return { constant: c.initValue };
    default:
      return c.init;
  }
}

/** The spec input (before validation) that the controls describe on top of `base`. */
export function specInputOf(c: Controls, base: Spec | null, name?: string): Obj {
  const b = obj(base === null ? WEB_BASE : specInput(base));
  const bm = obj(b.model);
  const bo = obj(b.optimizer);
  const bd = obj(b.data);
  const model: Obj = {
    type: c.model,
    depth: c.depth,
    width: c.width,
    init: initOf(c),
    bias: c.bias,
    norm: c.norm,
    residual: c.residual,
    dropout: c.dropout,
  };
  if (c.model !== 'lstm' && c.model !== 'gru') model.activation = c.activation;
  if ((c.init === 'xavierUniform' || c.init === 'xavierNormal' || c.init === 'orthogonal') && c.gain !== 1) model.gain = c.gain;
  if (c.norm === 'group') {
    // the preset's groups when they divide the width, else the largest divisor ≤ 8
    const g = typeof bm.groups === 'number' && c.width % bm.groups === 0 ? bm.groups : [8, 4, 2, 1].find((k) => c.width % k === 0)!;
    model.groups = g;
  }
  const optimizer: Obj = bo.type === c.optimizer ? { ...bo } : {};
  Object.assign(optimizer, { type: c.optimizer, lr: c.lr, weightDecay: c.weightDecay });
  const data: Obj = bd.name === c.data ? { ...bd } : { name: c.data, ...(WEB_DATA[c.data] ?? {}) };
  const out: Obj = {
    ...b,
    name: name ?? (typeof b.name === 'string' ? b.name : 'web-lab'),
    seed: c.seed,
    model,
    data,
    optimizer,
    clip: c.clip === 'off' ? null : c.clip === 'norm' ? { type: 'norm', maxNorm: c.clipAt } : { type: 'value', clipValue: c.clipAt },
    batchSize: c.batchSize,
    steps: c.steps,
    probe: { ...obj(b.probe), every: c.every },
  };
  delete out.epochs;
  delete out.sweep;
  // a preset's loss (bce, mse) belongs to its data; another data set takes the automatic one
  if (bd.name !== c.data) delete out.loss;
  return out;
}

/** The validated spec (throws the lab's SpecError). */
export function specOf(c: Controls, base: Spec | null, name?: string): Spec {
  return parseSpec(specInputOf(c, base, name), 'the controls');
}
