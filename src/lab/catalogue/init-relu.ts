/**
 * init-relu — Xavier vs Kaiming vs PyTorch's default init on a deep ReLU MLP: the signal at
 * initialization per layer (beside the variance recursion) and the training that follows.
 */
import { Generator } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mlp, type WeightInit } from '../../nn/mlp.js';
import { Linear } from '../../nn/layers/linear.js';
import { loadData } from '../data/index.js';
import { outputsOf } from './forward-stats.js';
import { baseSpec, finalLoss, incomplete, num, numFr } from './helpers.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

export const RELU_DEPTH = 20;
export const RELU_WIDTH = 256;
const SHOWN = [1, 5, 10, 15, 20];

interface InitCase {
  label: string;
  init: WeightInit;
  /** Var(w) and Var(b) for a layer of fans (i, o). */
  w: (i: number, o: number) => number;
  b: (i: number) => number;
}
export const RELU_INITS: InitCase[] = [
  // PyTorch's Linear: weight and bias U(±1/√fan_in), variance 1/(3·fan_in)
  { label: 'PyTorch default', init: 'default', w: (i) => 1 / (3 * i), b: (i) => 1 / (3 * i) },
  { label: 'Xavier normal', init: 'xavierNormal', w: (i, o) => 2 / (i + o), b: () => 0 },
  { label: 'Kaiming normal', init: 'kaimingNormal', w: (i) => 2 / i, b: () => 0 },
];

/**
 * The predicted rms of each hidden Linear's output. A pre-activation z = Σ w_i h_i + b with
 * symmetric w has E z² = n·Var(w)·E h² + Var(b), and ReLU keeps half of a symmetric z's second
 * moment: E h² = E z² / 2 (exact by symmetry, no Gaussian assumption).
 */
export function reluRmsTheory(c: InitCase, meanSqInput: number, inFeatures: number, width: number, depth: number): number[] {
  const out: number[] = [];
  let h2 = meanSqInput;
  let n = inFeatures;
  for (let l = 0; l < depth; l++) {
    const z2 = n * c.w(n, width) * h2 + c.b(n);
    out.push(Math.sqrt(z2));
    h2 = z2 / 2;
    n = width;
  }
  return out;
}

export function reluRmsMeasured(c: InitCase, x: Tensor, seed = 0): number[] {
  const generator = new Generator(seed);
  const model = mlp({ inFeatures: 784, hidden: Array(RELU_DEPTH).fill(RELU_WIDTH), outFeatures: 10, activation: 'relu', init: c.init, generator });
  return outputsOf(model, x, (m) => m instanceof Linear).slice(0, RELU_DEPTH).map((s) => s.rms);
}

async function measure(ctx: MeasureContext): Promise<PaperTable> {
  const n = 256;
  const data = await loadData({ name: 'mnist', train: n, test: 0 }, { source: ctx.source, generator: new Generator(0) });
  const x = (data.train.tensors[0] as Tensor).reshape([n, 784]);
  let ms = 0;
  for (const v of x.data) ms += v * v;
  const meanSq = ms / x.data.length;
  const rows = RELU_INITS.map((c, k) => {
    ctx.onProgress?.(k, RELU_INITS.length);
    const theory = reluRmsTheory(c, meanSq, 784, RELU_WIDTH, RELU_DEPTH);
    // one net's signal is a product of 20 random factors (relative variance ≈ 5/n each, from ReLU's
    // E relu(z)⁴ = 6·(E relu(z)²)²): average the second moment over seeds, as the recursion does
    const seeds = ctx.quick ? 8 : 16;
    const q = new Array<number>(RELU_DEPTH).fill(0);
    for (let s = 0; s < seeds; s++) reluRmsMeasured(c, x, s).forEach((v, l) => (q[l]! += (v * v) / seeds));
    const ours = q.map(Math.sqrt);
    return { label: c.label, paper: SHOWN.map((l) => theory[l - 1]!), ours: SHOWN.map((l) => ours[l - 1]!) };
  });
  ctx.onProgress?.(RELU_INITS.length, RELU_INITS.length);
  return {
    title: `init-relu: rms of each Linear's output at initialization, ${RELU_DEPTH} ReLU layers of width ${RELU_WIDTH}, ${n} MNIST digits, second moment averaged over ${ctx.quick ? 8 : 16} nets`,
    columns: SHOWN.map((l) => `layer ${l}`),
    rows,
    note: {
      en:
        "'paper': the variance recursion E z²_(l+1) = n·Var(w)·E z²_l / 2 + Var(b) (He et al. 2015, Eq. 10, with the bias). Per layer the " +
        'second moment is multiplied by 1 with Kaiming, 1/2 with Xavier and 1/6 with PyTorch’s default U(±1/√n), whose bias then sets a floor of about √(0.4/n).',
      fr:
        "« paper » : la récurrence des variances E z²_(l+1) = n·Var(w)·E z²_l / 2 + Var(b) (He et al. 2015, éq. 10, avec le biais). À chaque " +
        'couche le moment d’ordre 2 est multiplié par 1 avec Kaiming, 1/2 avec Xavier et 1/6 avec U(±1/√n), le défaut de PyTorch, dont le biais impose alors un plancher d’environ √(0,4/n).',
    },
  };
}

