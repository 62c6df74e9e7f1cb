/**
 * The PyTorch for a structured remedy, for run records made by PyTorch (`gradlab_torch`): the
 * same action as `remedyCode` writes in TypeScript, as a person writes it in a torch training
 * script (`model.apply`, `torch.nn.init.*_`, `torch.nn.utils.clip_grad_norm_`, the optimizer's
 * param_groups). A test runs every string with Debian's python3-torch on a small model.
 */
import type { ActivationClass, InitRemedy, RemedyAction } from './types.js';

const num = (x: number): string => {
  if (Number.isInteger(x)) return x.toFixed(1);
  return x >= 1e-3 ? String(Number(x.toPrecision(3))) : x.toExponential(0);
};

function gainExpr(g: number | undefined): string | null {
  if (g === undefined || g === 1) return null;
  if (Math.abs(g - 5 / 3) < 1e-9) return "nn.init.calculate_gain('tanh')";
  if (Math.abs(g - Math.SQRT2) < 1e-9) return "nn.init.calculate_gain('relu')";
  return num(g);
}

function initCall(a: InitRemedy): string {
  const g = gainExpr(a.gain);
  if (a.scheme === 'kaimingNormal')
    return a.nonlinearity === 'leaky_relu'
      ? "nn.init.kaiming_normal_(m.weight, a=0.01, nonlinearity='leaky_relu')"
      : "nn.init.kaiming_normal_(m.weight, nonlinearity='relu')";
  if (a.scheme === 'xavierNormal') return g ? `nn.init.xavier_normal_(m.weight, gain=${g})` : 'nn.init.xavier_normal_(m.weight)';
  return g ? `nn.init.orthogonal_(m.weight, gain=${g})` : 'nn.init.orthogonal_(m.weight)';
}

const LAYERS = '(nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)';

function initCode(a: InitRemedy): string {
  const lines = [`def init_(m):`, `    if isinstance(m, ${LAYERS}):`, `        ${initCall(a)}`];
  if (a.zeroBias) lines.push('        if m.bias is not None:', '            nn.init.zeros_(m.bias)');
  lines.push('with torch.no_grad():', '    model.apply(init_)');
  return lines.join('\n');
}

const TORCH_ACT: Record<ActivationClass, string> = {
  Sigmoid: 'nn.Sigmoid()',
  Tanh: 'nn.Tanh()',
  ReLU: 'nn.ReLU()',
  LeakyReLU: 'nn.LeakyReLU(0.01)',
};

/** The remedy as PyTorch code (`torch`, `nn = torch.nn`, the user's `model` and `optimizer`). */
export function torchRemedyCode(a: RemedyAction): string {
  switch (a.kind) {
    case 'init':
      return initCode(a);
    case 'recurrent-init':
      return [
        'with torch.no_grad():',
        '    for name, p in model.named_parameters():',
        "        if 'weight_hh' in name:",
        '            nn.init.orthogonal_(p)',
      ].join('\n');
    case 'gate-bias':
      return [
        'with torch.no_grad():',
        '    for m in model.modules():',
        '        if isinstance(m, (nn.LSTM, nn.GRU, nn.LSTMCell, nn.GRUCell)):',
        '            H = m.hidden_size  # the memory gate: LSTM forget gate (i, f, g, o), GRU update gate (r, z, n)',
        '            for name, p in m.named_parameters(recurse=False):',
        "                if name.startswith('bias_'):",
        `                    p[H:2 * H] = ${num(a.value)} if name.startswith('bias_hh') else 0.0`,
      ].join('\n');
    case 'bias':
      return [
        'with torch.no_grad():',
        '    for m in model.modules():',
        `        if isinstance(m, ${LAYERS}) and m.bias is not None:`,
        a.value === 0 ? '            nn.init.zeros_(m.bias)' : `            nn.init.constant_(m.bias, ${num(a.value)})`,
      ].join('\n');
    case 'activation': {
      const lines = [
        'def swap_(module):',
        '    for name, child in module.named_children():',
        `        if type(child) is nn.${a.from}:`,
        `            setattr(module, name, ${TORCH_ACT[a.to]})`,
        '        else:',
        '            swap_(child)',
        'swap_(model)',
      ];
      if (a.init) lines.push(initCode(a.init));
      return lines.join('\n');
    }
    case 'clip':
      return `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=${num(a.maxNorm)})  # every step, between loss.backward() and optimizer.step()`;
    case 'lr':
      if (a.lr !== undefined) return `for g in optimizer.param_groups:\n    g['lr'] = ${num(a.lr)}`;
      return `for g in optimizer.param_groups:\n    g['lr'] *= ${num(a.factor ?? 1)}`;
  }
}
