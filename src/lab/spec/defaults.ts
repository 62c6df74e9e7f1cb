/**
 * The defaults that depend on another field, and the checks across fields. Model sizes depend on
 * the model type (a ResNet's depth is 6n+2, an RNN has one layer), optimizer options on the
 * optimizer (momentum 0.9 for 'momentum', weight decay 0.01 for AdamW, as PyTorch).
 */
import type { SpecIssue } from './errors.js';
import type { ActivationName, ModelType, NormName, Spec, SpecParsed } from './schema.js';

export const MODEL_DEFAULTS: Record<ModelType, { depth: number; width: number; activation: ActivationName; norm: NormName }> = {
  mlp: { depth: 6, width: 256, activation: 'tanh', norm: 'none' },
  cnn: { depth: 4, width: 16, activation: 'relu', norm: 'none' },
  resnet: { depth: 20, width: 16, activation: 'relu', norm: 'batch' },
  plain: { depth: 20, width: 16, activation: 'relu', norm: 'batch' },
  rnn: { depth: 1, width: 64, activation: 'tanh', norm: 'none' },
  lstm: { depth: 1, width: 64, activation: 'tanh', norm: 'none' },
  gru: { depth: 1, width: 64, activation: 'tanh', norm: 'none' },
};

/** Which optimizer options each optimizer takes, and their defaults (PyTorch's, lr aside). */
export const OPTIMIZER_FIELDS: Record<string, Record<string, unknown>> = {
  sgd: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  momentum: { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
  adam: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false },
  rmsprop: { alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 },
  adagrad: { eps: 1e-10, weightDecay: 0 },
};

export const DEFAULT_STEPS = 200;

/** Fill the dependent defaults and check the spec across fields; returns the issues found. */
export function completeSpec(p: SpecParsed, available: (type: ModelType) => boolean): { spec: Spec; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const m = p.model;
  const d = MODEL_DEFAULTS[m.type];
  const model = { ...m, depth: m.depth ?? d.depth, width: m.width ?? d.width, activation: m.activation ?? d.activation, norm: m.norm ?? d.norm };
  if (!available(m.type))
    issues.push({ path: 'model.type', message: `model.type '${m.type}' is not available in this version (its layer is missing from nn); use rnn` });
  if (m.type === 'resnet' || m.type === 'plain') {
    if ((model.depth - 2) % 6 !== 0 || model.depth < 8) {
      const n = Math.max(1, Math.round((model.depth - 2) / 6));
      issues.push({ path: 'model.depth', message: `${m.type} nets have 6n+2 weighted layers (8, 14, 20, 32, 44, 56, …), got ${model.depth}; did you mean ${6 * n + 2}?` });
    }
  }
  if ((m.type === 'rnn') && model.activation !== 'tanh' && model.activation !== 'relu')
    issues.push({ path: 'model.activation', message: `an Elman rnn takes tanh or relu (nn.RNN's nonlinearity), got '${model.activation}'` });
  if ((m.type === 'lstm' || m.type === 'gru') && m.activation !== undefined && m.activation !== 'tanh')
    issues.push({ path: 'model.activation', message: `${m.type} cells have fixed sigmoid/tanh gates; remove model.activation` });
  if (m.type === 'mlp' && model.norm === 'instance')
    issues.push({ path: 'model.norm', message: "'instance' normalizes each channel over space or time, which an mlp's features do not have; use 'layer' or 'group', or a cnn" });
  if ((m.type === 'rnn' || m.type === 'lstm' || m.type === 'gru') && model.norm !== 'none')
    issues.push({ path: 'model.norm', message: `normalization inside recurrent cells is not supported; use 'none' for ${m.type}` });
  if (model.norm === 'group' && model.width % model.groups !== 0)
    issues.push({ path: 'model.groups', message: `${model.groups} groups do not divide the width ${model.width}; pick a divisor of ${model.width}` });
  if (m.gain !== undefined && !['xavierUniform', 'xavierNormal', 'orthogonal'].includes(String(m.init)))
    issues.push({ path: 'model.gain', message: `gain applies to xavierUniform, xavierNormal and orthogonal inits, not ${JSON.stringify(m.init)}` });

  const o = p.optimizer;
  const fields = OPTIMIZER_FIELDS[o.type]!;
  const optimizer: Record<string, unknown> = { type: o.type, lr: o.lr };
  for (const [k, v] of Object.entries(o)) {
    if (k === 'type' || k === 'lr' || v === undefined) continue;
    if (!(k in fields)) {
      const other = Object.keys(OPTIMIZER_FIELDS).filter((t) => k in OPTIMIZER_FIELDS[t]!);
      issues.push({ path: `optimizer.${k}`, message: `${o.type} has no option '${k}' (its options: lr, ${Object.keys(fields).join(', ')})${other.length ? `; ${k} belongs to ${other.join(', ')}` : ''}` });
    }
  }
  for (const [k, v] of Object.entries(fields)) optimizer[k] = (o as Record<string, unknown>)[k] ?? v;
  if (optimizer.nesterov === true && !((optimizer.momentum as number) > 0 && optimizer.dampening === 0))
    issues.push({ path: 'optimizer.nesterov', message: 'nesterov momentum needs momentum > 0 and dampening 0' });

  if (p.steps !== undefined && p.epochs !== undefined)
    issues.push({ path: 'epochs', message: `give steps or epochs, not both (steps ${p.steps}, epochs ${p.epochs})` });
  const r = p.probe.histogramRange;
  if (r !== 'adaptive' && !(r[0] < r[1])) issues.push({ path: 'probe.histogramRange', message: `needs lo < hi, got [${r[0]}, ${r[1]}]` });
  const spec = {
    ...p,
    model,
    optimizer,
    ...(p.steps === undefined && p.epochs === undefined ? { steps: DEFAULT_STEPS } : {}),
  } as Spec;
  return { spec, issues };
}

