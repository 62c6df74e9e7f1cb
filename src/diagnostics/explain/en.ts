/** Explanations and remedies in English. */
import type { Remedy } from '../detectors/types.js';
import { CODE, fmt, list, num, str, type Explainer } from './common.js';

const JAC =
  'The backward pass multiplies one Jacobian per layer: ∂L/∂h₁ = J₂ᵀ·J₃ᵀ·…·J_Lᵀ·∂L/∂h_L. ' +
  'Each layer scales the gradient by a factor; factors below 1 compound with depth into a vanishing gradient, ' +
  'factors above 1 into an exploding one.';

function initRemedies(act: string, extra: Remedy[] = []): Remedy[] {
  if (act === 'relu')
    return [{ text: 'Initialize every Linear/Conv weight with Kaiming (He) init, which keeps the per-layer factor at 1 for ReLU', code: CODE.kaiming }, ...extra];
  if (act === 'sigmoid')
    return [
      { text: 'Replace the hidden sigmoids with tanh (zero-centred, derivative up to 1 instead of 0.25) or ReLU', code: "mlp({ ...options, activation: 'tanh' })" },
      { text: 'Initialize with Xavier (Glorot) init', code: CODE.xavier },
      ...extra,
    ];
  return [{ text: "Initialize every Linear weight with Xavier (Glorot) init and tanh's gain 5/3", code: CODE.xavierTanh }, ...extra];
}

