/** optimizers — SGD, SGD with momentum, Adam on a deep tanh MLP. */
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

export const optimizers: CatalogueEntry = {
  id: 'optimizers',
  title: { en: 'Optimizers on a deep net: SGD, momentum, Adam', fr: 'Optimiseurs sur un réseau profond : SGD, momentum, Adam' },
  about: {
    en:
      'When gradients are small in the lower layers and large in the upper ones, one learning rate cannot suit every layer. ' +
      'Momentum accumulates past gradients, so consistent small gradients add up to useful steps. Adam divides each parameter’s step ' +
      'by a running estimate of its gradient’s magnitude: every weight moves by about the learning rate, whatever the scale of its ' +
      'gradient — which partly compensates vanishing gradients (but does not cure saturation or dead units). A 10-layer tanh MLP ' +
      'with PyTorch’s default init on MNIST, trained with each. Remedy: the optimizer.',
    fr:
      'Quand les gradients sont petits dans les couches basses et grands dans les couches hautes, un seul pas d’apprentissage ne ' +
      'convient pas à toutes. Le momentum accumule les gradients passés : des petits gradients constants finissent par faire des pas ' +
      'utiles. Adam divise le pas de chaque paramètre par une estimation glissante de l’amplitude de son gradient : chaque poids bouge ' +
      'd’environ le pas d’apprentissage, quelle que soit l’échelle de son gradient — ce qui compense en partie l’évanouissement (sans ' +
      'guérir la saturation ni les unités mortes). Un MLP tanh de 10 couches avec l’initialisation par défaut de PyTorch sur MNIST, ' +
      'entraîné avec chacun. Remède : l’optimiseur.',
  },
  remedies: ['optimizer'],
  base: baseSpec('optimizers', {
    seed: 0,
    model: { type: 'mlp', depth: 10, width: 128, activation: 'tanh' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'sgd', lr: 0.05 },
    batchSize: 64,
    steps: 600,
    eval: { every: 200 },
    probe: { every: 20 },
  }),
  variants: [
    { label: 'SGD lr 0.05', set: { optimizer: { type: 'sgd', lr: 0.05 } } },
    { label: 'momentum 0.9, lr 0.05', set: { optimizer: { type: 'momentum', lr: 0.05 } } },
    { label: 'Adam lr 1e-3', set: { optimizer: { type: 'adam', lr: 0.001 } } },
  ],
  quick: { 'model.width': 64, steps: 100, 'data.train': 2000, 'data.test': 500, 'eval.every': 100 },
  verdict(runs) {
    if (runs.length !== 3) return incomplete(3, runs.length);
    const [s, m, a] = runs.map((r) => finalLoss(r)) as [number, number, number];
    // the robust claim: on a net whose lower layers get vanishing gradients, Adam's per-parameter
    // scaling moves them where SGD and momentum crawl; momentum vs SGD depends on the budget
    const ok = a < s && a < m;
    return {
      ok,
      text: {
        en: `final training loss: SGD ${num(s)}, momentum ${num(m)}, Adam ${num(a)}`,
        fr: `perte d’entraînement finale : SGD ${numFr(s)}, momentum ${numFr(m)}, Adam ${numFr(a)}`,
      },
    };
  },
};
