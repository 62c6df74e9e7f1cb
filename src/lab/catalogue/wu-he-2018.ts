/**
 * wu-he-2018 — Wu & He, "Group Normalization" (ECCV 2018), Fig. 1 / Table 3: BatchNorm's error
 * grows as the batch shrinks, GroupNorm's does not. Their ResNet-50 on ImageNet is out of reach
 * here; the same effect at small scale: an MLP on Fashion-MNIST (batch-norms.ts).
 */
import { baseSpec, incomplete, num, numFr } from './helpers.js';
import { batchNormBase, batchNormQuick, point, testError } from './batch-norms.js';
import { runEntry } from './specs.js';
import type { CatalogueEntry, MeasureContext, PaperTable } from './types.js';

export const WU_HE_BATCHES = [32, 16, 8, 4, 2];
/** ResNet-50 ImageNet validation error (%), images per worker 32 … 2 (Wu & He 2018, Table 3). */
export const WU_HE_PAPER = { batch: [23.6, 23.7, 24.8, 27.3, 34.7], group: [24.1, 24.2, 24.0, 24.2, 24.1] };

const VARIANTS = (['batch', 'group'] as const).flatMap((norm) =>
  WU_HE_BATCHES.map((b) => ({ label: `${norm === 'batch' ? 'BatchNorm' : 'GroupNorm'}, batch ${b}`, set: point(norm, b) })),
);

async function measure(ctx: MeasureContext & { batches?: number[] }): Promise<PaperTable> {
  const batches = ctx.batches ?? WU_HE_BATCHES;
  const only = VARIANTS.filter((v) => batches.includes(v.set['batchSize'] as number)).map((v) => v.label);
  const runs = await runEntry(wuHe2018, { quick: ctx.quick, only, ctx: { source: ctx.source }, onRun: (i, n) => ctx.onProgress?.(i, n) });
  ctx.onProgress?.(runs.length, runs.length);
  const err = (norm: string, b: number): number | null => {
    const r = runs.find((x) => x.label === `${norm}, batch ${b}`);
    return r ? 100 * testError(r) : null;
  };
  return {
    title: 'wu-he-2018: error (%) vs batch size, BatchNorm vs GroupNorm — paper: ResNet-50 on ImageNet; ours: 4-layer MLP on Fashion-MNIST, one epoch',
    columns: batches.map((b) => `batch ${b}`),
    rows: [
      { label: 'BatchNorm', paper: batches.map((b) => WU_HE_PAPER.batch[WU_HE_BATCHES.indexOf(b)] ?? null), ours: batches.map((b) => err('BatchNorm', b)) },
      { label: 'GroupNorm', paper: batches.map((b) => WU_HE_PAPER.group[WU_HE_BATCHES.indexOf(b)] ?? null), ours: batches.map((b) => err('GroupNorm', b)) },
    ],
    note: {
      en:
        'Different nets and data, so compare the shapes, not the values: BatchNorm is best at large batches and degrades as the batch ' +
        'shrinks (its mean and variance come from fewer samples, and differ from the running averages used at test time); GroupNorm ' +
        'normalizes each sample over groups of its own features and does not depend on the batch. On an MLP the effect is extreme: ' +
        'with 2 samples BatchNorm maps every feature to ±1.',
      fr:
        'Réseaux et données différents : comparez les formes, pas les valeurs. BatchNorm est la meilleure aux grands lots et se dégrade ' +
        'quand le lot rétrécit (sa moyenne et sa variance viennent de moins d’exemples et diffèrent des moyennes glissantes utilisées au ' +
        'test) ; GroupNorm normalise chaque exemple sur des groupes de ses propres caractéristiques et ne dépend pas du lot. Sur un MLP ' +
        'l’effet est extrême : avec 2 exemples, BatchNorm envoie chaque caractéristique sur ±1.',
    },
  };
}

export const wuHe2018: CatalogueEntry = {
  id: 'wu-he-2018',
  title: { en: 'Wu & He 2018: GroupNorm does not care about the batch size', fr: 'Wu et He 2018 : GroupNorm ignore la taille du lot' },
  about: {
    en:
      'BatchNorm estimates each feature’s mean and variance on the current mini-batch. With large batches the estimate is good and ' +
      'BatchNorm is hard to beat; with a few samples per batch the estimate is noisy, training sees a different normalization at each ' +
      'step, and the running averages used at test time no longer match what the net was trained with. Wu and He (2018) measure ' +
      'ResNet-50 on ImageNet: 23.6 % error with 32 images per worker, 34.7 % with 2; their GroupNorm, which normalizes each sample ' +
      'over groups of its own channels, stays near 24 % at every batch size. Here the same comparison at small scale, with their ' +
      'numbers beside ours. Remedy: normalization that does not depend on the batch.',
    fr:
      'BatchNorm estime la moyenne et la variance de chaque caractéristique sur le mini-lot courant. Avec de grands lots l’estimation ' +
      'est bonne et BatchNorm difficile à battre ; avec quelques exemples par lot elle est bruitée, l’entraînement voit une ' +
      'normalisation différente à chaque pas, et les moyennes glissantes utilisées au test ne correspondent plus à ce que le réseau a ' +
      'appris. Wu et He (2018) mesurent ResNet-50 sur ImageNet : 23,6 % d’erreur avec 32 images par processeur, 34,7 % avec 2 ; leur ' +
      'GroupNorm, qui normalise chaque exemple sur des groupes de ses propres canaux, reste près de 24 % à toutes les tailles de lot. ' +
      'Ici la même comparaison à petite échelle, leurs nombres à côté des nôtres. Remède : une normalisation indépendante du lot.',
  },
  remedies: ['norm'],
  base: baseSpec('wu-he-2018', batchNormBase),
  variants: VARIANTS,
  quick: batchNormQuick,
  measure,
  verdict(runs) {
    if (runs.length !== VARIANTS.length) return incomplete(VARIANTS.length, runs.length);
    const e = (norm: string, b: number): number => testError(runs[VARIANTS.findIndex((v) => v.set['model.norm'] === norm && v.set['batchSize'] === b)]);
    const [bn32, bn2, gn32, gn2] = [e('batch', 32), e('batch', 2), e('group', 32), e('group', 2)];
    // the paper's shape: BatchNorm loses at batch 2 what GroupNorm keeps
    const ok = bn2 > bn32 + 0.1 && bn2 > gn2 + 0.1 && gn2 < gn32 + 0.1;
    return {
      ok,
      text: {
        en: `test error, batch 32 → 2: BatchNorm ${num(100 * bn32)} % → ${num(100 * bn2)} %, GroupNorm ${num(100 * gn32)} % → ${num(100 * gn2)} % (paper: 23.6 → 34.7 and 24.1 → 24.1)`,
        fr: `erreur de test, lot 32 → 2 : BatchNorm ${numFr(100 * bn32)} % → ${numFr(100 * bn2)} %, GroupNorm ${numFr(100 * gn32)} % → ${numFr(100 * gn2)} % (article : 23,6 → 34,7 et 24,1 → 24,1)`,
      },
    };
  },
};
