/** Explications et remèdes en français. */
import type { RawFinding } from '../detectors/types.js';
import { fmt as fmtEn, num, remedies, str, where, whereList, type Explainer, type RemedyTexts } from './common.js';

const fmt = (x: number | string | undefined): string => (typeof x === 'number' ? fmtEn(x, true) : String(x ?? '?'));

const JAC =
  'La rétropropagation multiplie une jacobienne par couche : ∂L/∂h₁ = J₂ᵀ·J₃ᵀ·…·J_Lᵀ·∂L/∂h_L. ' +
  'Chaque couche multiplie le gradient par un facteur ; des facteurs inférieurs à 1 se cumulent avec la profondeur et le gradient ' +
  's’évanouit, des facteurs supérieurs à 1 le font exploser.';

const layer = (d: number, n: number): string => `couche ${d} sur ${n}`;
const quote = (s: string): string => `« ${s} »`;
const at = (f: RawFinding, i: number): string => where(f, i, layer, quote);
const all = (f: RawFinding): string => whereList(f, layer, quote);

const SCHEME: Record<string, string> = {
  kaimingNormal: 'l’initialisation de Kaiming (He), qui maintient le facteur par couche à 1 pour ReLU',
  'xavierNormal-tanh': 'l’initialisation de Xavier (Glorot) avec le gain de tanh, 5/3',
  xavierNormal: 'l’initialisation de Xavier (Glorot)',
  orthogonal: 'des matrices orthogonales (toutes les valeurs singulières à 1), qui conservent les normes à travers une couche linéaire',
};

const TEXTS: RemedyTexts = {
  init: (v) =>
    v.symmetry === 'yes'
      ? `Initialiser les poids aléatoirement, avec ${SCHEME[v.scheme as string] ?? v.scheme} (les biais peuvent rester nuls)`
      : `Réinitialiser les poids de chaque couche Linear/Conv avec ${SCHEME[v.scheme as string] ?? v.scheme}, biais nuls`,
  'recurrent-orthogonal': () => 'Initialiser les matrices récurrentes de façon orthogonale : rayon spectral 1, l’état caché ne croît ni ne s’éteint au fil du temps',
  'bias-zero': (v) =>
    v.withInit
      ? 'Réinitialiser avec Kaiming et des biais nuls : les pré-activations sont poussées sous zéro en bloc'
      : 'Mettre les biais à zéro : ils poussent les pré-activations sous zéro pour toutes les entrées',
  'activation-tanh': (v) =>
    v.functional === 'yes'
      ? 'Remplacer les sigmoïdes cachées par tanh dans votre forward (centrée en zéro, dérivée jusqu’à 1 au lieu de ¼), avec Xavier et le gain 5/3'
      : 'Remplacer les sigmoïdes cachées par tanh (centrée en zéro, dérivée jusqu’à 1 au lieu de ¼) et initialiser en conséquence (Xavier, gain 5/3)',
  'activation-relu': () => 'Ou les remplacer par ReLU avec l’initialisation de Kaiming',
  'activation-leaky': () => 'Utiliser LeakyReLU, dont la partie négative garde un petit gradient (ses unités ne peuvent pas mourir)',
  clip: () => 'Écrêter la norme globale du gradient avant chaque pas de l’optimiseur',
  'clip-strict': () => 'Écrêter la norme du gradient et s’arrêter au premier gradient non fini, pour que l’exécution s’arrête là où le problème commence',
  'lr-down': (v) => (typeof v.lr === 'number' ? `Baisser le taux d’apprentissage à ${fmt(v.lr)} (au lieu de ${fmt(v.from)})` : 'Baisser le taux d’apprentissage (10 fois plus petit)'),
  'lr-up': (v) => (typeof v.lr === 'number' ? `Augmenter le taux d’apprentissage à ${fmt(v.lr)} (au lieu de ${fmt(v.from)})` : 'Augmenter le taux d’apprentissage (10 fois plus grand)'),
  warmup: () => 'Faire monter progressivement le taux d’apprentissage pendant les premiers pas (warm-up)',
  'standardize-inputs': (v) => `Standardiser les entrées (moyenne nulle, variance unité par caractéristique) : leur échelle est d’environ ${fmt(v.scale)}, et toute initialisation suppose environ 1`,
  normalize: (v) => `Insérer une couche de normalisation (BatchNorm1d, ou LayerNorm) avant chaque ${v.activation || 'activation'} : elle ramène l’entrée de chaque couche à une variance unité`,
  residual: () => 'Ajouter des connexions résiduelles : la jacobienne de h + f(h) vaut I + J_f, et leur produit ne tend pas vers zéro avec la profondeur',
  'gate-bias': (v) =>
    `Ouvrir la porte de mémoire au départ : mettre le biais de la porte ${v.layerType === 'GRU' || v.layerType === 'GRUCell' ? 'de mise à jour' : 'd’oubli'} à 1 (Jozefowicz et al., 2015), pour que chaque pas garde σ(1) ≈ 73 % de l’état au lieu de σ(0) = 50 %`,
  'gated-rnn': () => 'Utiliser une couche récurrente à portes (LSTM ou GRU) : son état de cellule transporte le gradient dans le temps de façon additive',
  'find-op': (v) => `Examiner l’opération « ${v.op} » dans ${v.module ? `« ${v.module} »` : 'le modèle'} : elle a produit la première valeur non finie, dans la passe ${v.pass === 'backward' ? 'arrière' : 'avant'}, à partir d’entrées finies`,
  'guard-op': (v) => `Garder l’argument de ${v.op} dans son domaine de définition`,
  'check-data': () => 'Vérifier que les données d’entrée ne contiennent aucune valeur non finie (NaN/Inf) avant l’entraînement',
  'loss-from-logits': () => 'Calculer la perte à partir des logits (crossEntropy, binaryCrossEntropyWithLogits) plutôt que le log d’une probabilité',
};

