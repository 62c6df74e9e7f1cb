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
 * The machine is shared and noisy, so configurations are interleaved step by step and each kind
 * of probed step is compared with the plain step next to it: the default probe's unrecorded
 * steps, its recorded steps, and Jacobian steps. Those come from a second probe that runs its
 * Jacobian estimate every 10th step instead of every 100th (a Jacobian step costs the same
 * whatever the period), so that its median has as many samples as the others. Every probe is
 * warmed up (its first recorded and Jacobian steps compile their code) before timing. The
 * amortized overhead weighs each kind by how often the default probe runs it (every = 10,
 * jacobian.every = 100).
 */
export async function benchProbe(): Promise<Row[]> {
  const variant = [...VARIANTS].reverse().find((v) => v.available)!;
  await variant.setup();
  const impl = variant.name;
  const steps = QUICK ? 100 : 300;
  const plain = setup(null);
  const probed = setup({});
  const jacobian = setup({ every: 10, jacobian: { every: 10 } });
  // warm-up: the probes' call counts below continue from here (11 calls: recorded at 0 and 10)
  const WARM = 11;
  for (let i = 0; i < 3; i++) plain();
  for (let i = 0; i < WARM; i++) {
    probed();
    jacobian();
  }
  const t = { plain: [] as number[], other: [] as number[], rec: [] as number[], jac: [] as number[] };
  const time = (f: () => void): number => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  // one step of each in turn (starting with a different one each round), and every probed step
  // compared with the plain step of its own round: the pairs share this machine's speed of the
  // moment, so the medians of the differences are steadier than differences of medians
  for (let k = WARM; k < WARM + steps; k++) {
    const dt = [0, 0, 0];
    const fs = [plain, probed, jacobian];
    for (let c = 0; c < 3; c++) dt[(k + c) % 3] = time(fs[(k + c) % 3]!);
    t.plain.push(dt[0]!);
    // the default probe records every 10th call and adds its Jacobian estimate every 100th
    if (k % 100 !== 0) (k % 10 === 0 ? t.rec : t.other).push(dt[1]! - dt[0]!);
    if (k % 10 === 0) t.jac.push(dt[2]! - dt[0]!);
  }
  const p = med(t.plain);
  const other = med(t.other);
  const rec = med(t.rec);
  const jac = med(t.jac);
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
