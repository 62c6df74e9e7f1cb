/** constant-init — every weight equal: the units of a layer stay copies of each other forever. */
import { finalTestAccuracy, baseSpec, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

export const constantInit: CatalogueEntry = {
  id: 'constant-init',
  title: { en: 'Constant init: symmetry is never broken', fr: 'Initialisation constante : la symétrie n’est jamais brisée' },
  about: {
    en:
      'If every weight of a layer starts equal, every unit of that layer computes the same output, receives the same gradient and ' +
      'makes the same update — at every step, forever. The layer behaves like a single unit, however wide it is. The gradient does not ' +
      'vanish or explode: it is the same for everyone. Random initialization breaks the symmetry; its scale is then what the other ' +
      'entries are about. A 64-wide tanh MLP on MNIST, initialized with a constant and with Xavier: the doctor reports the duplicated ' +
      'units (broken-symmetry) and the constant net stays far behind. Remedy: a random initialization.',
    fr:
      'Si tous les poids d’une couche partent égaux, toutes ses unités calculent la même sortie, reçoivent le même gradient et font la ' +
      'même mise à jour — à chaque pas, pour toujours. La couche se comporte comme une seule unité, quelle que soit sa largeur. Le ' +
      'gradient ne s’évanouit ni n’explose : il est le même pour tout le monde. Une initialisation aléatoire brise la symétrie ; son ' +
      'échelle est alors le sujet des autres entrées. Un MLP tanh de largeur 64 sur MNIST, initialisé avec une constante puis avec ' +
      'Xavier : le docteur signale les unités dupliquées (broken-symmetry) et le réseau constant reste loin derrière. Remède : une ' +
      'initialisation aléatoire.',
  },
  remedies: ['init'],
  base: baseSpec('constant-init', {
    seed: 0,
    model: { type: 'mlp', depth: 2, width: 64, activation: 'tanh', init: { constant: 0.01 }, bias: 'zeros' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'momentum', lr: 0.05 },
    batchSize: 64,
    steps: 500,
    eval: { every: 100 },
    probe: { every: 20 },
  }),
  variants: [
    { label: 'constant 0.01', set: { 'model.init': { constant: 0.01 } } },
    { label: 'Xavier normal', set: { 'model.init': 'xavierNormal' } },
  ],
  quick: { steps: 100, 'data.train': 2000, 'data.test': 500, 'eval.every': 50 },
  verdict(runs) {
    if (runs.length !== 2) return incomplete(2, runs.length);
    const sym = runs.map((r) => r.findings.some((f) => f.id === 'broken-symmetry'));
    const [ac, ax] = runs.map(finalTestAccuracy) as [number | null, number | null];
    const ok = sym[0] === true && sym[1] === false && (ac ?? 0) < (ax ?? 0);
    return {
      ok,
      text: {
        en: `broken-symmetry reported: constant ${sym[0] ? 'yes' : 'no'}, Xavier ${sym[1] ? 'yes' : 'no'}; test accuracy ${num(ac)} vs ${num(ax)}`,
        fr: `broken-symmetry signalé : constante ${sym[0] ? 'oui' : 'non'}, Xavier ${sym[1] ? 'oui' : 'non'} ; précision de test ${numFr(ac)} contre ${numFr(ax)}`,
      },
    };
  },
};
