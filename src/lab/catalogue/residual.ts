/**
 * residual — deep plain nets vs their residual twins on Fashion-MNIST: a 30-layer tanh MLP with
 * and without identity shortcuts, and He et al.'s plain-20 vs ResNet-20 (2016, §4.2).
 */
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry } from './types.js';

const CNN = { 'model.depth': 20, 'model.width': 16, 'model.activation': 'relu', 'model.init': 'kaimingNormal', 'optimizer.type': 'momentum', 'optimizer.lr': 0.05 };

export const residual: CatalogueEntry = {
  id: 'residual',
  title: { en: 'Residual connections: deep plain nets vs their residual twins', fr: 'Connexions résiduelles : réseaux profonds nus contre leurs jumeaux résiduels' },
  about: {
    en:
      'A residual block computes x + f(x). Its Jacobian is I + ∂f/∂x, so the backward pass always has a path through the identity: ' +
      'the gradient reaching the first layer is a sum over paths, one of which is not multiplied by any weight matrix, instead of a ' +
      'single product of 30 small factors. He, Zhang, Ren and Sun (2016) showed that a plain net gets worse as it gets deeper while ' +
      'its residual twin keeps improving. Here a 30-layer tanh MLP with PyTorch’s default init (each layer shrinks the gradient by ' +
      'about √(1/3)) is trained with and without shortcuts on Fashion-MNIST, and the CIFAR nets plain-20 and ResNet-20 beside them. ' +
      'Remedy: residual connections.',
    fr:
      'Un bloc résiduel calcule x + f(x). Son jacobien vaut I + ∂f/∂x : la rétropropagation a toujours un chemin par l’identité, et le ' +
      'gradient qui atteint la première couche est une somme sur des chemins dont l’un n’est multiplié par aucune matrice de poids, au ' +
      'lieu d’un seul produit de 30 petits facteurs. He, Zhang, Ren et Sun (2016) ont montré qu’un réseau nu empire en devenant plus ' +
      'profond alors que son jumeau résiduel continue de progresser. Ici un MLP tanh de 30 couches avec l’initialisation par défaut de ' +
      'PyTorch (chaque couche réduit le gradient d’environ √(1/3)) est entraîné avec et sans raccourcis sur Fashion-MNIST, et les ' +
      'réseaux CIFAR plain-20 et ResNet-20 à côté. Remède : les connexions résiduelles.',
  },
  remedies: ['residual'],
  base: baseSpec('residual', {
    seed: 0,
    model: { type: 'mlp', depth: 30, width: 128, activation: 'tanh' },
    data: { name: 'fashion-mnist', train: 6000, test: 1000 },
    // plain SGD: momentum or Adam would rescale the plain net's tiny gradients and blur the comparison
    optimizer: { type: 'sgd', lr: 0.01 },
    batchSize: 64,
    steps: 1000,
    eval: { every: 250 },
    probe: { every: 25 },
  }),
  variants: [
    { label: 'plain MLP (30 layers)', set: { 'model.residual': false } },
    { label: 'residual MLP (30 layers)', set: { 'model.residual': true } },
    { label: 'plain-20', set: { 'model.type': 'plain', ...CNN } },
    { label: 'ResNet-20', set: { 'model.type': 'resnet', ...CNN } },
  ],
  quick: { 'model.width': 64, steps: 100, 'data.train': 1500, 'data.test': 500, 'eval.every': 100, 'probe.every': 20 },
  verdict(runs) {
    if (runs.length !== 4 && runs.length !== 2) return incomplete(4, runs.length);
    const [p, r] = [finalLoss(runs[0]!), finalLoss(runs[1]!)];
    const mlpOk = r < 0.8 * p;
    let en = `30-layer MLP, final training loss: plain ${num(p)}, residual ${num(r)}`;
    let fr = `MLP de 30 couches, perte d’entraînement finale : nu ${numFr(p)}, résiduel ${numFr(r)}`;
    let ok = mlpOk;
    if (runs.length === 4) {
      const [pc, rc] = [finalLoss(runs[2]!), finalLoss(runs[3]!)];
      ok = ok && rc <= pc;
      en += `; plain-20 ${num(pc)}, ResNet-20 ${num(rc)}`;
      fr += ` ; plain-20 ${numFr(pc)}, ResNet-20 ${numFr(rc)}`;
    }
    return { ok, text: { en, fr } };
  },
};
