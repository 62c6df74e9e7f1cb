/**
 * nielsen-ch5 — Nielsen, *Neural Networks and Deep Learning*, ch. 5 ("Why are deep neural networks
 * hard to train?"): the gradient reaching each hidden layer of a sigmoid net at initialization,
 * on 1000 real MNIST digits. Deeper layers get smaller gradients: the vanishing gradient.
 *
 * "The gradient" of a layer is Nielsen's: the per-image ∂C/∂b of that layer's biases averaged over
 * the 1000 images (his fig/generate_gradient.py sums `net.backprop(x, y)` over
 * `training_data[:1000]` and divides by 1000), and its Euclidean norm ‖δ^l‖. The cost is his
 * CrossEntropyCost: Σ_j −y_j ln a_j − (1 − y_j) ln(1 − a_j) over the 10 sigmoid outputs, one-hot
 * y, so the output error is δ = a − y. Weights N(0, 1/n_in), biases N(0, 1) (network2's
 * default_weight_initializer).
 */
import { Generator } from '../../tensor/rng.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { reshape } from '../../ops/view.js';
import { binaryCrossEntropyWithLogits } from '../../ops/loss.js';
import { div } from '../../ops/binary.js';
import { mlp, linearLayers } from '../../nn/mlp.js';
import { normal_ } from '../../nn/init.js';
import { loadData } from '../data/index.js';
import { baseSpec } from './helpers.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

/** Nielsen's nets and his numbers (‖δ^1‖, ‖δ^2‖, … of the hidden layers, first to last). */
export const NIELSEN: { sizes: number[]; paper: number[] }[] = [
  { sizes: [784, 30, 30, 10], paper: [0.07, 0.31] },
  { sizes: [784, 30, 30, 30, 10], paper: [0.012, 0.06, 0.283] },
  { sizes: [784, 30, 30, 30, 30, 10], paper: [0.003, 0.017, 0.07, 0.285] },
];
export const NIELSEN_IMAGES = 1000;

/** The norm of each hidden layer's batch-mean ∂C/∂b for one net (one seed) on images x [N, 784] with one-hot targets y [N, 10]. */
export function nielsenGradients(sizes: readonly number[], x: Tensor, y: Tensor, seed: number): number[] {
  const generator = new Generator(seed);
  const model = mlp({
    inFeatures: sizes[0]!,
    hidden: sizes.slice(1, -1),
    outFeatures: sizes[sizes.length - 1]!,
    activation: 'sigmoid',
    init: (w) => void normal_(w, 0, 1 / Math.sqrt(w.shape[1]!), { generator }),
    initBias: (b) => void normal_(b, 0, 1, { generator }),
    generator,
  });
  const logits = model.forward(x) as Tensor;
  // sigmoid outputs + binary cross-entropy summed over the outputs, averaged over the images:
  // the logits form is the same function with the same gradient (a − y), computed stably
  const cost = div(binaryCrossEntropyWithLogits(logits, y, { reduction: 'sum' }), x.shape[0]!);
  cost.backward();
  return linearLayers(model)
    .slice(0, -1)
    .map((l) => {
      let s = 0;
      for (const g of l.bias!.grad!.data) s += g * g;
      return Math.sqrt(s);
    });
}

/** The first `n` training digits as [n, 784] pixels in [0, 1] and one-hot targets [n, 10]. */
export async function mnistOneHot(n: number, ctx: Pick<MeasureContext, 'source'>): Promise<{ x: Tensor; y: Tensor }> {
  const data = await loadData({ name: 'mnist', train: n, test: 0 }, { source: ctx.source, generator: new Generator(0) });
  const [xs, ys] = data.train.tensors as [Tensor, Tensor];
  const x = reshape(xs, [n, 784]);
  const oh = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) oh[i * 10 + ys.data[i]!] = 1;
  return { x, y: tensor(oh, { shape: [n, 10] }) };
}

/** Mean over `seeds` seeds of each net's per-layer gradient norms. */
export async function measureNielsen(ctx: MeasureContext & { seeds?: number }): Promise<{ sizes: number[]; paper: number[]; ours: number[]; perSeed: number[][] }[]> {
  // 20 nets take about a second; fewer leave the mean at the mercy of one draw (±30 % each)
  const seeds = ctx.seeds ?? 20;
  const { x, y } = await mnistOneHot(NIELSEN_IMAGES, ctx);
  const out = [];
  let done = 0;
  for (const { sizes, paper } of NIELSEN) {
    const perSeed: number[][] = [];
    for (let s = 0; s < seeds; s++) {
      perSeed.push(nielsenGradients(sizes, x, y, s));
      ctx.onProgress?.(++done, seeds * NIELSEN.length);
    }
    const ours = paper.map((_, l) => perSeed.reduce((a, r) => a + r[l]!, 0) / seeds);
    out.push({ sizes, paper, ours, perSeed });
  }
  return out;
}