export const initRelu: CatalogueEntry = {
  id: 'init-relu',
  title: { en: 'ReLU nets: PyTorch default vs Xavier vs Kaiming', fr: 'Réseaux ReLU : défaut de PyTorch, Xavier, Kaiming' },
  about: {
    en:
      'ReLU passes half of a symmetric input and zeroes the rest, so it halves the second moment of the signal. Xavier’s init keeps ' +
      'n·Var(w) = 1 and therefore loses a factor 2 per ReLU layer; Kaiming’s Var(w) = 2/n compensates exactly. PyTorch’s own default ' +
      'for nn.Linear, U(±1/√n), has n·Var(w) = 1/3: a factor 6 per layer, until the biases dominate. Twenty ReLU layers of width 256 ' +
      'on MNIST: the table shows each layer’s signal at initialization beside the variance recursion, and the three nets are trained ' +
      'side by side. Remedy: the initialization (nn.init.kaimingNormal_).',
    fr:
      'ReLU laisse passer la moitié d’une entrée symétrique et annule le reste : elle divise par deux le moment d’ordre 2 du signal. ' +
      'L’initialisation de Xavier garde n·Var(w) = 1 et perd donc un facteur 2 par couche ReLU ; Var(w) = 2/n de Kaiming compense ' +
      'exactement. Le défaut de PyTorch pour nn.Linear, U(±1/√n), a n·Var(w) = 1/3 : un facteur 6 par couche, jusqu’à ce que les biais ' +
      'dominent. Vingt couches ReLU de largeur 256 sur MNIST : le tableau donne le signal de chaque couche à l’initialisation à côté de ' +
      'la récurrence des variances, et les trois réseaux sont entraînés côte à côte. Remède : l’initialisation (nn.init.kaimingNormal_).',
  },
  remedies: ['init'],
  base: baseSpec('init-relu', {
    seed: 0,
    model: { type: 'mlp', depth: RELU_DEPTH, width: RELU_WIDTH, activation: 'relu', init: 'kaimingNormal' },
    data: { name: 'mnist', train: 8000, test: 2000 },
    optimizer: { type: 'momentum', lr: 0.01 },
    batchSize: 64,
    steps: 600,
    eval: { every: 200 },
    probe: { every: 20 },
  }),
  variants: RELU_INITS.map((c) => ({ label: c.label, set: { 'model.init': c.init } })),
  quick: { 'model.width': 128, steps: 100, 'data.train': 2000, 'data.test': 500, 'eval.every': 100, 'probe.every': 20 },
  measure,
  verdict(runs) {
    if (runs.length !== 3) return incomplete(3, runs.length);
    const [d, x, k] = runs.map((r) => finalLoss(r)) as [number, number, number];
    const ok = k < d && k <= x;
    return {
      ok,
      text: {
        en: `final training loss: PyTorch default ${num(d)}, Xavier ${num(x)}, Kaiming ${num(k)}`,
        fr: `perte d’entraînement finale : défaut de PyTorch ${numFr(d)}, Xavier ${numFr(x)}, Kaiming ${numFr(k)}`,
      },
    };
  },
};