const R = (f: RawFinding) => remedies(f, TEXTS);

/** Là où les opérations courantes cessent d’être finies, en avant et en arrière. */
const DOMAIN: Record<string, { forward: string; backward: string }> = {
  log: { forward: 'log vaut NaN sous 0 et −∞ en 0', backward: 'la dérivée de log, 1/x, est infinie en 0' },
  sqrt: { forward: '√ vaut NaN sous 0', backward: 'la dérivée de √, 1/(2√x), est infinie en 0' },
  rsqrt: { forward: '1/√x vaut NaN sous 0 et ∞ en 0', backward: 'la dérivée de 1/√x est infinie en 0' },
  pow: { forward: 'un nombre négatif à une puissance fractionnaire vaut NaN, 0 à une puissance négative vaut ∞', backward: 'la dérivée de x^p avec p < 1 est infinie en 0' },
  div: { forward: 'la division par 0 donne ±∞, et 0/0 vaut NaN', backward: 'la dérivée de a/b, −a/b², est infinie en b = 0' },
  reciprocal: { forward: '1/0 vaut ∞', backward: 'la dérivée de 1/x, −1/x², est infinie en 0' },
  exp: { forward: 'exp dépasse le float32 au-delà d’environ 88,7', backward: 'l’exponentielle d’un grand nombre dépasse le float32' },
};

const lrNote = (f: RawFinding): string =>
  str(f, 'cause') === 'learning-rate'
    ? ' Ce n’était pas le cas à l’initialisation : c’est apparu sous des mises à jour trop grandes pour les poids (voir le constat sur le taux d’apprentissage), la cause à corriger d’abord.'
    : '';

