/**
 * The lab's whole state: every control of configuration A, the controls of B where side by side
 * differs (data and seed are always shared, so both runs see the same batches), the preset the
 * controls started from, and the language. It lives in the URL's hash (`#preset=init-tanh.0&
 * depth=6&…&b.init=xavierNormal&lang=fr`), so a link reproduces an experiment exactly.
 */
export const MODEL_CHOICES = ['mlp', 'cnn', 'rnn', 'lstm', 'gru', 'resnet', 'plain'] as const;
export const ACTIVATION_CHOICES = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'gelu', 'selu', 'silu', 'identity'] as const;
export const INIT_CHOICES = ['default', 'constant', 'normal', 'uniform', 'xavierUniform', 'xavierNormal', 'kaimingUniform', 'kaimingNormal', 'orthogonal'] as const;
export const BIAS_CHOICES = ['default', 'zeros', 'pytorch'] as const;
export const NORM_CHOICES = ['none', 'batch', 'layer', 'instance', 'group'] as const;
export const OPTIMIZER_CHOICES = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;
export const CLIP_CHOICES = ['off', 'norm', 'value'] as const;
export const DATA_CHOICES = ['gaussian', 'spirals', 'moons', 'blobs', 'mnist', 'fashion-mnist', 'sequence'] as const;

export interface Controls {
  model: (typeof MODEL_CHOICES)[number];
  depth: number;
  width: number;
  activation: (typeof ACTIVATION_CHOICES)[number];
  init: (typeof INIT_CHOICES)[number];
  /** σ of N(0, σ²), the bound of U(−b, b), or the constant. */
  initValue: number;
  /** Gain of xavier* and orthogonal (PyTorch's default 1). */
  gain: number;
  bias: (typeof BIAS_CHOICES)[number];
  norm: (typeof NORM_CHOICES)[number];
  residual: boolean;
  dropout: number;
  optimizer: (typeof OPTIMIZER_CHOICES)[number];
  lr: number;
  weightDecay: number;
  clip: (typeof CLIP_CHOICES)[number];
  clipAt: number;
  batchSize: number;
  steps: number;
  /** The probe records every k-th step. */
  every: number;
  data: (typeof DATA_CHOICES)[number];
  seed: number;
}

export type ControlKey = keyof Controls;
export type Lang = 'en' | 'fr';

export interface LabState {
  /** `<catalogue id>.<variant index>`: the spec the controls start from (its hidden fields: data sizes, probe range…), or null. */
  preset: string | null;
  a: Controls;
  /** Side by side: the second configuration (null: one run). */
  b: Controls | null;
  lang: Lang;
}

/** Numeric ranges of the controls: [min, max, step]. Widths stop at 1024 (a browser tab's memory). */
export const RANGES: Partial<Record<ControlKey, [number, number, number | 'any']>> = {
  depth: [1, 100, 1],
  width: [1, 1024, 1],
  initValue: [-10, 10, 'any'],
  gain: [0, 10, 'any'],
  dropout: [0, 0.95, 'any'],
  lr: [0, 10, 'any'],
  weightDecay: [0, 1, 'any'],
  clipAt: [0, 1000, 'any'],
  batchSize: [1, 1024, 1],
  steps: [1, 100000, 1],
  every: [1, 1000, 1],
  seed: [0, 2 ** 31 - 1, 1],
};

export const CHOICES: Partial<Record<ControlKey, readonly string[]>> = {
  model: MODEL_CHOICES,
  activation: ACTIVATION_CHOICES,
  init: INIT_CHOICES,
  bias: BIAS_CHOICES,
  norm: NORM_CHOICES,
  optimizer: OPTIMIZER_CHOICES,
  clip: CLIP_CHOICES,
  data: DATA_CHOICES,
};

export const DEFAULT_CONTROLS: Controls = {
  model: 'mlp',
  depth: 10,
  width: 64,
  activation: 'tanh',
  init: 'default',
  initValue: 0.01,
  gain: 1,
  bias: 'default',
  norm: 'none',
  residual: false,
  dropout: 0,
  optimizer: 'sgd',
  lr: 0.05,
  weightDecay: 0,
  clip: 'off',
  clipAt: 1,
  batchSize: 32,
  steps: 300,
  every: 5,
  data: 'spirals',
  seed: 0,
};

