/**
 * ioffe-2015 — Ioffe & Szegedy, "Batch Normalization" (ICML 2015), §4.1 and Fig. 1: a net of
 * 3 fully connected hidden layers of 100 sigmoid units on MNIST, trained with and without
 * BatchNorm; the distribution of the last hidden layer's inputs over training (15th, 50th and
 * 85th percentiles) and the test accuracy.
 */
import type { StepRecord } from '../../diagnostics/record/types.js';
import type { RunResult } from '../runner/index.js';
import { baseSpec, finalTestAccuracy, incomplete, layersOf, num, numFr } from './helpers.js';
import { runEntry } from './specs.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

export const IOFFE_LEVELS = [0.15, 0.5, 0.85];

/** The 15/50/85 % quantiles of the last sigmoid layer's input (all its units over the batch) in a record. */
export function lastSigmoidInput(rec: StepRecord | undefined): number[] | null {
  const l = layersOf(rec ?? null, 'sigmoid');
  const q = l[l.length - 1]?.input?.quantiles;
  if (!q) return null;
  return IOFFE_LEVELS.map((lv) => {
    const i = q.levels.findIndex((v) => Math.abs(v - lv) < 1e-9);
    return i < 0 ? NaN : q.values[i]!;
  });
}

/**
 * How far the distribution moved over training, in units of its initial 15–85 % spread: the
 * largest shift of any of the three percentiles between the first and the last record.
 */
export function percentileDrift(run: RunResult): number {
  const a = lastSigmoidInput(run.records[0]);
  const b = lastSigmoidInput(run.records[run.records.length - 1]);
  if (!a || !b) return NaN;
  const spread = a[2]! - a[0]!;
  return Math.max(...a.map((v, i) => Math.abs(b[i]! - v))) / spread;
}

/** Mean test accuracy over the evaluations after step 0. */
export function meanTestAccuracy(run: RunResult): number {
  const a = run.metrics.filter((m) => m.step > 0 && m.testAccuracy !== undefined).map((m) => m.testAccuracy!);
  return a.length === 0 ? NaN : a.reduce((x, y) => x + y, 0) / a.length;
}

async function measure(ctx: MeasureContext): Promise<PaperTable> {
  const runs = await runEntry(ioffe2015, { quick: ctx.quick, ctx: { source: ctx.source }, onRun: (i, n) => ctx.onProgress?.(i, n) });
  ctx.onProgress?.(runs.length, runs.length);
  const steps = runs[0]!.steps;
  return {
    title: `ioffe-2015: 3×100 sigmoid MLP on MNIST, ${steps} steps of 60 digits; last hidden layer’s inputs (15/50/85 %) and test accuracy`,
    columns: ['15 % start', '50 % start', '85 % start', '15 % end', '50 % end', '85 % end', 'drift / spread', 'mean test accuracy', 'final test accuracy'],
    rows: runs.map((r) => {
      const a = lastSigmoidInput(r.records[0]) ?? [NaN, NaN, NaN];
      const b = lastSigmoidInput(r.records[r.records.length - 1]) ?? [NaN, NaN, NaN];
      return { label: r.label, paper: Array(9).fill(null), ours: [...a, ...b, percentileDrift(r), meanTestAccuracy(r), finalTestAccuracy(r)] };
    }),
    note: {
      en:
        'The paper shows these as curves (Fig. 1), not numbers: without BatchNorm the percentiles of a sigmoid’s input move a lot over ' +
        'training, with it they stay put, and the BatchNorm net reaches a higher test accuracy sooner. Ours pool all 100 units of the ' +
        'last hidden layer (the probe’s statistics), the paper follows one “typical” unit; 50,000 steps there, a few thousand here.',
      fr:
        'L’article les montre en courbes (fig. 1), pas en nombres : sans BatchNorm les percentiles de l’entrée d’une sigmoïde bougent ' +
        'beaucoup pendant l’entraînement, avec elle ils restent en place, et le réseau avec BatchNorm atteint plus tôt une meilleure ' +
        'précision de test. Les nôtres regroupent les 100 unités de la dernière couche cachée (les statistiques de la sonde), l’article ' +
        'suit une unité « typique » ; 50 000 pas là-bas, quelques milliers ici.',
    },
  };
}

