/**
 * The TypeScript for a structured remedy, written against the model as given (`model`,
 * `optimizer` are the user's): `model.apply(…)` for initializations, a loop over the parameter
 * groups for the learning rate, `doctor.applyRemedy` for what PyTorch has no one-liner for
 * (swapping activation modules). Every string is type-checked against the package in a test.
 */
import type { InitRemedy, RemedyAction } from './types.js';

const num = (x: number): string => {
  if (Number.isInteger(x)) return x.toFixed(1);
  return x >= 1e-3 ? String(Number(x.toPrecision(3))) : x.toExponential(0).replace('e-', 'e-');
};

function gainExpr(g: number | undefined): string | null {
  if (g === undefined || g === 1) return null;
  if (Math.abs(g - 5 / 3) < 1e-9) return "nn.init.calculateGain('tanh')";
  if (Math.abs(g - Math.SQRT2) < 1e-9) return "nn.init.calculateGain('relu')";
  return num(g);
}

function initCall(a: InitRemedy): string {
  const g = gainExpr(a.gain);
  if (a.scheme === 'kaimingNormal')
    return a.nonlinearity === 'leaky_relu'
      ? "nn.init.kaimingNormal_(m.weight, { a: 0.01, nonlinearity: 'leaky_relu' })"
      : "nn.init.kaimingNormal_(m.weight, { nonlinearity: 'relu' })";
  if (a.scheme === 'xavierNormal') return g ? `nn.init.xavierNormal_(m.weight, { gain: ${g} })` : 'nn.init.xavierNormal_(m.weight)';
  return g ? `nn.init.orthogonal_(m.weight, { gain: ${g} })` : 'nn.init.orthogonal_(m.weight)';
}

function initCode(a: InitRemedy): string {
  const body = a.zeroBias ? `{\n    ${initCall(a)};\n    if (m.bias) nn.init.zeros_(m.bias);\n  }` : `${initCall(a)};`;
  return `model.apply((m) => {\n  if (m instanceof nn.Linear || m instanceof nn.Conv2d) ${body}\n});`;
}

function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return Math.abs(v - 5 / 3) < 1e-9 ? 'nn.init.calculateGain(\'tanh\')' : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object')
    return `{ ${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k}: ${literal(x)}`)
      .join(', ')} }`;
  return String(v);
}

export function remedyCode(a: RemedyAction): string {
  switch (a.kind) {
    case 'init':
      return initCode(a);
    case 'recurrent-init':
      return "model.apply((m) => {\n  for (const [name, p] of m.namedParameters({ recurse: false })) if (name.startsWith('weight_hh')) nn.init.orthogonal_(p);\n});";
    case 'gate-bias':
      return (
        'model.apply((m) => {\n' +
        '  // the memory gate: LSTM\'s forget gate (i, f, g, o), GRU\'s update gate (r, z, n)\n' +
        '  if (m instanceof nn.LSTM || m instanceof nn.GRU || m instanceof nn.LSTMCell || m instanceof nn.GRUCell)\n' +
        "    for (const [name, p] of m.namedParameters({ recurse: false }))\n" +
        `      if (name.startsWith('bias_')) p.data.fill(name.startsWith('bias_hh') ? ${num(a.value)} : 0, m.hiddenSize, 2 * m.hiddenSize);\n` +
        '});'
      );
    case 'bias':
      return a.value === 0
        ? 'model.apply((m) => {\n  if ((m instanceof nn.Linear || m instanceof nn.Conv2d) && m.bias) nn.init.zeros_(m.bias);\n});'
        : `model.apply((m) => {\n  if ((m instanceof nn.Linear || m instanceof nn.Conv2d) && m.bias) nn.init.constant_(m.bias, ${num(a.value)});\n});`;
    case 'activation':
      return `doctor.applyRemedy(model, ${literal(a)});`;
    case 'clip':
      return `nn.utils.clipGradNorm_(model.parameters(), ${num(a.maxNorm)});  // every step, between loss.backward() and optimizer.step()`;
    case 'lr':
      if (a.lr !== undefined) return `for (const g of optimizer.paramGroups) g.lr = ${num(a.lr)};`;
      return (a.factor ?? 1) >= 1 ? `for (const g of optimizer.paramGroups) g.lr *= ${num(a.factor ?? 1)};` : `for (const g of optimizer.paramGroups) g.lr /= ${num(1 / a.factor!)};`;
  }
}
