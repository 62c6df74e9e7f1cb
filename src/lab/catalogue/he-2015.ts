/**
 * he-2015 — He, Zhang, Ren, Sun, "Delving Deep into Rectifiers" (ICCV 2015), §2.2 and Fig. 3: a
 * 30-layer ReLU net without normalization stalls with Xavier's init and trains with theirs
 * (Kaiming: Var(w) = 2/fan_in). Here: a 30-layer ReLU MLP on MNIST.
 */
import { Generator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mlp, type WeightInit } from '../../nn/mlp.js';
import { Linear } from '../../nn/layers/linear.js';
import { loadData } from '../data/index.js';
import { outputsOf } from './forward-stats.js';
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import { runEntry } from './specs.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

export const HE_DEPTH = 30;
const LN10 = Math.log(10);
const LAYERS = [1, 10, 20, 30];

/** rms of each hidden Linear's output (the pre-activations) at initialization on MNIST digits. */
export function heInitRms(init: WeightInit, x: Tensor, width: number, seed = 0): number[] {
  const generator = new Generator(seed);
  const model = mlp({ inFeatures: 784, hidden: Array(HE_DEPTH).fill(width), outFeatures: 10, activation: 'relu', init, initBias: 'zeros', generator });
  return outputsOf(model, x, (m) => m instanceof Linear).slice(0, HE_DEPTH).map((s) => s.rms);
}

async function measure(ctx: MeasureContext): Promise<PaperTable> {
  const width = ctx.quick ? 128 : 256;
  const data = await loadData({ name: 'mnist', train: 256, test: 0 }, { source: ctx.source, generator: new Generator(0) });
  const x = (data.train.tensors[0] as Tensor).reshape([256, 784]);
  // He et al. Eq. (10): each ReLU layer multiplies the pre-activations' second moment by
  // ½·n·Var(w): ½ with Xavier (Var = 1/n for equal fans), 1 with theirs (Var = 2/n)
  const rows: PaperTable['rows'] = [];
  for (const [label, init, f] of [['Xavier', 'xavierNormal', 0.5], ['Kaiming', 'kaimingNormal', 1]] as const) {
    const rms = heInitRms(init, x, width);
    rows.push({
      label: `${label}: rms of layer l / layer 1 at init`,
      paper: LAYERS.map((l) => Math.pow(f, (l - 1) / 2)),
      ours: LAYERS.map((l) => rms[l - 1]! / rms[0]!),
    });
  }
  ctx.onProgress?.(1, 3);
  const runs = await runEntry(he2015, { quick: ctx.quick, ctx: { source: ctx.source }, onRun: (i) => ctx.onProgress?.(1 + i, 3) });
  ctx.onProgress?.(3, 3);
  for (const r of runs)
    rows.push({ label: `${r.label}: training loss (first → last steps)`, paper: [null, null, null, null], ours: [r.metrics[0]?.loss ?? null, null, null, finalLoss(r)] });
  return {
    title: `he-2015: a ${HE_DEPTH}-layer ReLU MLP (width ${width}) on MNIST, Xavier vs Kaiming`,
    columns: LAYERS.map((l) => `layer ${l}`),
    rows,
    note: {
      en:
        "'paper': He et al.'s Eq. (10), the second moment of the pre-activations multiplied by ½·n·Var(w) per layer. " +
        'With Xavier the signal at layer 30 is 2^(−29/2) ≈ 4e-5 of layer 1, so the output and every gradient are tiny and SGD stalls at ' +
        'ln 10 = 2.30 (their Fig. 3: “the Xavier method completely stalls”); Kaiming keeps it at 1 and the net trains.',
      fr:
        "« paper » : l’éq. (10) de He et al., le moment d’ordre 2 des pré-activations multiplié par ½·n·Var(w) à chaque couche. " +
        'Avec Xavier le signal de la couche 30 vaut 2^(−29/2) ≈ 4e-5 de celui de la couche 1 : la sortie et tous les gradients sont ' +
        'minuscules et SGD reste bloqué à ln 10 = 2,30 (leur fig. 3 : la méthode de Xavier cale complètement) ; Kaiming le garde à 1 et le réseau apprend.',
    },
  };
}

