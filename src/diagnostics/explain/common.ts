import type { EvidenceValue, FindingId, RawFinding, Remedy } from '../detectors/types.js';

export interface FindingText {
  message: string;
  explanation: string;
  remedies: Remedy[];
}

/** One function per finding id: a language file that misses one does not compile. */
export type Explainer = { readonly [K in FindingId]: (f: RawFinding) => FindingText };

/** A number for prose: 3 significant digits, scientific notation outside [1e-3, 1e4). */
export function fmt(x: EvidenceValue | undefined, decimalComma = false): string {
  if (typeof x !== 'number') return String(x ?? '?');
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  let s = a !== 0 && (a < 1e-3 || a >= 1e4) ? x.toExponential(1) : String(Number(x.toPrecision(3)));
  if (decimalComma) s = s.replace('.', ',');
  return s;
}

export const num = (f: RawFinding, k: string): number => {
  const v = f.evidence[k];
  return typeof v === 'number' ? v : NaN;
};
export const str = (f: RawFinding, k: string): string => {
  const v = f.evidence[k];
  return typeof v === 'string' ? v : '';
};
export const list = (xs: readonly string[], max = 4): string =>
  xs.length <= max ? xs.map((x) => `'${x}'`).join(', ') : `${xs.slice(0, max).map((x) => `'${x}'`).join(', ')} (+${xs.length - max})`;

/** Code snippets shared by both languages (the API does not translate). */
export const CODE = {
  xavierTanh: "nn.init.xavierNormal_(layer.weight, { gain: nn.init.calculateGain('tanh') })",
  xavier: 'nn.init.xavierNormal_(layer.weight)',
  kaiming: "nn.init.kaimingNormal_(layer.weight, { nonlinearity: 'relu' })",
  kaimingLeaky: "nn.init.kaimingNormal_(layer.weight, { a: 0.01, nonlinearity: 'leaky_relu' })",
  batchNorm: "mlp({ ...options, norm: 'batch' })  // Linear → BatchNorm1d → activation",
  layerNorm: "mlp({ ...options, norm: 'layer' })",
  residual: 'mlp({ ...options, residual: true })  // h + f(h) in every block',
  clip: 'nn.utils.clipGradNorm_(model.parameters(), 1.0)',
  clipStrict: 'nn.utils.clipGradNorm_(model.parameters(), 1.0, { errorIfNonfinite: true })',
  leaky: "new nn.LeakyReLU(0.01)  // or mlp({ ...options, activation: 'leakyRelu' })",
  orthogonalHh: 'nn.init.orthogonal_(rnn.weight_hh_l0)  // all singular values 1',
  lr: (v: number): string => `for (const g of optimizer.paramGroups) g.lr = ${Number.isFinite(v) ? fmt(v) : 'lr / 10'}`,
  zeroBias: 'nn.init.zeros_(layer.bias)',
} as const;
