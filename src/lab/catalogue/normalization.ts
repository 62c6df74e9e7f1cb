/**
 * normalization — none / BatchNorm / LayerNorm / GroupNorm across batch sizes 2 … 128 on an MLP,
 * and InstanceNorm on a small conv net (it normalizes each image's channels over their pixels,
 * which an MLP's feature vector does not have). GroupNorm's point: it does not depend on the batch.
 */
import { baseSpec, incomplete, num, numFr } from './helpers.js';
import { batchNormBase, batchNormQuick, point, testError } from './batch-norms.js';
import type { CatalogueEntry } from './types.js';

export const NORM_BATCHES = [2, 8, 32, 128];
const NAMES: Record<string, string> = { none: 'none', batch: 'BatchNorm', layer: 'LayerNorm', group: 'GroupNorm', instance: 'InstanceNorm' };

const GRID = [
  ...(['none', 'batch', 'layer', 'group'] as const).flatMap((norm) => NORM_BATCHES.map((b) => ({ norm, batch: b, set: point(norm, b) }))),
  ...[2, 128].map((b) => ({ norm: 'instance', batch: b, set: { ...point('instance', b), 'model.type': 'cnn', 'model.width': 16 } })),
];

export const normalization: CatalogueEntry = {
  id: 'normalization',
  title: { en: 'Normalization layers across batch sizes', fr: 'Les couches de normalisation selon la taille du lot' },
  about: {
    en:
      'A normalization layer standardizes activations so that each layer sees inputs of zero mean and unit variance, whatever the ' +
      'weights below did: the forward signal cannot shrink or blow up from layer to layer, and neither can the gradient. They differ ' +
      'in what they average over. BatchNorm: each feature over the mini-batch — excellent with large batches, poor with tiny ones, ' +
      'and different at test time (running averages). LayerNorm: all features of one sample. InstanceNorm: each channel of one image ' +
      'over its pixels. GroupNorm: groups of features of one sample, between the two. The last three never look at other samples, ' +
      'so the batch size does not matter to them — GroupNorm’s point (Wu & He 2018). Each is trained here at batch sizes 2 to 128 ' +
      'for one epoch with the learning rate scaled with the batch. Remedy: normalization.',
    fr:
      'Une couche de normalisation standardise les activations : chaque couche voit des entrées de moyenne nulle et de variance ' +
      'unité, quoi qu’aient fait les poids en dessous ; le signal ne peut ni s’éteindre ni exploser de couche en couche, le gradient ' +
      'non plus. Elles diffèrent par ce sur quoi elles moyennent. BatchNorm : chaque caractéristique sur le mini-lot — excellente avec ' +
      'de grands lots, médiocre avec de tout petits, et différente au test (moyennes glissantes). LayerNorm : toutes les ' +
      'caractéristiques d’un exemple. InstanceNorm : chaque canal d’une image sur ses pixels. GroupNorm : des groupes de ' +
      'caractéristiques d’un exemple, entre les deux. Les trois dernières ne regardent jamais les autres exemples : la taille du lot ' +
      'ne les concerne pas — c’est l’argument de GroupNorm (Wu et He 2018). Chacune est entraînée ici avec des lots de 2 à 128 pendant ' +
      'une époque, le pas d’apprentissage proportionnel au lot. Remède : la normalisation.',
  },
  remedies: ['norm'],
  base: baseSpec('normalization', batchNormBase),
  variants: GRID.map((g) => ({ label: `${NAMES[g.norm]}${g.norm === 'instance' ? ' (conv net)' : ''}, batch ${g.batch}`, set: g.set })),
  quick: batchNormQuick,
  verdict(runs) {
    if (runs.length !== GRID.length) return incomplete(GRID.length, runs.length);
    const e = (norm: string, b: number): number => testError(runs[GRID.findIndex((g) => g.norm === norm && g.batch === b)]);
    const ok = e('batch', 2) > e('group', 2) + 0.1 && e('batch', 2) > e('batch', 32) + 0.1 && e('group', 2) < e('group', 32) + 0.1 && e('batch', 32) < e('none', 32);
    const row = (n: string, f: (v: number) => string): string => NORM_BATCHES.map((b) => f(100 * e(n, b))).join(' / ');
    return {
      ok,
      text: {
        en: `test error % at batch ${NORM_BATCHES.join(' / ')}: none ${row('none', num)}, BatchNorm ${row('batch', num)}, LayerNorm ${row('layer', num)}, GroupNorm ${row('group', num)}; InstanceNorm (conv) ${num(100 * e('instance', 2))} / ${num(100 * e('instance', 128))} at 2 / 128`,
        fr: `erreur de test en % aux lots ${NORM_BATCHES.join(' / ')} : sans ${row('none', numFr)}, BatchNorm ${row('batch', numFr)}, LayerNorm ${row('layer', numFr)}, GroupNorm ${row('group', numFr)} ; InstanceNorm (conv) ${numFr(100 * e('instance', 2))} / ${numFr(100 * e('instance', 128))} à 2 / 128`,
      },
    };
  },
};

/** The grid, for tests that run a part of it. */
export const NORM_GRID = GRID;
