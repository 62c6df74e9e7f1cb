/**
 * glorot-2010 — Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
 * networks" (AISTATS 2010), §4.2–4.3, Figs. 6–7: per-layer activation and back-propagated
 * gradient statistics at initialization of a 5×1000 tanh net, "standard" init U(±1/√n) vs their
 * "normalized" init U(±√6/√(n_in + n_out)).
 */
import { Generator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { crossEntropy } from '../../ops/loss.js';
import { retainGrad } from '../../autograd/tensor-autograd.js';
import { mlp, type WeightInit } from '../../nn/mlp.js';
import { uniform_ } from '../../nn/init.js';
import { Linear } from '../../nn/layers/linear.js';
import { Tanh } from '../../nn/layers/activation.js';
import { loadData } from '../data/index.js';
import { stats } from './forward-stats.js';
import { baseSpec, firstRecord, incomplete, layersOf, num, numFr } from './helpers.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

export const GLOROT_DEPTH = 5;
export const GLOROT_WIDTH = 1000;

/** Each hidden layer's tanh output std and the std of ∂C/∂s (s: the layer's pre-activation), at initialization. */
export function glorotStats(init: 'standard' | 'normalized', x: Tensor, y: Tensor, opts: { width?: number; seed?: number } = {}): { act: number[]; grad: number[] } {
  const generator = new Generator(opts.seed ?? 0);
  const w: WeightInit =
    init === 'normalized' ? 'xavierUniform' : (t) => void uniform_(t, -1 / Math.sqrt(t.shape[1]!), 1 / Math.sqrt(t.shape[1]!), { generator });
  const width = opts.width ?? GLOROT_WIDTH;
  const model = mlp({ inFeatures: x.shape[1]!, hidden: Array(GLOROT_DEPTH).fill(width), outFeatures: 10, activation: 'tanh', init: w, initBias: 'zeros', generator });
  const pre: Tensor[] = [];
  const act: number[] = [];
  const hs = [...model.modules()].flatMap((m) => {
    if (m instanceof Linear) return [m.registerForwardHook((_m, _i, out) => void pre.push(retainGrad(out as Tensor)))];
    if (m instanceof Tanh) return [m.registerForwardHook((_m, _i, out) => void act.push(stats((out as Tensor).data).std))];
    return [];
  });
  try {
    crossEntropy(model.forward(x) as Tensor, y).backward();
  } finally {
    for (const h of hs) h.remove();
  }
  return { act, grad: pre.slice(0, GLOROT_DEPTH).map((t) => stats(t.grad!.data).std) };
}

async function measure(ctx: MeasureContext): Promise<PaperTable> {
  const n = ctx.quick ? 128 : 512;
  const data = await loadData({ name: 'mnist', train: n, test: 0 }, { source: ctx.source, generator: new Generator(0) });
  const [xs, y] = data.train.tensors as [Tensor, Tensor];
  const x = xs.reshape([n, 784]);
  const cols = Array.from({ length: GLOROT_DEPTH }, (_, i) => `layer ${i + 1}`);
  const rows: PaperTable['rows'] = [];
  // the paper's linear-regime analysis: n·Var(W) = 1/3 for the standard init (per layer, the
  // variance is multiplied by 1/3 going up and the gradient's going down), 1 for the normalized one
  for (const [k, init] of (['standard', 'normalized'] as const).entries()) {
    ctx.onProgress?.(k, 2);
    const f = init === 'standard' ? 1 / 3 : 1;
    const s = glorotStats(init, x, y);
    rows.push({ label: `${init}: activation std / layer 1`, paper: cols.map((_, i) => Math.pow(f, i / 2)), ours: s.act.map((v) => v / s.act[0]!) });
    rows.push({
      label: `${init}: ∂C/∂s std / layer ${GLOROT_DEPTH}`,
      paper: cols.map((_, i) => Math.pow(f, (GLOROT_DEPTH - 1 - i) / 2)),
      ours: s.grad.map((v) => v / s.grad[GLOROT_DEPTH - 1]!),
    });
  }
  ctx.onProgress?.(2, 2);
  return {
    title: `glorot-2010: ${GLOROT_DEPTH} tanh layers of ${GLOROT_WIDTH} units at initialization, ${n} MNIST digits`,
    columns: cols,
    rows,
    note: {
      en:
        "'paper': Glorot & Bengio's linear-regime analysis (their Eqs. 5–7): with the standard init n·Var(W) = 1/3, so each layer " +
        'multiplies the activations’ variance by 1/3 going up and the back-propagated gradients’ variance by 1/3 going down; the ' +
        'normalized init makes both factors 1 (Figs. 6–7 show the histograms narrowing vs staying put). Their data set is Shapeset-3×2, ours MNIST.',
      fr:
        "« paper » : l’analyse de Glorot et Bengio en régime linéaire (leurs éq. 5–7) : avec l’initialisation standard n·Var(W) = 1/3, " +
        'chaque couche multiplie la variance des activations par 1/3 en montant et celle des gradients rétropropagés par 1/3 en ' +
        'descendant ; l’initialisation normalisée rend les deux facteurs égaux à 1 (les fig. 6–7 montrent des histogrammes qui se ' +
        'resserrent ou restent en place). Leur jeu de données est Shapeset-3×2, le nôtre MNIST.',
    },
  };
}

export const glorot2010: CatalogueEntry = {
  id: 'glorot-2010',
  title: { en: 'Glorot & Bengio 2010: standard vs normalized initialization', fr: 'Glorot et Bengio 2010 : initialisation standard contre normalisée' },
  about: {
    en:
      'Glorot and Bengio looked inside deep tanh nets at initialization. With the “standard” init of the time, U(±1/√n), each layer ' +
      'multiplies the variance of the activations by n·Var(W) = 1/3 on the way up, and the variance of the back-propagated gradients ' +
      'by 1/3 on the way down: the top layers see a squeezed signal, the bottom layers a squeezed gradient. Asking for the variance ' +
      'to be kept in both directions gives their “normalized” init, Var(W) = 2/(n_in + n_out) — what PyTorch calls xavierUniform_. ' +
      'Five tanh layers of 1000 units on MNIST digits: the table compares each layer’s activation and gradient spread with their ' +
      'analysis, and both nets are trained. Remedy: the initialization.',
    fr:
      'Glorot et Bengio ont regardé l’intérieur de réseaux tanh profonds à l’initialisation. Avec l’initialisation « standard » de ' +
      'l’époque, U(±1/√n), chaque couche multiplie la variance des activations par n·Var(W) = 1/3 en montant, et celle des gradients ' +
      'rétropropagés par 1/3 en descendant : les couches hautes voient un signal écrasé, les couches basses un gradient écrasé. Exiger ' +
      'que la variance soit conservée dans les deux sens donne leur initialisation « normalisée », Var(W) = 2/(n_in + n_out) — ce que ' +
      'PyTorch appelle xavierUniform_. Cinq couches tanh de 1000 unités sur des chiffres MNIST : le tableau compare l’étalement des ' +
      'activations et des gradients de chaque couche à leur analyse, et les deux réseaux sont entraînés. Remède : l’initialisation.',
  },
  remedies: ['init'],
  base: baseSpec('glorot-2010', {
    seed: 0,
    model: { type: 'mlp', depth: GLOROT_DEPTH, width: GLOROT_WIDTH, activation: 'tanh', init: 'xavierUniform', bias: 'zeros' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'sgd', lr: 0.01 },
    batchSize: 10,
    steps: 2000,
    eval: { every: 500 },
    probe: { every: 50 },
  }),
  variants: [
    // PyTorch's default Linear init is U(±1/√fan_in): Glorot's "standard" one (biases set to 0 here)
    { label: 'standard U(±1/√n)', set: { 'model.init': 'default', 'model.bias': 'zeros' } },
    { label: 'normalized (Xavier)', set: { 'model.init': 'xavierUniform' } },
  ],
  quick: { 'model.width': 256, steps: 200, 'data.train': 2000, 'data.test': 500, 'eval.every': 100, 'probe.every': 20 },
  measure,
  verdict(runs) {
    if (runs.length !== 2) return incomplete(2, runs.length);
    const ratio = runs.map((r) => {
      const t = layersOf(firstRecord(r), 'tanh').map((l) => l.output?.std ?? NaN);
      return t.length > 0 ? t[t.length - 1]! / t[0]! : NaN;
    }) as [number, number];
    const ok = ratio[0] < ratio[1];
    return {
      ok,
      text: {
        en: `activation std, last / first tanh layer at initialization: standard ${num(ratio[0])}, normalized ${num(ratio[1])}`,
        fr: `écart type des activations, dernière / première couche tanh à l’initialisation : standard ${numFr(ratio[0])}, normalisée ${numFr(ratio[1])}`,
      },
    };
  },
};
