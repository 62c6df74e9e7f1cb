/** Explications et remèdes en français. */
import type { Remedy } from '../detectors/types.js';
import { CODE, list, num, str, fmt as fmtEn, type Explainer } from './common.js';

const fmt = (x: number): string => fmtEn(x, true);

const JAC =
  'La rétropropagation multiplie une jacobienne par couche : ∂L/∂h₁ = J₂ᵀ·J₃ᵀ·…·J_Lᵀ·∂L/∂h_L. ' +
  'Chaque couche multiplie le gradient par un facteur ; des facteurs inférieurs à 1 se cumulent avec la profondeur et le gradient ' +
  's’évanouit, des facteurs supérieurs à 1 le font exploser.';

const actName = (a: string): string => (a === 'relu' ? 'ReLU' : a === 'none' || a === '' ? 'activation' : a);

function initRemedies(act: string, extra: Remedy[] = []): Remedy[] {
  if (act === 'relu')
    return [{ text: 'Initialiser les poids de chaque couche Linear/Conv avec l’initialisation de Kaiming (He), qui maintient le facteur par couche à 1 pour ReLU', code: CODE.kaiming }, ...extra];
  if (act === 'sigmoid')
    return [
      { text: 'Remplacer les sigmoïdes cachées par tanh (centrée en zéro, dérivée jusqu’à 1 au lieu de 0,25) ou par ReLU', code: "mlp({ ...options, activation: 'tanh' })" },
      { text: 'Initialiser avec l’initialisation de Xavier (Glorot)', code: CODE.xavier },
      ...extra,
    ];
  return [{ text: 'Initialiser les poids de chaque couche Linear avec l’initialisation de Xavier (Glorot) et le gain de tanh, 5/3', code: CODE.xavierTanh }, ...extra];
}

