// A consumer app as a user writes it: imports the packed package by name, trains a small MLP
// and asks the doctor about a deep tanh net with a tiny init. Bundled by the test with Vite
// (production) and with esbuild --minify, then run in headless Chromium.
import { F, diagnose, manualSeed, nn, optim, randint, randn } from 'gradlab';

async function main() {
  manualSeed(0);
  const x = randn([64, 8]);
  const y = x.narrow(1, 0, 3).argmax(1);
  const model = nn.mlp({ inFeatures: 8, hidden: [32, 32], outFeatures: 3, activation: 'relu' });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const losses = [];
  for (let step = 0; step < 40; step++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }

  const sick = nn.mlp({ inFeatures: 64, hidden: [64, 64, 64, 64, 64, 64], outFeatures: 4, activation: 'tanh', init: { normal: 0.01 } });
  const data = { x: randn([32, 64]), y: randint(0, 4, [32]) };
  const { findings, records } = await diagnose(sick, { data: [[data.x, data.y]], lossFn: F.crossEntropy, steps: 3 });
  const last = records[records.length - 1];
  return {
    first: losses[0],
    last: losses[losses.length - 1],
    layers: last.layers.map((l) => ({ name: l.name, type: l.type, kind: l.kind })),
    findings: findings.map((f) => f.id),
  };
}

main().then(
  (r) => { window.__result = r; document.getElementById('out').textContent = JSON.stringify(r); },
  (e) => { window.__result = { error: String(e && e.stack ? e.stack : e) }; },
);
