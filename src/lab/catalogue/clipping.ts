/**
 * clipping — gradients that explode: a recurrent net (Pascanu, Mikolov & Bengio 2013) and a deep
 * MLP at a high learning rate, without and with nn.utils.clipGradNorm_ at several maxNorm.
 */
import type { RunResult } from '../runner/index.js';
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

const MLP = {
  'model.type': 'mlp', 'model.depth': 8, 'model.width': 256, 'model.activation': 'relu', 'model.init': 'kaimingNormal',
  data: { name: 'mnist', train: 8000, test: 2000 }, 'optimizer.lr': 1, batchSize: 64, eval: { every: 100 },
};
// orthogonal recurrent weights scaled by 3: spectral radius 3, far above the 1 that keeps products bounded
const RNN = { 'model.gain': 3 };
const clip = (maxNorm: number): { type: 'norm'; maxNorm: number } => ({ type: 'norm', maxNorm });

export const CLIP_VARIANTS = [
  { label: 'RNN, no clipping', set: { ...RNN, clip: null } },
  { label: 'RNN, clipGradNorm_ 1', set: { ...RNN, clip: clip(1) } },
  { label: 'RNN, clipGradNorm_ 10', set: { ...RNN, clip: clip(10) } },
  { label: 'MLP lr 1, no clipping', set: { ...MLP, clip: null } },
  { label: 'MLP lr 1, clipGradNorm_ 0.5', set: { ...MLP, clip: clip(0.5) } },
  { label: 'MLP lr 1, clipGradNorm_ 1', set: { ...MLP, clip: clip(1) } },
  { label: 'MLP lr 1, clipGradNorm_ 5', set: { ...MLP, clip: clip(5) } },
];

/**
 * A run blew up: its loss became non-finite (the runner stops it). A clipped run may still learn
 * little — clipping bounds the step, it does not make the direction useful — so the verdict
 * only claims what clipping guarantees, and prints the losses.
 */
export function blewUp(r: RunResult): boolean {
  return r.status === 'failed' || !Number.isFinite(finalLoss(r));
}

export const clipping: CatalogueEntry = {
  id: 'clipping',
  title: { en: 'Gradient clipping: exploding gradients kept in check', fr: 'L’écrêtage du gradient : des gradients explosifs tenus en laisse' },
  about: {
    en:
      'A recurrent net applies the same matrix at every time step, so the gradient through 50 steps contains the 50th power of its ' +
      'Jacobian: with a spectral radius above 1 it grows geometrically, and one step on a “cliff” of the loss throws the weights ' +
      'far away (Pascanu, Mikolov and Bengio 2013). A deep MLP at a learning rate far too high does the same in a few steps. ' +
      'Clipping rescales the whole gradient when its norm exceeds maxNorm — nn.utils.clipGradNorm_(model.parameters(), maxNorm) — ' +
      'so that no single step can be larger than lr·maxNorm, and keeps its direction. Here the runs without clipping blow up (the ' +
      'loss becomes infinite within a few dozen steps) and the clipped ones do not, for several maxNorm; the MLP then trains, while ' +
      'the RNN, whose tanh units are saturated at this radius, learns little. Clipping treats the symptom, not the cause: it does ' +
      'nothing for vanishing gradients or saturation. ' +
      'Remedy: gradient clipping.',
    fr:
      'Un réseau récurrent applique la même matrice à chaque pas de temps : le gradient à travers 50 pas contient la puissance 50 de ' +
      'son jacobien ; avec un rayon spectral supérieur à 1 il croît géométriquement, et un pas sur une « falaise » de la perte projette ' +
      'les poids très loin (Pascanu, Mikolov et Bengio 2013). Un MLP profond avec un pas d’apprentissage bien trop grand fait de même ' +
      'en quelques pas. L’écrêtage remet à l’échelle tout le gradient quand sa norme dépasse maxNorm — ' +
      'nn.utils.clipGradNorm_(model.parameters(), maxNorm) — pour qu’aucun pas ne dépasse lr·maxNorm, sans changer sa direction. Ici ' +
      'les exécutions sans écrêtage explosent (la perte devient infinie en quelques dizaines de pas) et les autres non, pour plusieurs ' +
      'maxNorm ; le MLP apprend alors, tandis que le RNN, dont les unités tanh sont saturées à ce rayon, apprend peu. L’écrêtage ' +
      'soigne le symptôme, pas la cause : il ne fait rien contre l’évanouissement ni la saturation. Remède : l’écrêtage du gradient.',
  },
  remedies: ['clipping'],
  base: baseSpec('clipping', {
    seed: 0,
    model: { type: 'rnn', depth: 1, width: 64, activation: 'tanh', init: 'orthogonal' },
    data: { name: 'sequence', n: 4000, length: 50, task: 'adding' },
    optimizer: { type: 'sgd', lr: 0.1 },
    batchSize: 32,
    steps: 500,
    eval: null,
    probe: { every: 25 },
    stopOnNonFinite: true,
  }),
  variants: CLIP_VARIANTS,
  quick: { steps: 60 },
  verdict(runs) {
    if (runs.length !== CLIP_VARIANTS.length) return incomplete(CLIP_VARIANTS.length, runs.length);
    const up = runs.map(blewUp);
    const ok = up[0] === true && up[3] === true && up.filter((_, i) => i !== 0 && i !== 3).every((u) => !u);
    const say = (en: boolean): string =>
      runs.map((r, i) => `${CLIP_VARIANTS[i]!.label}: ${up[i] ? (en ? 'blew up' : 'explose') : en ? `loss ${num(finalLoss(r))}` : `perte ${numFr(finalLoss(r))}`}`).join('; ');
    return { ok, text: { en: say(true), fr: say(false) } };
  },
};
