/**
 * The lecture's experiment, end to end: a 6-layer tanh MLP (width 4096, batch 16, inputs N(0,1))
 * initialised three ways — N(0, 0.01²), N(0, 0.05²) and Xavier — trained for a few SGD steps with
 * the doctor's probe attached. For each init it prints every tanh layer's activation statistics
 * and histogram, the gradient reaching it, and what the doctor concludes.
 *
 *   npm run demo                       # defaults
 *   npm run demo -- --lang fr          # explanations in French
 *   npm run demo -- --width 1024 --steps 5 --seed 3
 *   npm run demo -- --record runs         # also write one run record (JSON Lines) per init
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { F, Probe, manualSeed, nn, optim, randint, randn, type Tensor } from '../src/index.js';
import type { Finding, LayerRecord, StepRecord } from '../src/diagnostics/index.js';
import { RunRecordFile } from '../src/node/index.js';

const { values: args } = parseArgs({
  options: {
    width: { type: 'string', default: '4096' },
    depth: { type: 'string', default: '6' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '3' },
    lr: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '0' },
    lang: { type: 'string', default: 'en' },
    record: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run demo -- [--width 4096] [--depth 6] [--batch 16] [--steps 3] [--lr 0.01] [--seed 0] [--lang en|fr] [--record DIR]');
  process.exit(0);
}
const int = (name: keyof typeof args, min: number): number => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`demo: --${name} must be an integer ≥ ${min}, got '${String(args[name])}'`);
    process.exit(2);
  }
  return v;
};
const width = int('width', 1);
const depth = int('depth', 1);
const batch = int('batch', 1);
const steps = int('steps', 1);
const seed = int('seed', 0);
const lr = Number(args.lr);
const lang = args.lang === 'fr' ? 'fr' : 'en';
if (!(lr > 0)) {
  console.error(`demo: --lr must be a positive number, got '${args.lr}'`);
  process.exit(2);
}

const INITS: [string, string, nn.WeightInit][] = [
  ['N(0, 0.01²)', 'normal-0.01', { normal: 0.01 }],
  ['N(0, 0.05²)', 'normal-0.05', { normal: 0.05 }],
  ['Xavier normal', 'xavier-normal', 'xavierNormal'],
];
if (args.record !== undefined) mkdirSync(args.record, { recursive: true });

const BARS = ' ▁▂▃▄▅▆▇█';
function sparkline(counts: readonly number[]): string {
  const max = Math.max(1, ...counts);
  return counts.map((c) => BARS[c === 0 ? 0 : Math.max(1, Math.round((c / max) * 8))]).join('');
}
const sci = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toFixed(3) : v.toExponential(1));

function printLayers(rec: StepRecord): void {
  const tanhs = rec.layers.filter((l: LayerRecord) => l.kind === 'tanh');
  console.log('  layer        act mean   act std   |y|>0.97   grad norm   histogram of activations on [-1, 1]');
  for (const l of tanhs) {
    const o = l.output!;
    const sat = l.saturation === undefined ? '—' : `${(l.saturation * 100).toFixed(1)}%`;
    console.log(
      `  ${l.name.padEnd(10)} ${sci(o.mean).padStart(9)} ${sci(o.std).padStart(9)} ${sat.padStart(10)} ${sci(l.grad?.norm).padStart(11)}   ${sparkline(o.histogram?.counts ?? [])}`,
    );
  }
}

function printFindings(findings: readonly Finding[]): void {
  if (findings.length === 0) {
    console.log(lang === 'fr' ? '  ✓ rien à signaler : activations et gradients sains à toutes les profondeurs' : '  ✓ no finding: activations and gradients are healthy at every depth');
    return;
  }
  for (const f of findings) {
    console.log(`  [${f.severity}] ${f.message}`);
    const r = f.remedies[0];
    if (r) console.log(`      → ${r.text}${r.code ? `\n        ${r.code}` : ''}`);
  }
}

console.log(`gradlab demo — ${depth} tanh layers of width ${width}, batch ${batch}, inputs N(0,1), SGD lr ${lr}, ${steps} steps, seed ${seed}\n`);
for (const [label, slug, init] of INITS) {
  const tty = process.stdout.isTTY === true;
  if (tty) process.stdout.write(`── init ${label} ─ building and training…`);
  manualSeed(seed);
  const model = nn.mlp({ inFeatures: width, hidden: Array(depth).fill(width), outFeatures: 10, activation: 'tanh', init });
  const opt = new optim.SGD(model.parameters(), { lr });
  const file =
    args.record === undefined
      ? null
      : new RunRecordFile(join(args.record, `demo-${slug}.jsonl`), {
          seed,
          spec: { experiment: 'lecture-tanh-mlp', depth, width, batch, steps, lr, init, activation: 'tanh', optimizer: 'SGD' },
        });
  const probe = new Probe(model, {
    every: 1, histogramRange: [-1, 1], histogramBins: 24, optimizer: opt,
    ...(file ? { onRecord: (r: StepRecord) => file.step(r) } : {}),
  });
  const x: Tensor = randn([batch, width]);
  const y: Tensor = randint(0, 10, [batch]);
  let first: StepRecord | null = null;
  let loss = NaN;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const l = F.crossEntropy(model.forward(x), y);
    l.backward();
    opt.step();
    const rec = probe.step({ loss: l, optimizer: opt });
    first ??= rec;
    loss = l.item();
  }
  const ms = (performance.now() - t0) / steps;
  process.stdout.write(`${tty ? '\r\x1b[K' : ''}── init ${label} ─ loss ${loss.toFixed(4)} after ${steps} steps (${ms.toFixed(0)} ms/step incl. probe)\n`);
  printLayers(first!);
  const findings = probe.findings({ lang });
  printFindings(findings);
  probe.detach();
  if (file) {
    for (const f of findings) file.finding(f);
    file.end('completed');
    console.log(`  run record: ${file.path}`);
  }
  console.log('');
}