export const he2015: CatalogueEntry = {
  id: 'he-2015',
  title: { en: 'He et al. 2015: Xavier stalls, Kaiming trains a 30-layer ReLU net', fr: 'He et al. 2015 : Xavier cale, Kaiming entraîne un réseau ReLU de 30 couches' },
  about: {
    en:
      'Xavier’s initialization assumes an activation that is linear around zero. ReLU zeroes half of its inputs, so each layer ' +
      'halves the second moment of the signal: after 30 layers it is 2^−29 of what it was, in the forward pass and in the backward ' +
      'pass. He, Zhang, Ren and Sun (2015) derive the fix, Var(w) = 2/fan_in (“Kaiming” or “He” init, nn.init.kaimingNormal_), and ' +
      'show a 30-layer ReLU net without normalization that does not learn at all with Xavier and trains with theirs. We rerun it ' +
      'with an MLP on MNIST: the table prints each layer’s signal at initialization beside their formula, then the training loss.',
    fr:
      'L’initialisation de Xavier suppose une activation linéaire autour de zéro. ReLU annule la moitié de ses entrées : chaque couche ' +
      'divise par deux le moment d’ordre 2 du signal, qui vaut après 30 couches 2^−29 de sa valeur initiale, dans la passe avant comme ' +
      'dans la rétropropagation. He, Zhang, Ren et Sun (2015) en tirent le remède, Var(w) = 2/fan_in (initialisation « Kaiming » ou ' +
      '« He », nn.init.kaimingNormal_), et montrent un réseau ReLU de 30 couches sans normalisation qui n’apprend rien avec Xavier et ' +
      's’entraîne avec la leur. Nous le refaisons avec un MLP sur MNIST : le tableau donne le signal de chaque couche à ' +
      'l’initialisation à côté de leur formule, puis la perte d’entraînement.',
  },
  remedies: ['init'],
  base: baseSpec('he-2015', {
    seed: 0,
    model: { type: 'mlp', depth: HE_DEPTH, width: 256, activation: 'relu', init: 'kaimingNormal', bias: 'zeros' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'momentum', lr: 0.01 },
    batchSize: 64,
    steps: 1000,
    eval: { every: 250 },
    probe: { every: 25 },
  }),
  variants: [
    { label: 'Xavier', set: { 'model.init': 'xavierNormal' } },
    { label: 'Kaiming', set: { 'model.init': 'kaimingNormal' } },
  ],
  quick: { 'model.width': 128, steps: 150, 'data.train': 1000, 'data.test': 500, 'eval.every': 150 },
  measure,
  verdict(runs) {
    if (runs.length !== 2) return incomplete(2, runs.length);
    const [x, k] = [finalLoss(runs[0]!), finalLoss(runs[1]!)];
    // Kaiming trains (a fifth of the way down from ln 10 at least) and ends far below Xavier; Xavier
    // is stuck at ln 10 for the first hundreds of steps (quick size) and starts to move only after
    // momentum has piled up its tiny gradients (full size: 1.8 after 1000 steps, Kaiming 0.44)
    const stalled = x > 0.95 * LN10;
    const ok = k < 0.8 * LN10 && k < 0.7 * x;
    return {
      ok,
      text: {
        en: `final training loss: Xavier ${num(x)} (ln 10 = 2.30: ${stalled ? 'stalled' : 'moving, slowly'}), Kaiming ${num(k)}${ok ? ' — Kaiming trains, Xavier lags far behind, as in He et al.' : ''}`,
        fr: `perte d’entraînement finale : Xavier ${numFr(x)} (ln 10 = 2,30 : ${stalled ? 'bloqué' : 'bouge, lentement'}), Kaiming ${numFr(k)}${ok ? ' — Kaiming apprend, Xavier reste loin derrière, comme chez He et al.' : ''}`,
      },
    };
  },
};
