/** activations — sigmoid, tanh, ReLU, LeakyReLU, ELU, GELU in a 20-layer MLP on MNIST. */
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

export const ACTS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'gelu'] as const;
const NAMES: Record<(typeof ACTS)[number], string> = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'ReLU', leakyRelu: 'LeakyReLU', elu: 'ELU', gelu: 'GELU' };

export const activations: CatalogueEntry = {
  id: 'activations',
  title: { en: 'Activations at depth', fr: 'Les activations en profondeur' },
  about: {
    en:
      'Each layer multiplies the backward signal by the activation’s derivative. The sigmoid’s is at most 1/4 and its outputs are ' +
      'all positive, so a deep sigmoid net starves its lower layers whatever the initialization; tanh’s derivative is 1 at 0 but ' +
      'falls to 0 when units saturate; ReLU’s is exactly 1 for active units (and 0 for the others, which can die); LeakyReLU keeps a ' +
      'small slope for negative inputs; ELU and GELU are smooth variants with a mean closer to zero. Twenty layers of width 128 on ' +
      'MNIST, each with Kaiming’s init for its own gain (calculateGain), trained side by side. Remedy: the activation.',
    fr:
      'Chaque couche multiplie le signal rétropropagé par la dérivée de l’activation. Celle de la sigmoïde vaut au plus 1/4 et ses ' +
      'sorties sont toutes positives : un réseau sigmoïde profond affame ses couches basses quelle que soit l’initialisation ; la ' +
      'dérivée de tanh vaut 1 en 0 mais tombe à 0 quand les unités saturent ; celle de ReLU vaut exactement 1 pour les unités actives ' +
      '(et 0 pour les autres, qui peuvent mourir) ; LeakyReLU garde une petite pente pour les entrées négatives ; ELU et GELU en sont ' +
      'des variantes lisses de moyenne plus proche de zéro. Vingt couches de largeur 128 sur MNIST, chacune avec l’initialisation de ' +
      'Kaiming pour son propre gain (calculateGain), entraînées côte à côte. Remède : l’activation.',
  },
  remedies: ['activation'],
  base: baseSpec('activations', {
    seed: 0,
    model: { type: 'mlp', depth: 20, width: 128, activation: 'relu', init: 'kaimingNormal' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'momentum', lr: 0.01 },
    batchSize: 64,
    steps: 600,
    eval: { every: 200 },
    probe: { every: 20 },
  }),
  variants: ACTS.map((a) => ({ label: NAMES[a], set: { 'model.activation': a } })),
  quick: { 'model.width': 64, steps: 100, 'data.train': 2000, 'data.test': 500, 'eval.every': 100 },
  verdict(runs) {
    if (runs.length !== ACTS.length) return incomplete(ACTS.length, runs.length);
    const l = runs.map((r) => finalLoss(r));
    const ok = l.slice(1).every((v) => v < l[0]!);
    const say = (f: (v: number) => string): string => ACTS.map((a, i) => `${NAMES[a]} ${f(l[i]!)}`).join(', ');
    return { ok, text: { en: `final training loss: ${say(num)}`, fr: `perte d’entraînement finale : ${say(numFr)}` } };
  },
};
