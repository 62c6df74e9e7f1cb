/** regularization — weight decay and dropout on a wide MLP that can memorize a small training set. */
import type { RunResult } from '../runner/index.js';
import { baseSpec, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

/** The test loss at the last evaluation. */
export function finalTestLoss(r: RunResult): number {
  for (let i = r.metrics.length - 1; i >= 0; i--) if (r.metrics[i]!.testLoss !== undefined) return r.metrics[i]!.testLoss!;
  return NaN;
}

export const regularization: CatalogueEntry = {
  id: 'regularization',
  title: { en: 'Regularization: weight decay and dropout', fr: 'La régularisation : weight decay et dropout' },
  about: {
    en:
      'Regularization is not a cure for vanishing or exploding gradients but belongs to the same toolbox. Weight decay pulls every ' +
      'weight towards zero at each step (w ← w − lr·λ·w), which keeps the weights — and therefore the layer-to-layer gains — from ' +
      'growing without need. Dropout zeroes each unit with probability p during training and scales the others by 1/(1−p), so no ' +
      'unit can rely on a few others; at test time it is off. A 3-layer ReLU MLP of width 512 trained long on only 1000 MNIST ' +
      'digits memorizes them; with weight decay or dropout its test loss stays lower. Remedy: regularization.',
    fr:
      'La régularisation ne guérit pas l’évanouissement ni l’explosion des gradients mais appartient à la même boîte à outils. Le ' +
      'weight decay tire chaque poids vers zéro à chaque pas (w ← w − lr·λ·w), ce qui empêche les poids — et donc les gains d’une ' +
      'couche à l’autre — de grandir sans nécessité. Le dropout annule chaque unité avec une probabilité p pendant l’entraînement et ' +
      'multiplie les autres par 1/(1−p) : aucune unité ne peut compter sur quelques autres ; au test il est désactivé. Un MLP ReLU de ' +
      '3 couches de largeur 512 entraîné longtemps sur seulement 1000 chiffres MNIST les apprend par cœur ; avec weight decay ou ' +
      'dropout sa perte de test reste plus basse. Remède : la régularisation.',
  },
  remedies: ['regularization'],
  base: baseSpec('regularization', {
    seed: 0,
    model: { type: 'mlp', depth: 3, width: 512, activation: 'relu', init: 'kaimingNormal' },
    data: { name: 'mnist', train: 1000, test: 2000 },
    optimizer: { type: 'adamw', lr: 0.001, weightDecay: 0 },
    batchSize: 50,
    steps: 1500,
    eval: { every: 250 },
    probe: { every: 50 },
  }),
  variants: [
    { label: 'none', set: {} },
    { label: 'weight decay 0.1 (AdamW)', set: { 'optimizer.weightDecay': 0.1 } },
    { label: 'dropout 0.5', set: { 'model.dropout': 0.5 } },
  ],
  quick: { 'model.width': 256, steps: 300, 'data.train': 500, 'data.test': 500, 'eval.every': 100 },
  verdict(runs) {
    if (runs.length !== 3) return incomplete(3, runs.length);
    const [n, w, d] = runs.map(finalTestLoss) as [number, number, number];
    const ok = d < n && w <= n;
    return {
      ok,
      text: {
        en: `final test loss: none ${num(n)}, weight decay ${num(w)}, dropout ${num(d)}`,
        fr: `perte de test finale : sans ${numFr(n)}, weight decay ${numFr(w)}, dropout ${numFr(d)}`,
      },
    };
  },
};
