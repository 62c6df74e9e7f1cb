/**
 * Structured remedies: what a finding's remedy does, as data that `applyRemedy` carries out on
 * the model as given (and the optimizer), and that `remedyCode` turns into the TypeScript a
 * person would write. Both work on any model, not only on ones built with `mlp`.
 */

/** Re-initialize the weights of every Linear and Conv layer (biases to zero when `zeroBias`). */
export interface InitRemedy {
  kind: 'init';
  scheme: 'kaimingNormal' | 'xavierNormal' | 'orthogonal';
  /** Xavier / orthogonal gain (e.g. 5/3 for tanh); default 1. */
  gain?: number;
  /** Kaiming's nonlinearity; default 'relu'. */
  nonlinearity?: 'relu' | 'leaky_relu';
  zeroBias?: boolean;
}

/** Orthogonal recurrent matrices (every parameter whose name starts with `weight_hh`). */
export interface RecurrentInitRemedy {
  kind: 'recurrent-init';
  scheme: 'orthogonal';
}

/**
 * Open the memory gate of every gated recurrent layer at the start: the forget gate of an LSTM
 * (i, f, g, o), the update gate of a GRU (r, z, n) — the second block of H entries of each bias —
 * gets a total bias of `value` (bias_hh = value, bias_ih = 0 there), so σ(value) of the state is
 * kept per step instead of σ(0) = ½ (Jozefowicz et al. 2015 use 1).
 */
export interface GateBiasRemedy {
  kind: 'gate-bias';
  value: number;
}

/** Set the biases of every Linear and Conv layer to a constant. */
export interface BiasRemedy {
  kind: 'bias';
  value: number;
}

export type ActivationClass = 'Sigmoid' | 'Tanh' | 'ReLU' | 'LeakyReLU';

/** Replace every activation module of one class by another, then re-initialize for it. */
export interface ActivationRemedy {
  kind: 'activation';
  from: ActivationClass;
  to: ActivationClass;
  init?: InitRemedy;
}

/** Clip the global gradient norm in the training loop (applyRemedy returns it for the loop). */
export interface ClipRemedy {
  kind: 'clip';
  maxNorm: number;
}

/** A new learning rate for every parameter group, or the current one times a factor. */
export interface LrRemedy {
  kind: 'lr';
  lr?: number;
  factor?: number;
}

export type RemedyAction = InitRemedy | RecurrentInitRemedy | GateBiasRemedy | BiasRemedy | ActivationRemedy | ClipRemedy | LrRemedy;
export type RemedyKind = RemedyAction['kind'];

/** What the training loop must do after `applyRemedy` (the model and optimizer are already changed). */
export interface AppliedRemedy {
  /** Modules or parameters changed. */
  changed: number;
  /** Clip the global gradient norm to this value before every optimizer step. */
  clipGradNorm?: number;
}
