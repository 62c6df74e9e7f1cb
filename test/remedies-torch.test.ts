/**
 * Remedies shown for a record made by PyTorch are PyTorch code: every structured remedy's
 * `torchRemedyCode` runs with Debian's python3-torch against a model with Linear, Conv2d, RNN and
 * activation modules, and does what it says (checked in Python, after each snippet).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { torchRemedyCode } from '../src/diagnostics/remedies/torch-code.js';
import type { RemedyAction } from '../src/diagnostics/remedies/types.js';

const PY = '/usr/bin/python3';
let hasTorch = false;
try {
  execFileSync(PY, ['-c', 'import torch'], { stdio: 'pipe' });
  hasTorch = true;
} catch {
  console.warn(`PyTorch remedy test not run: ${PY} cannot import torch (apt-get install python3-torch)`);
}

const CASES: [RemedyAction, string][] = [
  [{ kind: 'init', scheme: 'xavierNormal', gain: 5 / 3, zeroBias: true }, "assert all(float(m.bias.abs().sum()) == 0 for m in lins)"],
  [{ kind: 'init', scheme: 'kaimingNormal', nonlinearity: 'relu' }, 'assert abs(float(model.body[0].weight.std()) - (2 / 64) ** 0.5) < 0.03'],
  [{ kind: 'init', scheme: 'orthogonal' }, 'W = model.body[0].weight; assert torch.allclose(W @ W.T, torch.eye(64), atol=1e-4)'],
  [{ kind: 'recurrent-init', scheme: 'orthogonal' }, 'W = model.rnn.weight_hh_l0; assert torch.allclose(W @ W.T, torch.eye(16), atol=1e-4)'],
  [{ kind: 'gate-bias', value: 1 }, 'assert all(torch.all(m.bias_hh_l0[16:32] == 1) and torch.all(m.bias_ih_l0[16:32] == 0) and torch.all(m.bias_hh_l0[:16] != 1) for m in (model.lstm, model.gru))'],
  [{ kind: 'bias', value: 0.1 }, 'assert all(torch.all(m.bias == 0.1) for m in lins)'],
  [{ kind: 'activation', from: 'Sigmoid', to: 'ReLU', init: { kind: 'init', scheme: 'kaimingNormal' } }, 'assert not any(isinstance(m, nn.Sigmoid) for m in model.modules()) and isinstance(model.body[1], nn.ReLU)'],
  [{ kind: 'clip', maxNorm: 1 }, 'assert sum(float(p.grad.norm()) ** 2 for p in model.parameters()) ** 0.5 <= 1.0001'],
  [{ kind: 'lr', lr: 0.003 }, "assert optimizer.param_groups[0]['lr'] == 0.003"],
  [{ kind: 'lr', factor: 0.1 }, "assert abs(optimizer.param_groups[0]['lr'] - 0.01) < 1e-12"],
];

const SETUP = `
import torch
import torch.nn as nn
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.body = nn.Sequential(nn.Linear(64, 64), nn.Sigmoid(), nn.Linear(64, 8))
        self.rnn = nn.RNN(8, 16)
        self.lstm = nn.LSTM(8, 16)
        self.gru = nn.GRU(8, 16)
model = Net()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for p in model.parameters():
    p.grad = torch.randn_like(p) * 10
lins = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
`;

describe.runIf(hasTorch)('remedies as PyTorch code', () => {
  it('every remedy runs in PyTorch and does what it says', () => {
    const script = CASES.map(([a, check], i) => `${SETUP}\n${torchRemedyCode(a)}\n${check}\nprint('ok ${i}')\n`).join('\n');
    const out = execFileSync(PY, ['-c', script], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(CASES.map((_, i) => `ok ${i}`));
  });
});

describe('explain for PyTorch records', () => {
  it('writes structured remedies as PyTorch code, in English and French, and drops TypeScript-only code', async () => {
    const g = await import('../src/index.js');
    const { runDetectors, explain, codeFlavour } = g.doctor;
    g.manualSeed(0);
    const model = g.nn.mlp({ inFeatures: 64, hidden: [64, 64, 64, 64, 64, 64], outFeatures: 4, activation: 'tanh', init: { normal: 0.01 } });
    const { records } = await g.diagnose(model, { data: [[g.randn([32, 64]), g.randint(0, 4, [32])]], lossFn: g.F.crossEntropy, steps: 3 });
    const raw = runDetectors(records);
    expect(raw.length).toBeGreaterThan(0);
    expect(codeFlavour({ library: { name: 'gradlab_torch' } })).toBe('pytorch');
    expect(codeFlavour({ library: { name: 'gradlab' } })).toBe('gradlab');
    for (const lang of ['en', 'fr'] as const) {
      const ts = explain(raw, lang);
      const py = explain(raw, lang, { flavour: 'pytorch' });
      expect(py.map((f) => f.message)).toEqual(ts.map((f) => f.message));
      const codes = py.flatMap((f) => f.remedies.map((r) => r.code).filter((c): c is string => c !== undefined));
      expect(codes.length).toBeGreaterThan(0);
      for (const c of codes) {
        expect(c).not.toMatch(/=>|const |nn\.init\.[a-z]+[A-Z]|clipGradNorm_/);
        expect(c).toMatch(/nn\.init\.|clip_grad_norm_|param_groups/);
      }
    }
  });
});