export const ioffe2015: CatalogueEntry = {
  id: 'ioffe-2015',
  title: { en: 'Ioffe & Szegedy 2015: BatchNorm steadies a sigmoid net’s inputs', fr: 'Ioffe et Szegedy 2015 : BatchNorm stabilise les entrées d’un réseau sigmoïde' },
  about: {
    en:
      'Every update of the lower layers changes the distribution of the inputs of the layers above: Ioffe and Szegedy call it internal ' +
      'covariate shift. For sigmoid units it is doubly harmful, since inputs that drift away from zero land where σ′ is tiny. Batch ' +
      'normalization standardizes each unit’s input over the mini-batch, then rescales it with a learned γ and β. Their first ' +
      'experiment, rerun here on the shipped MNIST digits: three hidden layers of 100 sigmoid units, small Gaussian weights, batches ' +
      'of 60, with and without BatchNorm. We follow the 15th, 50th and 85th percentiles of the last hidden layer’s inputs over ' +
      'training and the test accuracy: the BatchNorm net’s inputs stay put and it learns faster. Remedy: normalization.',
    fr:
      'Chaque mise à jour des couches basses change la distribution des entrées des couches supérieures : Ioffe et Szegedy l’appellent ' +
      'le décalage de covariables interne. Pour des unités sigmoïdes c’est doublement nuisible, car une entrée qui s’éloigne de zéro ' +
      'tombe là où σ′ est minuscule. La normalisation par lot standardise l’entrée de chaque unité sur le mini-lot, puis la remet à ' +
      'l’échelle avec γ et β appris. Leur première expérience, refaite ici sur les chiffres MNIST fournis : trois couches cachées de 100 ' +
      'sigmoïdes, petits poids gaussiens, lots de 60, avec et sans BatchNorm. Nous suivons les 15e, 50e et 85e percentiles des entrées ' +
      'de la dernière couche cachée et la précision de test : avec BatchNorm les entrées restent en place et le réseau apprend plus vite. ' +
      'Remède : la normalisation.',
  },
  remedies: ['norm'],
  base: baseSpec('ioffe-2015', {
    seed: 0,
    model: { type: 'mlp', depth: 3, width: 100, activation: 'sigmoid', init: { normal: 0.1 }, bias: 'zeros' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'sgd', lr: 0.5 },
    batchSize: 60,
    steps: 3000,
    eval: { every: 500 },
    probe: { every: 100, quantiles: IOFFE_LEVELS },
  }),
  variants: [
    { label: 'without BatchNorm', set: { 'model.norm': 'none' } },
    { label: 'with BatchNorm', set: { 'model.norm': 'batch' } },
  ],
  quick: { steps: 200, 'data.train': 1000, 'data.test': 500, 'eval.every': 100, 'probe.every': 50 },
  measure,
  verdict(runs) {
    if (runs.length !== 2) return incomplete(2, runs.length);
    const [d0, d1] = runs.map(percentileDrift) as [number, number];
    // "learns faster": the mean test accuracy over the evaluations after step 0 (the area under
    // Fig. 1a's curve); at the end of a long run both nets may reach the same accuracy
    const [a0, a1] = runs.map(meanTestAccuracy) as [number, number];
    const ok = d1 < d0 && a1 > a0;
    return {
      ok,
      text: {
        en: `last hidden layer's inputs moved ${num(d0)} spreads without BatchNorm, ${num(d1)} with it; mean test accuracy over training ${num(a0)} vs ${num(a1)}`,
        fr: `les entrées de la dernière couche cachée se sont déplacées de ${numFr(d0)} écarts sans BatchNorm, ${numFr(d1)} avec ; précision de test moyenne pendant l’entraînement ${numFr(a0)} contre ${numFr(a1)}`,
      },
    };
  },
};