export const CONTROL_KEYS = Object.keys(DEFAULT_CONTROLS) as ControlKey[];
/** Shared by A and B: the same data and the same seed. */
export const SHARED_KEYS: readonly ControlKey[] = ['data', 'seed'];

export function defaultState(): LabState {
  return { preset: null, a: { ...DEFAULT_CONTROLS }, b: null, lang: 'en' };
}

/** A control's value from text, or undefined when it is not valid for that control. */
export function parseControl<K extends ControlKey>(key: K, text: string): Controls[K] | undefined {
  const d = DEFAULT_CONTROLS[key];
  if (typeof d === 'boolean') return (text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : undefined) as Controls[K] | undefined;
  if (typeof d === 'number') {
    const r = RANGES[key]!;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < r[0] || v > r[1]) return undefined;
    if (r[2] === 1 && !Number.isInteger(v)) return undefined;
    return v as Controls[K];
  }
  return (CHOICES[key]!.includes(text) ? text : undefined) as Controls[K] | undefined;
}

export function clampControl<K extends ControlKey>(key: K, v: unknown): Controls[K] {
  const d = DEFAULT_CONTROLS[key];
  if (typeof d === 'number') {
    const r = RANGES[key]!;
    const n = typeof v === 'number' && Number.isFinite(v) ? v : d;
    const c = Math.min(r[1], Math.max(r[0], n));
    return (r[2] === 1 ? Math.round(c) : c) as Controls[K];
  }
  if (typeof d === 'boolean') return (typeof v === 'boolean' ? v : d) as Controls[K];
  return (typeof v === 'string' && CHOICES[key]!.includes(v) ? v : d) as Controls[K];
}

const enc = (v: unknown): string => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));

/** The state as a URL hash (without '#'): every control of A, B's differences, the preset and the language. */
export function encodeState(s: LabState): string {
  const p = new URLSearchParams();
  if (s.preset !== null) p.set('preset', s.preset);
  for (const k of CONTROL_KEYS) p.set(k, enc(s.a[k]));
  if (s.b !== null) {
    p.set('compare', '1');
    for (const k of CONTROL_KEYS) if (!SHARED_KEYS.includes(k) && s.b[k] !== s.a[k]) p.set(`b.${k}`, enc(s.b[k]));
  }
  p.set('lang', s.lang);
  return p.toString();
}

/**
 * The state of a hash; missing values take the preset's (`presetControls`, when the hash names
 * one) or the defaults, and invalid ones are listed in `ignored`.
 */
export function decodeState(hash: string, fallbackLang: Lang = 'en', presetControls: (key: string) => Controls | null = () => null): { state: LabState; ignored: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const ignored: string[] = [];
  const named = p.get('preset');
  const preset = named !== null && /^[a-z0-9-]+\.\d+$/.test(named) && presetControls(named) !== null ? named : null;
  if (named !== null && preset === null) ignored.push(`preset=${named}`);
  const a = { ...(preset !== null ? presetControls(preset)! : DEFAULT_CONTROLS) };
  const read = (c: Controls, prefix: string): void => {
    for (const k of CONTROL_KEYS) {
      const t = p.get(prefix + k);
      if (t === null) continue;
      const v = parseControl(k, t);
      if (v === undefined) ignored.push(`${prefix}${k}=${t}`);
      else (c as unknown as Record<string, unknown>)[k] = v;
    }
  };
  read(a, '');
  let b: Controls | null = null;
  if (p.get('compare') === '1') {
    b = { ...a };
    read(b, 'b.');
    for (const k of SHARED_KEYS) (b as unknown as Record<string, unknown>)[k] = a[k];
  }
  const lang = p.get('lang');
  return { state: { preset, a, b, lang: lang === 'fr' || lang === 'en' ? lang : fallbackLang }, ignored };
}