async function measure(ctx: MeasureContext): Promise<PaperTable> {
  const res = await measureNielsen(ctx);
  const seeds = res[0]!.perSeed.length;
  return {
    title: `nielsen-ch5: ‖∂C/∂b‖ per hidden layer at initialization, mean over ${NIELSEN_IMAGES} MNIST digits, averaged over ${seeds} seeds`,
    columns: ['hidden layer 1', 'hidden layer 2', 'hidden layer 3', 'hidden layer 4'],
    rows: res.map((r) => ({
      label: `[${r.sizes.join(', ')}]`,
      paper: [0, 1, 2, 3].map((i) => r.paper[i] ?? null),
      ours: [0, 1, 2, 3].map((i) => r.ours[i] ?? null),
    })),
    note: {
      en:
        'Nielsen’s definition: the norm of each layer’s ∂C/∂b averaged over the 1000 images (one batch-mean gradient per layer), ' +
        'cost Σ_j −y_j ln a_j − (1−y_j) ln(1−a_j) on 10 sigmoid outputs, weights N(0, 1/n_in), biases N(0, 1). His numbers come from one ' +
        'random net each; ours are the mean over several seeds (one seed varies by about ±30 %). Each hidden layer learns ' +
        'about 4 to 5 times slower than the one above it: σ′ ≤ 1/4 and the weights are of order 1/√n.',
      fr:
        'Définition de Nielsen : la norme du ∂C/∂b de chaque couche moyenné sur les 1000 images (un gradient moyen du lot par couche), ' +
        'coût Σ_j −y_j ln a_j − (1−y_j) ln(1−a_j) sur 10 sorties sigmoïdes, poids N(0, 1/n_in), biais N(0, 1). Ses nombres viennent d’un ' +
        'seul réseau tiré au hasard ; les nôtres sont la moyenne sur plusieurs graines (une graine varie d’environ ±30 %). Chaque couche ' +
        'cachée apprend environ 4 à 5 fois moins vite que la suivante : σ′ ≤ 1/4 et les poids sont de l’ordre de 1/√n.',
    },
  };
}

export const nielsenCh5: CatalogueEntry = {
  id: 'nielsen-ch5',
  title: { en: 'Nielsen ch. 5: the gradient per hidden layer of a sigmoid net', fr: 'Nielsen, ch. 5 : le gradient par couche cachée d’un réseau sigmoïde' },
  about: {
    en:
      'Michael Nielsen’s Neural Networks and Deep Learning (ch. 5) measures how fast each hidden layer of a sigmoid net learns at ' +
      'initialization: the length of the gradient of the cost with respect to the layer’s biases, averaged over 1000 MNIST digits. ' +
      'With two hidden layers he finds 0.07 and 0.31; with three 0.012, 0.060, 0.283; with four 0.003, 0.017, 0.070, 0.285. ' +
      'The earlier the layer, the slower it learns: backpropagation multiplies the error by Wᵀ and by σ′(z) ≤ 1/4 at every layer, ' +
      'and with weights of order 1/√n the product shrinks by about 4 to 5 per layer. We reproduce his numbers on the shipped MNIST ' +
      'digits, with his initialization (weights N(0, 1/n_in), biases N(0, 1)) and his cost (sigmoid outputs, cross-entropy), ' +
      'then train his [784, 30, 30, 10] net. Remedies: another activation, another initialization, normalization.',
    fr:
      'Dans Neural Networks and Deep Learning (ch. 5), Michael Nielsen mesure à quelle vitesse chaque couche cachée d’un réseau sigmoïde ' +
      'apprend à l’initialisation : la longueur du gradient du coût par rapport aux biais de la couche, moyenné sur 1000 chiffres MNIST. ' +
      'Avec deux couches cachées il trouve 0,07 et 0,31 ; avec trois 0,012, 0,060, 0,283 ; avec quatre 0,003, 0,017, 0,070, 0,285. ' +
      'Plus la couche est basse, plus elle apprend lentement : la rétropropagation multiplie l’erreur par Wᵀ et par σ′(z) ≤ 1/4 à chaque ' +
      'couche, et avec des poids de l’ordre de 1/√n le produit diminue d’un facteur 4 à 5 par couche. Nous reproduisons ses nombres sur ' +
      'les chiffres MNIST fournis, avec son initialisation (poids N(0, 1/n_in), biais N(0, 1)) et son coût (sorties sigmoïdes, entropie ' +
      'croisée), puis entraînons son réseau [784, 30, 30, 10]. Remèdes : une autre activation, une autre initialisation, la normalisation.',
  },
  remedies: ['init', 'activation'],
  base: baseSpec('nielsen-ch5', {
    seed: 0,
    // kaimingNormal with the sigmoid's gain (1) is N(0, 1/fan_in): network2's default weights
    model: { type: 'mlp', depth: 2, width: 30, activation: 'sigmoid', init: 'kaimingNormal', bias: { normal: 1 } },
    data: { name: 'mnist', train: 8000, test: 2000 },
    loss: 'bce',
    optimizer: { type: 'sgd', lr: 0.1 },
    batchSize: 10,
    steps: 3000,
    eval: { every: 500 },
    probe: { every: 50 },
  }),
  variants: [
    { label: '[784, 30, 30, 10]', set: { 'model.depth': 2 } },
    { label: '[784, 30, 30, 30, 10]', set: { 'model.depth': 3 } },
    { label: '[784, 30, 30, 30, 30, 10]', set: { 'model.depth': 4 } },
  ],
  quick: { steps: 200, 'data.train': 2000, 'data.test': 500, 'eval.every': 100, 'probe.every': 20 },
  measure,
};