export const fr: Explainer = {
  'vanishing-gradients': (f) => {
    const act = str(f, 'activation');
    const rnn = str(f, 'recurrent') === 'yes';
    const remedies = rnn
      ? [
          { text: 'Initialiser la matrice récurrente de façon orthogonale, pour que ses valeurs singulières valent 1', code: CODE.orthogonalHh },
          { text: 'Raccourcir les séquences déroulées (rétropropagation dans le temps tronquée)' },
          ...initRemedies(act),
        ]
      : initRemedies(act, [
          { text: `Insérer une BatchNorm1d avant chaque ${actName(act)} : elle ramène l’entrée de chaque couche à une variance unité`, code: CODE.batchNorm },
          { text: 'Ajouter des connexions résiduelles : la jacobienne de h + f(h) vaut I + J_f, et leur produit ne tend pas vers zéro avec la profondeur', code: CODE.residual },
          ...(act === 'tanh' || act === 'sigmoid' ? [{ text: 'Passer à ReLU avec l’initialisation de Kaiming', code: CODE.kaiming }] : []),
        ]);
    return {
      message: `Gradients évanescents : le gradient en « ${f.layers[0]} » vaut ${fmt(num(f, 'ratio'))} fois celui de « ${f.layers[1]} ».`,
      explanation:
        `${JAC} Ici, la norme du gradient est multipliée par un facteur médian de ${fmt(num(f, 'perLayerFactor'))} à chaque couche ; ` +
        `sur ${num(f, 'depth')} couches, cela donne ${fmt(num(f, 'ratio'))}. Les premières couches n’apprennent presque pas : leurs mises à jour ` +
        'sont d’autant plus petites que celles des dernières couches.',
      remedies,
    };
  },

  'exploding-gradients': (f) => {
    const kind = str(f, 'kind');
    const rnn = str(f, 'recurrent') === 'yes';
    const where = f.layers.length ? ` (d’abord en « ${f.layers[0]} »)` : '';
    const message =
      kind === 'non-finite'
        ? `Gradients explosifs : gradients non finis à l’itération ${f.step}${where}.`
        : kind === 'growth'
          ? `Gradients explosifs : la norme du gradient a été multipliée par ${fmt(num(f, 'growth'))} (jusqu’à ${fmt(num(f, 'gradNorm'))}) à l’itération ${f.step}.`
          : kind === 'time'
            ? `Explosion dans le temps : la sortie de « ${f.layers[0]} » est multipliée par ${fmt(num(f, 'perStepFactor'))} à chaque pas de temps (par ${fmt(num(f, 'cumulative'))} sur ${num(f, 'timeSteps')} pas).`
            : `Gradients explosifs : le gradient en « ${f.layers[0]} » vaut ${fmt(num(f, 'ratio'))} fois celui de « ${f.layers[1]} ».`;
    const why =
      kind === 'time'
        ? 'Un réseau récurrent déroulé est un réseau profond dont toutes les couches partagent la même matrice de poids : chaque pas de temps multiplie par la même jacobienne diag(f′)·W_hh. Avec un rayon spectral supérieur à 1, le signal et le gradient croissent géométriquement avec le nombre de pas.'
        : kind === 'depth'
          ? `Ici, la norme du gradient est multipliée par un facteur médian de ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'ratio'))} sur ${num(f, 'depth')} couches.`
          : 'De grands gradients font de grands pas, qui produisent de plus grandes activations et de plus grands gradients : dès que le float32 déborde, les NaN envahissent tous les poids.';
    const clipped = str(f, 'clipped') === 'yes';
    const clipNote = clipped
      ? ' L’écrêtage du gradient est déjà actif dans cette exécution : il borne les pas, mais la cause demeure.'
      : '';
    const clip = { text: 'Écrêter la norme globale du gradient avant chaque pas de l’optimiseur', code: CODE.clip };
    return {
      message,
      explanation: `${JAC} ${why}${clipNote}`,
      remedies: [
        ...(clipped ? [] : [clip]),
        { text: 'Baisser le taux d’apprentissage (essayer 10 fois plus petit)', code: CODE.lr(num(f, 'lr') / 10) },
        ...(rnn ? [{ text: 'Initialiser la matrice récurrente de façon orthogonale (rayon spectral 1)', code: CODE.orthogonalHh }] : []),
        ...initRemedies(str(f, 'activation')),
        { text: 'Normaliser les activations (BatchNorm1d / LayerNorm) pour empêcher l’échelle de se cumuler', code: rnn ? CODE.layerNorm : CODE.batchNorm },
      ],
    };
  },

  saturation: (f) => {
    const act = str(f, 'activation') === 'sigmoid' ? 'sigmoïde' : 'tanh';
    const isTanh = act === 'tanh';
    return {
      message: `Unités ${act} saturées : jusqu’à ${fmt(100 * num(f, 'worstShare'))} % des sorties de ${list(f.layers)} sont sur les plateaux.`,
      explanation:
        `${JAC} La jacobienne de ${act} est diagonale, de coefficients ${isTanh ? '1 − y²' : 'y(1 − y)'}, presque nuls là où la sortie est proche ` +
        `de ${isTanh ? '±1' : '0 ou 1'}. Des pré-activations trop grandes (poids trop grands pour le fan-in) y poussent les unités, et le ` +
        'gradient qui les traverse est multiplié par presque rien.',
      remedies: [
        { text: `Utiliser l’initialisation de Xavier avec le gain de ${act}, pour garder des pré-activations d’ordre 1`, code: isTanh ? CODE.xavierTanh : CODE.xavier },
        { text: `Insérer une BatchNorm1d avant chaque ${act}`, code: CODE.batchNorm },
        { text: 'Standardiser les entrées (moyenne nulle, variance unité par caractéristique)' },
        { text: 'Passer à ReLU avec l’initialisation de Kaiming', code: CODE.kaiming },
      ],
    };
  },

  'dead-units': (f) => ({
    message: `Unités ReLU mortes : jusqu’à ${fmt(100 * num(f, 'worstShare'))} % des unités de ${list(f.layers)} sortent 0 pour tout le lot.`,
    explanation:
      `${JAC} Pour ReLU, la jacobienne est diagonale, de coefficients 0 ou 1 ; une unité dont la pré-activation est négative pour toutes les ` +
      'entrées ne laisse passer aucun gradient : ses poids ne changent plus et elle reste morte. Un taux d’apprentissage trop grand ou des biais ' +
      'très négatifs tuent des unités.',
    remedies: [
      { text: 'Utiliser LeakyReLU, dont la partie négative garde un petit gradient', code: CODE.leaky },
      { text: 'Initialiser avec Kaiming et des biais nuls', code: `${CODE.kaiming}; ${CODE.zeroBias}` },
      { text: 'Baisser le taux d’apprentissage (les grands pas poussent les unités dans la zone morte)', code: CODE.lr(num(f, 'lr') / 10) },
      { text: 'Insérer une BatchNorm1d avant chaque ReLU', code: CODE.batchNorm },
    ],
  }),

  'activation-collapse': (f) => ({
    message: `Les activations s’effondrent avec la profondeur : la moyenne des carrés du signal est multipliée par ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'cumulative'))} de « ${f.layers[0]} » à « ${f.layers[1]} » à l’initialisation.`,
    explanation:
      'Dans la passe avant, chaque couche multiplie la variance du signal par environ fan_in·Var(w)·E[f(z)²]/Var(z). ' +
      (str(f, 'activation') === 'relu'
        ? 'Avec ReLU, E[relu(z)²] = Var(z)/2 : l’initialisation de Xavier (Var(w) = 1/fan_in) divise le signal par deux à chaque couche ; celle de Kaiming (2/fan_in) le conserve. '
        : 'Des poids trop petits pour le fan-in rendent ce facteur inférieur à 1. ') +
      'Le facteur se cumule avec la profondeur : les couches profondes ne voient presque plus rien — et les mêmes facteurs, transposés, réduisent les gradients au retour.',
    remedies: initRemedies(str(f, 'activation'), [{ text: 'Insérer une BatchNorm1d après chaque couche Linear', code: CODE.batchNorm }]),
  }),

  'activation-explosion': (f) => ({
    message: `Les activations explosent avec la profondeur : la moyenne des carrés du signal est multipliée par ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'cumulative'))} de « ${f.layers[0]} » à « ${f.layers[1]} » à l’initialisation.`,
    explanation:
      'Dans la passe avant, chaque couche multiplie la variance du signal par environ fan_in·Var(w)·E[f(z)²]/Var(z). Des poids trop grands ' +
      'pour le fan-in rendent ce facteur supérieur à 1, et il se cumule avec la profondeur ; la rétropropagation multiplie par les mêmes ' +
      'échelles, donc les gradients explosent aussi.',
    remedies: initRemedies(str(f, 'activation'), [
      { text: 'Insérer une BatchNorm1d après chaque couche Linear', code: CODE.batchNorm },
      { text: 'Écrêter la norme du gradient le temps de corriger l’initialisation', code: CODE.clip },
    ]),
  }),

  'broken-symmetry': (f) => {
    const units = f.evidence.units as number[];
    const distinct = f.evidence.distinctUnits as number[];
    return {
      message: `Symétrie non brisée : dans ${list(f.layers)}, seules ${distinct[0]} unités sur ${units[0]} diffèrent — les autres ont des poids identiques.`,
      explanation:
        'Des unités aux poids entrants identiques calculent la même sortie et reçoivent le même gradient : la descente de gradient les met à ' +
        'jour de la même façon et elles ne se différencient jamais. La couche se comporte comme une seule unité. C’est ce que produit une ' +
        'initialisation constante (ou nulle) ; une initialisation aléatoire brise la symétrie.',
      remedies: [
        {
          text: 'Initialiser les poids aléatoirement (les biais peuvent rester nuls)',
          code: str(f, 'activation') === 'relu' ? CODE.kaiming : str(f, 'activation') === 'tanh' ? CODE.xavierTanh : CODE.xavier,
        },
        { text: 'Ou garder l’initialisation par défaut de la bibliothèque : retirer l’initialisation constante', code: "mlp({ ...options, init: 'default' })" },
      ],
    };
  },

  'update-ratio-high': (f) => ({
    message: `Taux d’apprentissage trop élevé : chaque pas modifie les poids de ${fmt(num(f, 'medianRatio'))} de leur norme (‖Δw‖/‖w‖ médian ; autour de 1e-3 est sain).`,
    explanation:
      'Le rapport mise à jour / poids ‖Δw‖/‖w‖ mesure de combien un pas de l’optimiseur déplace les poids par rapport à leur taille. Bien ' +
      'au-dessus de 1e-3, les pas dépassent la cible : la perte oscille ou diverge, les activations sortent de leur plage utile, des unités ' +
      'ReLU meurent et des unités tanh saturent.',
    remedies: [
      { text: `Baisser le taux d’apprentissage vers ${fmt(num(f, 'suggestedLr'))}`, code: CODE.lr(num(f, 'suggestedLr')) },
      { text: 'Faire monter progressivement le taux d’apprentissage pendant les premiers pas (warm-up)', code: 'new optim.lrScheduler.LinearLR(optimizer, { startFactor: 0.01, totalIters: 100 })' },
      { text: 'Écrêter la norme du gradient', code: CODE.clip },
    ],
  }),

  'update-ratio-low': (f) => ({
    message: `Taux d’apprentissage trop faible : chaque pas ne modifie les poids que de ${fmt(num(f, 'medianRatio'))} de leur norme (‖Δw‖/‖w‖ médian ; autour de 1e-3 est sain).`,
    explanation:
      'Le rapport mise à jour / poids ‖Δw‖/‖w‖ mesure de combien un pas de l’optimiseur déplace les poids par rapport à leur taille. Bien ' +
      'en dessous de 1e-3, le réseau apprend très lentement. Si seules les premières couches ont des rapports minuscules, la cause est plutôt ' +
      'un gradient évanescent que le taux d’apprentissage.',
    remedies: [
      { text: `Augmenter le taux d’apprentissage vers ${fmt(num(f, 'suggestedLr'))}`, code: CODE.lr(num(f, 'suggestedLr')) },
      { text: 'Vérifier l’absence de gradients évanescents (sonde avec statistiques de gradient activées)' },
    ],
  }),

  'non-finite': (f) => {
    const src = str(f, 'source');
    const at = f.layers.length ? `« ${f.layers[0]} »` : 'la perte';
    return {
      message:
        src === 'weights'
          ? `Poids non finis à l’itération ${f.step} dans ${at} : des NaN/Inf sont entrés dans les paramètres.`
          : src === 'input'
            ? `Valeurs non finies à l’itération ${f.step} : l’entrée de ${at} contient déjà des NaN/Inf.`
            : src === 'activations'
              ? `Valeurs non finies à l’itération ${f.step} : elles apparaissent d’abord dans la sortie de ${at}.`
              : `Perte non finie à l’itération ${f.step} (${fmt(num(f, 'loss'))}).`,
      explanation:
        'Dès qu’un NaN ou un Inf apparaît, toute opération qui le touche le propage : vers l’avant jusqu’à la perte, vers l’arrière dans tous ' +
        'les gradients, puis, par l’optimiseur, dans tous les poids. Le premier endroit où il se montre est celui où chercher : un débordement ' +
        'après un pas trop grand, un log ou une division par 0, ou des données d’entrée corrompues.',
      remedies: [
        ...(src === 'input' ? [{ text: 'Vérifier que les données d’entrée ne contiennent ni NaN ni Inf avant l’entraînement' }] : []),
        { text: 'Baisser le taux d’apprentissage', code: CODE.lr(num(f, 'lr') / 10) },
        { text: 'Écrêter la norme du gradient, et s’arrêter au premier gradient non fini', code: CODE.clipStrict },
        { text: 'Calculer les pertes à partir des logits (crossEntropy, binaryCrossEntropyWithLogits) plutôt que log(softmax) ou log(sigmoid)' },
      ],
    };
  },
};