export const en: Explainer = {
  'vanishing-gradients': (f) => {
    const act = str(f, 'activation');
    const rnn = str(f, 'recurrent') === 'yes';
    const remedies = rnn
      ? [
          { text: 'Initialize the recurrent matrix orthogonally, so its singular values are 1', code: CODE.orthogonalHh },
          { text: 'Shorten the unrolled sequences (truncated backpropagation through time)' },
          ...initRemedies(act),
        ]
      : initRemedies(act, [
          { text: `Insert BatchNorm1d before each ${act === 'relu' ? 'ReLU' : act === 'none' ? 'activation' : act}: it rescales every layer's input to unit variance`, code: CODE.batchNorm },
          { text: 'Add residual connections: the Jacobian of h + f(h) is I + J_f, whose product over depth does not shrink to zero', code: CODE.residual },
          ...(act === 'tanh' || act === 'sigmoid' ? [{ text: 'Switch to ReLU with Kaiming init', code: CODE.kaiming }] : []),
        ]);
    return {
      message: `Vanishing gradients: the gradient at '${f.layers[0]}' is ${fmt(num(f, 'ratio'))}× the one at '${f.layers[1]}'.`,
      explanation:
        `${JAC} Here the gradient norm shrinks by a median factor of ${fmt(num(f, 'perLayerFactor'))} per layer; over ` +
        `${fmt(num(f, 'depth'))} layers that compounds to ${fmt(num(f, 'ratio'))}. The first layers barely learn: their updates are ` +
        `that much smaller than the last layers'.`,
      remedies,
    };
  },

  'exploding-gradients': (f) => {
    const kind = str(f, 'kind');
    const rnn = str(f, 'recurrent') === 'yes';
    const where = f.layers.length ? ` (first seen at '${f.layers[0]}')` : '';
    const message =
      kind === 'non-finite'
        ? `Exploding gradients: non-finite gradients at step ${f.step}${where}.`
        : kind === 'growth'
          ? `Exploding gradients: the gradient norm grew ${fmt(num(f, 'growth'))}× (to ${fmt(num(f, 'gradNorm'))}) by step ${f.step}.`
          : kind === 'time'
            ? `Exploding through time: the output of '${f.layers[0]}' grows ×${fmt(num(f, 'perStepFactor'))} per time step (×${fmt(num(f, 'cumulative'))} over ${fmt(num(f, 'timeSteps'))} steps).`
            : `Exploding gradients: the gradient at '${f.layers[0]}' is ${fmt(num(f, 'ratio'))}× the one at '${f.layers[1]}'.`;
    const why =
      kind === 'time'
        ? 'An unrolled recurrent network is a deep network whose layers share one weight matrix: each time step multiplies by the same Jacobian diag(f′)·W_hh. With a spectral radius above 1 the signal and the gradient grow geometrically with the number of steps.'
        : kind === 'depth'
          ? `Here the gradient norm grows by a median factor of ${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'ratio'))}× over ${fmt(num(f, 'depth'))} layers.`
          : 'Large gradients make large steps, which make larger activations and larger gradients: once float32 overflows, NaN spreads through every weight.';
    const clipped = str(f, 'clipped') === 'yes';
    const clipNote = clipped
      ? ' Gradient clipping is already active in this run: it keeps the steps bounded, but the cause is still there.'
      : '';
    const clip = { text: 'Clip the global gradient norm before each optimizer step', code: CODE.clip };
    return {
      message,
      explanation: `${JAC} ${why}${clipNote}`,
      remedies: [
        ...(clipped ? [] : [clip]),
        { text: 'Lower the learning rate (try 10× smaller)', code: CODE.lr(num(f, 'lr') / 10) },
        ...(rnn ? [{ text: 'Initialize the recurrent matrix orthogonally (spectral radius 1)', code: CODE.orthogonalHh }] : []),
        ...initRemedies(str(f, 'activation')),
        { text: 'Normalize activations (BatchNorm1d / LayerNorm) to stop the scale from compounding', code: rnn ? CODE.layerNorm : CODE.batchNorm },
      ],
    };
  },

  saturation: (f) => {
    const act = str(f, 'activation') === 'sigmoid' ? 'sigmoid' : 'tanh';
    return {
      message: `Saturated ${act} units: up to ${fmt(100 * num(f, 'worstShare'))} % of the outputs of ${list(f.layers)} sit on the flat parts.`,
      explanation:
        `${JAC} The Jacobian of ${act} is diagonal with entries ${act === 'tanh' ? '1 − y²' : 'y(1 − y)'}, which are nearly 0 where the ` +
        `output is close to ${act === 'tanh' ? '±1' : '0 or 1'}. Pre-activations that are too large (weights too large for the fan-in) push ` +
        'units there, and the gradient through them is multiplied by almost nothing.',
      remedies: [
        { text: `Use Xavier init with ${act}'s gain so pre-activations stay of order 1`, code: act === 'tanh' ? CODE.xavierTanh : CODE.xavier },
        { text: `Insert BatchNorm1d before each ${act}`, code: CODE.batchNorm },
        { text: 'Standardize the inputs (zero mean, unit variance per feature)' },
        { text: 'Switch to ReLU with Kaiming init', code: CODE.kaiming },
      ],
    };
  },

  'dead-units': (f) => ({
    message: `Dead ReLU units: up to ${fmt(100 * num(f, 'worstShare'))} % of the units of ${list(f.layers)} output 0 for the whole batch.`,
    explanation:
      `${JAC} For ReLU the Jacobian is diagonal with entries 0 or 1; a unit whose pre-activation is negative for every input passes no ` +
      'gradient, so its weights never change and it stays dead. Large learning rates and large negative biases kill units.',
    remedies: [
      { text: 'Use LeakyReLU, whose negative side keeps a small gradient', code: CODE.leaky },
      { text: 'Initialize with Kaiming init and zero biases', code: `${CODE.kaiming}; ${CODE.zeroBias}` },
      { text: 'Lower the learning rate (large steps knock units into the dead zone)', code: CODE.lr(num(f, 'lr') / 10) },
      { text: 'Insert BatchNorm1d before each ReLU', code: CODE.batchNorm },
    ],
  }),

  'activation-collapse': (f) => ({
    message: `Activations collapse with depth: the signal's mean square shrinks ×${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'cumulative'))}× from '${f.layers[0]}' to '${f.layers[1]}' at initialization.`,
    explanation:
      'In the forward pass each layer multiplies the variance of the signal by about fan_in·Var(w)·E[f(z)²]/Var(z). ' +
      (str(f, 'activation') === 'relu'
        ? 'With ReLU, E[relu(z)²] = Var(z)/2: Xavier init (Var(w) = 1/fan_in) halves the signal at every layer; Kaiming init (2/fan_in) keeps it. '
        : 'Weights that are too small for the fan-in make that factor less than 1. ') +
      'The factor compounds with depth, so deep layers see almost nothing — and the same factors, transposed, shrink the gradients on the way back.',
    remedies: initRemedies(str(f, 'activation'), [{ text: 'Insert BatchNorm1d after each Linear layer', code: CODE.batchNorm }]),
  }),

  'activation-explosion': (f) => ({
    message: `Activations explode with depth: the signal's mean square grows ×${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'cumulative'))}× from '${f.layers[0]}' to '${f.layers[1]}' at initialization.`,
    explanation:
      'In the forward pass each layer multiplies the variance of the signal by about fan_in·Var(w)·E[f(z)²]/Var(z). Weights that are ' +
      'too large for the fan-in make that factor greater than 1, and it compounds with depth; the backward pass multiplies by the same ' +
      'scales, so gradients explode too.',
    remedies: initRemedies(str(f, 'activation'), [
      { text: 'Insert BatchNorm1d after each Linear layer', code: CODE.batchNorm },
      { text: 'Clip the gradient norm while you fix the initialization', code: CODE.clip },
    ]),
  }),

  'broken-symmetry': (f) => {
    const units = f.evidence.units as number[];
    const distinct = f.evidence.distinctUnits as number[];
    return {
      message: `Broken symmetry: in ${list(f.layers)} only ${distinct[0]} of ${units[0]} units differ — the others have identical weights.`,
      explanation:
        'Units with the same incoming weights compute the same output and receive the same gradient, so gradient descent updates them ' +
        'identically and they never become different: the layer works like a single unit. A constant (or zero) initialization does this. ' +
        'Random initialization breaks the symmetry.',
      remedies: [
        {
          text: 'Initialize the weights randomly (biases may stay at zero)',
          code: str(f, 'activation') === 'relu' ? CODE.kaiming : str(f, 'activation') === 'tanh' ? CODE.xavierTanh : CODE.xavier,
        },
        { text: "Or keep the library's default initialization: remove the constant init", code: "mlp({ ...options, init: 'default' })" },
      ],
    };
  },

  'update-ratio-high': (f) => ({
    message: `Learning rate too high: each step changes the weights by ${fmt(num(f, 'medianRatio'))} of their norm (median ‖Δw‖/‖w‖; around 1e-3 is healthy).`,
    explanation:
      'The update-to-weight ratio ‖Δw‖/‖w‖ says how far one optimizer step moves the weights relative to their size. Far above 1e-3 the ' +
      'steps overshoot: the loss oscillates or diverges, activations drift out of their useful range, ReLU units die and tanh units saturate.',
    remedies: [
      { text: `Lower the learning rate towards ${fmt(num(f, 'suggestedLr'))}`, code: CODE.lr(num(f, 'suggestedLr')) },
      { text: 'Warm the learning rate up over the first steps', code: 'new optim.lrScheduler.LinearLR(optimizer, { startFactor: 0.01, totalIters: 100 })' },
      { text: 'Clip the gradient norm', code: CODE.clip },
    ],
  }),

  'update-ratio-low': (f) => ({
    message: `Learning rate too low: each step changes the weights by only ${fmt(num(f, 'medianRatio'))} of their norm (median ‖Δw‖/‖w‖; around 1e-3 is healthy).`,
    explanation:
      'The update-to-weight ratio ‖Δw‖/‖w‖ says how far one optimizer step moves the weights relative to their size. Far below 1e-3 the ' +
      'network learns very slowly. If only the first layers have tiny ratios, the cause is more likely vanishing gradients than the learning rate.',
    remedies: [
      { text: `Raise the learning rate towards ${fmt(num(f, 'suggestedLr'))}`, code: CODE.lr(num(f, 'suggestedLr')) },
      { text: 'Check for vanishing gradients (run the probe with gradient statistics on)' },
    ],
  }),

  'non-finite': (f) => {
    const src = str(f, 'source');
    const at = f.layers.length ? `'${f.layers[0]}'` : 'the loss';
    return {
      message:
        src === 'weights'
          ? `Non-finite weights at step ${f.step} in ${at}: NaN/Inf got into the parameters.`
          : src === 'input'
            ? `Non-finite values at step ${f.step}: the input of ${at} already holds NaN/Inf.`
            : src === 'activations'
              ? `Non-finite values at step ${f.step}: they first appear in the output of ${at}.`
              : `Non-finite loss at step ${f.step} (${fmt(num(f, 'loss'))}).`,
      explanation:
        'Once a NaN or Inf appears, every operation that touches it spreads it: forward to the loss, backward to every gradient, and through ' +
        'the optimizer into every weight. The first place it shows is where to look: an overflow after a too-large step, a log or division ' +
        'of 0, or bad input data.',
      remedies: [
        ...(src === 'input' ? [{ text: 'Check the input data for NaN/Inf before training' }] : []),
        { text: 'Lower the learning rate', code: CODE.lr(num(f, 'lr') / 10) },
        { text: 'Clip the gradient norm, and stop at the first non-finite gradient', code: CODE.clipStrict },
        { text: 'Compute losses from logits (crossEntropy, binaryCrossEntropyWithLogits) rather than log(softmax) or log(sigmoid)' },
      ],
    };
  },
};
