/**
 * The doctor's cost: one SGD step of the MLP 784→512×6→10 (tanh, batch 128) without a probe and
 * with the default probe (every 10th step recorded; Jacobian estimate and symmetry check on
 * every 100th), on the fastest gradlab configuration (where the relative overhead is largest:
 * the probe's statistics run in plain JS on one thread).
 * Run alone with `npx tsx bench/probe.ts`; `npm run bench` includes it.
 */
import * as gl from '../src/index.js';
import { VARIANTS } from './gradlab.js';
import { QUICK } from './measure.js';
import type { Row } from './table.js';

const SECTION = 'Probe cost (MLP 784→512×6→10 tanh, b128, SGD), ms';
const SECTION_PCT = 'Probe overhead (MLP 784→512×6→10 tanh, b128, SGD), % of a step';

function setup(probeOpts: gl.doctor.ProbeOptions | null) {
  gl.manualSeed(0);
  const layers: gl.nn.Module[] = [new gl.nn.Linear(784, 512), new gl.nn.Tanh()];
  for (let i = 1; i < 6; i++) layers.push(new gl.nn.Linear(512, 512), new gl.nn.Tanh());
  layers.push(new gl.nn.Linear(512, 10));
  const model = new gl.nn.Sequential(...layers);
  const x = gl.randn([128, 784]);
  const y = gl.randint(0, 10, [128]);
  const opt = new gl.optim.SGD(model.parameters(), { lr: 0.01 });
  const probe = probeOpts ? new gl.Probe(model, { ...probeOpts, optimizer: opt }) : null;
  return (): void => {
    opt.zeroGrad();
    const loss = gl.crossEntropy(model.forward(x) as gl.Tensor, y);
    loss.backward();
    opt.step();
    probe?.step({ loss, optimizer: opt });
  };
}

const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The machine is shared and noisy, so configurations are interleaved in chunks of 10 steps and
 * compared through medians per kind of step: plain steps, the probe's unrecorded steps, its
 * recorded steps and its Jacobian steps. The amortized overhead weighs each kind by how often
 * it occurs (every = 10, jacobian.every = 100 by default).
 */
export async function benchProbe(): Promise<Row[]> {
  const variant = [...VARIANTS].reverse().find((v) => v.available)!;
  await variant.setup();
  const impl = variant.name;
  const steps = QUICK ? 100 : 300;
  const plain = setup(null);
  const probed = setup({});
  for (let i = 0; i < 3; i++) plain();
  const t = { plain: [] as number[], other: [] as number[], rec: [] as number[], jac: [] as number[] };
  for (let s = 0; s < steps; s += 10) {
    for (let k = 0; k < 10; k++) {
      const t0 = performance.now();
      plain();
      t.plain.push(performance.now() - t0);
    }
    for (let k = s; k < s + 10; k++) {
      const t0 = performance.now();
      probed();
      const dt = performance.now() - t0;
      (k % 100 === 0 ? t.jac : k % 10 === 0 ? t.rec : t.other).push(dt);
    }
  }
  const p = med(t.plain);
  const other = med(t.other) - p;
  const rec = med(t.rec) - p;
  const jac = med(t.jac) - p;
  const amortized = 0.9 * other + (0.1 - 0.01) * rec + 0.01 * jac;
  return [
    { section: SECTION, workload: 'step without probe (ms, median)', impl, value: p, unit: 'ms' },
    { section: SECTION, workload: 'extra per unrecorded step (ms)', impl, value: other, unit: 'ms' },
    { section: SECTION, workload: 'extra per recorded step (ms)', impl, value: rec, unit: 'ms' },
    { section: SECTION, workload: 'extra per Jacobian step (ms)', impl, value: jac, unit: 'ms' },
    { section: SECTION_PCT, workload: 'default probe, amortized', impl, value: (100 * amortized) / p, unit: '%', note: 'target ≤ 15 %' },
    { section: SECTION_PCT, workload: 'every step recorded (every: 1)', impl, value: (100 * rec) / p, unit: '%' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchProbe()) console.log(`${r.workload.padEnd(48)} ${r.value?.toFixed(2)} ${r.unit} ${r.note ?? ''}`);
  gl.shutdownThreads?.();
}