export const fr: Explainer = {
  'vanishing-gradients': (f) => ({
    message: `Gradients évanescents : le gradient en ${at(f, 0)} vaut ${fmt(num(f, 'ratio'))} fois celui de ${at(f, 1)}.`,
    explanation:
      `${JAC} Ici, la norme du gradient est multipliée par un facteur médian de ${fmt(num(f, 'perLayerFactor'))} à chaque couche ; ` +
      `sur ${fmt(num(f, 'depth'))} couches, cela donne ${fmt(num(f, 'ratio'))}. Les premières couches n’apprennent presque pas : leurs mises à jour ` +
      'sont d’autant plus petites que celles des dernières couches.' +
      (str(f, 'activation') === 'sigmoid' ? ' La dérivée de la sigmoïde vaut au plus ¼ : aucune initialisation ne maintient le facteur à 1 à travers des couches sigmoïdes.' : '') +
      lrNote(f),
    remedies: R(f),
  }),

  'exploding-gradients': (f) => {
    const kind = str(f, 'kind');
    const message =
      kind === 'non-finite'
        ? `Gradients explosifs : gradients non finis à l’itération ${f.step}${f.layers.length ? ` (d’abord en ${at(f, 0)})` : ''}.`
        : kind === 'growth'
          ? `Gradients explosifs : la norme du gradient a été multipliée par ${fmt(num(f, 'growth'))} (jusqu’à ${fmt(num(f, 'gradNorm'))}) à l’itération ${f.step}${f.layers.length ? `, dans ${all(f)}` : ''}.`
          : `Gradients explosifs : le gradient en ${at(f, 0)} vaut ${fmt(num(f, 'ratio'))} fois celui de ${at(f, 1)}.`;
    const why =
      kind === 'depth'
        ? `Ici, la norme du gradient est multipliée par un facteur médian de ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'ratio'))} sur ${fmt(num(f, 'depth'))} couches.`
        : 'De grands gradients font de grands pas, qui produisent des activations et des gradients plus grands encore : une fois le float32 dépassé, les NaN envahissent tous les poids.';
    const clipNote = str(f, 'clipped') === 'yes' ? ' L’écrêtage du gradient est déjà actif dans cette exécution : il borne les pas, mais la cause demeure.' : '';
    return { message, explanation: `${JAC} ${why}${clipNote}${lrNote(f)}`, remedies: R(f) };
  },

  'exploding-through-time': (f) => ({
    message:
      str(f, 'measure') === 'output'
        ? `Explosion dans le temps en ${at(f, 0)} : sa sortie est multipliée par ${fmt(num(f, 'perStepFactor'))} à chaque pas de temps (×${fmt(num(f, 'ratio'))} sur ${fmt(num(f, 'timeSteps'))} pas).`
        : `Gradients explosifs dans le temps en ${at(f, 0)} : ${str(f, 'measure') === 'jacobian' ? '‖∂h_T/∂h_t‖' : '‖∂L/∂h_t‖'} est multiplié par ${fmt(num(f, 'ratio'))} du dernier pas de temps au premier${Number.isFinite(num(f, 'spectralRadius')) ? ` (rayon spectral de la matrice récurrente : ${fmt(num(f, 'spectralRadius'))})` : ''}.`,
    explanation:
      'Un réseau récurrent déroulé est un réseau profond dont les couches partagent une même matrice : remonter d’un pas de temps multiplie le ' +
      'gradient par W_hhᵀ·diag(f′). Avec un rayon spectral supérieur à 1, ce produit croît géométriquement avec le nombre de pas, et les premiers ' +
      'pas reçoivent des gradients qui écrasent tout le reste.' +
      (str(f, 'measure') === 'output' ? ' La passe avant le montre aussi : la même matrice multiplie l’état caché à chaque pas, et il croît.' : '') +
      (str(f, 'clipped') === 'yes' ? ' L’écrêtage du gradient est déjà actif : il borne les pas, mais la matrice récurrente reste la cause.' : ''),
    remedies: R(f),
  }),

  'vanishing-through-time': (f) => ({
    message: `Gradients évanescents dans le temps en ${at(f, 0)} : ${str(f, 'measure') === 'jacobian' ? '‖∂h_T/∂h_t‖' : '‖∂L/∂h_t‖'} au premier pas de temps vaut ${fmt(num(f, 'ratio'))} fois celui du dernier${Number.isFinite(num(f, 'spectralRadius')) ? ` (rayon spectral de la matrice récurrente : ${fmt(num(f, 'spectralRadius'))})` : ''}.`,
    explanation:
      (str(f, 'gated') === 'yes'
        ? 'Une couche à portes transporte son état dans le temps en le multipliant par une porte à chaque pas (LSTM : c_t = f_t⊙c_{t−1} + i_t⊙g_t ; ' +
          'GRU : h_t = z_t⊙h_{t−1} + (1 − z_t)⊙n_t). Avec des biais de porte nuls, comme PyTorch les initialise, cette porte vaut environ ½ et divise ' +
          `par deux ce qui est transporté à chaque pas (ici ×${fmt(num(f, 'perStepFactor'))} par pas)`
        : 'Remonter d’un pas de temps multiplie le gradient par W_hhᵀ·diag(f′). Avec un rayon spectral inférieur à 1 (ou des unités saturées), ce ' +
          'produit décroît géométriquement') +
      ' : ce qui s’est passé de nombreux pas plus tôt n’influence plus l’apprentissage, et le réseau ne peut pas apprendre de dépendances longues.',
    remedies: R(f),
  }),

  saturation: (f) => {
    const act = str(f, 'activation') === 'sigmoid' ? 'sigmoïde' : 'tanh';
    const isTanh = act === 'tanh';
    return {
      message: `Unités ${act} saturées : jusqu’à ${fmt(100 * num(f, 'worstShare'))} % des sorties de ${all(f)} sont sur les plateaux.`,
      explanation:
        `${JAC} La jacobienne de ${act} est diagonale, de coefficients ${isTanh ? '1 − y²' : 'y(1 − y)'}, presque nuls là où la sortie est proche ` +
        `de ${isTanh ? '±1' : '0 ou 1'}. Des pré-activations trop grandes (poids trop grands pour le fan-in, ou entrées loin de l’échelle unité) y ` +
        'poussent les unités, et le gradient qui les traverse est multiplié par presque rien.' +
        lrNote(f),
      remedies: R(f),
    };
  },

  'dead-units': (f) => ({
    message: `Unités ReLU mortes : jusqu’à ${fmt(100 * num(f, 'worstShare'))} % des unités de ${all(f)} sortent 0 pour tout le lot.`,
    explanation:
      `${JAC} Pour ReLU, la jacobienne est diagonale, de coefficients 0 ou 1 ; une unité dont la pré-activation est négative pour toutes les ` +
      'entrées ne laisse passer aucun gradient : ses poids ne changent plus et elle reste morte. Des biais très négatifs ou un taux ' +
      'd’apprentissage trop grand tuent des unités.' +
      (num(f, 'preActivationMean') < -num(f, 'preActivationStd')
        ? ` Ici, les pré-activations valent ${fmt(num(f, 'preActivationMean'))} en moyenne pour un écart-type de ${fmt(num(f, 'preActivationStd'))} : elles sont poussées sous zéro en bloc.`
        : '') +
      lrNote(f),
    remedies: R(f),
  }),

  'activation-collapse': (f) => ({
    message: `Les activations s’effondrent avec la profondeur : la moyenne des carrés du signal est multipliée par ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'cumulative'))} de ${at(f, 0)} à ${at(f, 1)} à l’initialisation.`,
    explanation:
      'Dans la passe avant, chaque couche multiplie la variance du signal par environ fan_in·Var(w)·E[f(z)²]/Var(z). ' +
      (str(f, 'activation') === 'relu'
        ? 'Avec ReLU, E[relu(z)²] = Var(z)/2 : l’initialisation de Xavier (Var(w) = 1/fan_in) divise le signal par deux à chaque couche ; celle de Kaiming (2/fan_in) le conserve. '
        : 'Des poids trop petits pour le fan-in rendent ce facteur inférieur à 1. ') +
      'Le facteur se cumule avec la profondeur : les couches profondes ne voient presque plus rien — et les mêmes facteurs, transposés, réduisent les gradients au retour.',
    remedies: R(f),
  }),

  'activation-explosion': (f) => ({
    message: `Les activations explosent avec la profondeur : la moyenne des carrés du signal est multipliée par ${fmt(num(f, 'perLayerFactor'))} à chaque couche, soit ${fmt(num(f, 'cumulative'))} de ${at(f, 0)} à ${at(f, 1)} à l’initialisation.`,
    explanation:
      'Dans la passe avant, chaque couche multiplie la variance du signal par environ fan_in·Var(w)·E[f(z)²]/Var(z). Des poids trop grands ' +
      'pour le fan-in rendent ce facteur supérieur à 1, et il se cumule avec la profondeur ; la rétropropagation multiplie par les mêmes ' +
      'échelles, donc les gradients explosent aussi.' +
      (num(f, 'dropoutCorrection') > 1 ? ` (Le facteur 1/(1−p) du dropout en mode entraînement, ×${fmt(num(f, 'dropoutCorrection'))} au total, est déjà retiré.)` : ''),
    remedies: R(f),
  }),

  'broken-symmetry': (f) => {
    const units = f.evidence.units as number[];
    const distinct = f.evidence.distinctUnits as number[];
    return {
      message: `Symétrie non brisée : dans ${all(f)}, seules ${distinct[0]} unités sur ${units[0]} diffèrent — les autres ont des poids identiques.`,
      explanation:
        'Des unités aux poids entrants identiques calculent la même sortie et reçoivent le même gradient : la descente de gradient les met à ' +
        'jour de la même façon et elles ne se différencient jamais. La couche se comporte comme une seule unité. C’est ce que produit une ' +
        'initialisation constante (ou nulle) ; une initialisation aléatoire brise la symétrie.',
      remedies: R(f),
    };
  },

  'update-ratio-high': (f) => ({
    message: `Taux d’apprentissage trop élevé : chaque pas modifie les poids de ${all(f)} de ${fmt(num(f, 'medianRatio'))} de leur norme (‖Δw‖/‖w‖ médian ; autour de 1e-3 est sain).`,
    explanation:
      'Le rapport mise à jour / poids ‖Δw‖/‖w‖ mesure de combien un pas de l’optimiseur déplace les poids par rapport à leur taille. Bien ' +
      'au-dessus de 1e-3, les pas dépassent la cible : la perte oscille ou diverge, les activations sortent de leur plage utile, des unités ' +
      'ReLU meurent et des unités tanh saturent.',
    remedies: R(f),
  }),

  'update-ratio-low': (f) => ({
    message: `Taux d’apprentissage trop faible : chaque pas ne modifie les poids de ${all(f)} que de ${fmt(num(f, 'medianRatio'))} de leur norme (‖Δw‖/‖w‖ médian ; autour de 1e-3 est sain).`,
    explanation:
      'Le rapport mise à jour / poids ‖Δw‖/‖w‖ mesure de combien un pas de l’optimiseur déplace les poids par rapport à leur taille. Bien ' +
      'en dessous de 1e-3, le réseau apprend très lentement. Les gradients ne sont pas affamés ici (ni gradient évanescent, ni saturation, ni ' +
      'unité morte) : c’est le taux d’apprentissage qu’il faut changer.',
    remedies: R(f),
  }),

  'non-finite': (f) => {
    const src = str(f, 'source');
    const op = str(f, 'op');
    const pass = str(f, 'pass') || 'forward';
    const cause = str(f, 'cause');
    const passe = pass === 'backward' ? 'arrière' : 'avant';
    // où : une couche située, le forward du modèle lui-même (chemin ''), ou la perte hors du modèle
    const mod = str(f, 'module');
    const place = str(f, 'inModel') === 'no' ? 'la perte (hors du modèle)' : f.layers.length ? (mod === '' ? 'le forward du modèle lui-même' : at(f, 0)) : 'la perte';
    const message = op
      ? src === 'gradients'
        ? cause === 'gradient'
          ? `Gradients non finis à l’itération ${f.step} : la passe arrière de « ${op} » dans ${place} a reçu un gradient NaN/Inf (d’un hook de gradient ou du gradient initial de backward()) ; la passe avant était finie.`
          : `Gradients non finis à l’itération ${f.step} : la règle de dérivation de « ${op} » dans ${place} a produit le premier NaN/Inf à partir d’un gradient fini ; la passe avant était finie.`
        : src === 'input'
          ? `Entrée non finie à l’itération ${f.step} : l’opération « ${op} » dans ${place} a reçu des données contenant déjà des NaN/Inf, dans la passe avant.`
          : src === 'weights'
            ? `Poids non finis à l’itération ${f.step} : l’opération « ${op} » dans ${place} a lu des paramètres NaN/Inf, dans la passe avant.`
            : `Valeurs non finies à l’itération ${f.step} : l’opération « ${op} » dans ${place} a produit le premier NaN/Inf à partir d’entrées finies, dans la passe ${passe}.`
      : src === 'weights'
        ? `Poids non finis à l’itération ${f.step} dans ${place} : des NaN/Inf sont entrés dans les paramètres.`
        : src === 'input'
          ? `Valeurs non finies à l’itération ${f.step} : l’entrée de ${place} contient déjà des NaN/Inf.`
          : src === 'activations'
            ? `Valeurs non finies à l’itération ${f.step} : elles apparaissent d’abord dans la sortie de ${place}.`
            : src === 'gradients'
              ? `Gradients non finis à l’itération ${f.step}${f.layers.length ? `, rencontrés d’abord en ${at(f, 0)} en remontant` : ''} ; la passe avant et la perte étaient finies.`
              : `Perte non finie à l’itération ${f.step} (${fmt(num(f, 'loss'))}).`;
    const domain = DOMAIN[op];
    const why =
      str(f, 'trigger') === 'learning-rate'
        ? ' : ici, les mises à jour étaient déjà bien trop grandes avant (voir le constat sur le taux d’apprentissage), et les nombres ont débordé.'
        : src === 'input'
          ? ' : ici, il est arrivé avec les données, avant qu’aucune opération du modèle ne les traite.'
          : src === 'gradients'
            ? cause === 'gradient'
              ? ' : ici, le gradient est arrivé non fini à cette opération, depuis du code extérieur aux règles de dérivation (un hook qui renvoie NaN/Inf, ou backward(gradient) qui en reçoit un).'
              : ` : ici, la passe avant était finie et c’est la passe arrière qui l’a produit — une dérivée infinie là où elle est évaluée${domain ? ` (${domain.backward})` : ' (√ en 0, log en 0, division par 0)'}.`
            : domain
              ? ` : ici, « ${op} » a été évaluée hors de son domaine — ${domain.forward}.`
              : ' : une opération hors de son domaine (log ou √ d’un nombre négatif, division par 0), un débordement (exp d’un grand nombre) ou des données d’entrée corrompues.';
    return {
      message,
      explanation:
        'Dès qu’un NaN ou un Inf apparaît, toute opération qui le touche le propage : vers l’avant jusqu’à la perte, vers l’arrière dans tous ' +
        `les gradients, puis, par l’optimiseur, dans tous les poids. Le premier endroit où il se montre est celui où chercher${why}`,
      remedies: R(f),
    };
  },
};
