/** Explanations and remedies in English. */
import type { RawFinding } from '../detectors/types.js';
import { fmt, num, remedies, str, where, whereList, type Explainer, type RemedyTexts } from './common.js';

const JAC =
  'The backward pass multiplies one Jacobian per layer: ∂L/∂h₁ = J₂ᵀ·J₃ᵀ·…·J_Lᵀ·∂L/∂h_L. ' +
  'Each layer scales the gradient by a factor; factors below 1 compound with depth into a vanishing gradient, ' +
  'factors above 1 into an exploding one.';

const layer = (d: number, n: number): string => `layer ${d} of ${n}`;
const at = (f: RawFinding, i: number): string => where(f, i, layer);
const all = (f: RawFinding): string => whereList(f, layer);

const SCHEME: Record<string, string> = {
  kaimingNormal: 'Kaiming (He) init, which keeps the per-layer factor at 1 for ReLU',
  'xavierNormal-tanh': "Xavier (Glorot) init with tanh's gain 5/3",
  xavierNormal: 'Xavier (Glorot) init',
  orthogonal: 'orthogonal matrices (every singular value 1), which keep every norm through a linear layer',
};

const TEXTS: RemedyTexts = {
  init: (v) =>
    v.symmetry === 'yes'
      ? `Initialize the weights randomly, with ${SCHEME[v.scheme as string] ?? v.scheme} (biases may stay at zero)`
      : `Re-initialize every Linear/Conv weight with ${SCHEME[v.scheme as string] ?? v.scheme}, biases at zero`,
  'recurrent-orthogonal': () => 'Initialize the recurrent matrices orthogonally: spectral radius 1, so the hidden state neither grows nor fades through time',
  'bias-zero': (v) =>
    v.withInit ? 'Re-initialize with Kaiming init and zero biases: the pre-activations are pushed below zero as a whole' : 'Set the biases to zero: they push the pre-activations below zero for every input',
  'activation-tanh': (v) =>
    v.functional === 'yes'
      ? 'Replace the hidden sigmoids by tanh in your forward (zero-centred, derivative up to 1 instead of ¼), with Xavier init and gain 5/3'
      : 'Replace the hidden sigmoids by tanh (zero-centred, derivative up to 1 instead of ¼) and initialize for it (Xavier, gain 5/3)',
  'activation-relu': () => 'Or replace them by ReLU with Kaiming init',
  'activation-leaky': () => 'Use LeakyReLU, whose negative side keeps a small gradient (its units cannot die)',
  clip: () => 'Clip the global gradient norm before each optimizer step',
  'clip-strict': () => 'Clip the gradient norm and stop at the first non-finite gradient, so the run ends where the trouble starts',
  'lr-down': (v) => (typeof v.lr === 'number' ? `Lower the learning rate to ${fmt(v.lr)} (from ${fmt(v.from)})` : 'Lower the learning rate (10× smaller)'),
  'lr-up': (v) => (typeof v.lr === 'number' ? `Raise the learning rate to ${fmt(v.lr)} (from ${fmt(v.from)})` : 'Raise the learning rate (10× larger)'),
  warmup: () => 'Warm the learning rate up over the first steps',
  'standardize-inputs': (v) => `Standardize the inputs (zero mean, unit variance per feature): their scale is about ${fmt(v.scale)}, and every init assumes about 1`,
  normalize: (v) => `Insert a normalization layer (BatchNorm1d, or LayerNorm) before each ${v.activation || 'activation'}: it rescales every layer's input to unit variance`,
  residual: () => 'Add residual connections: the Jacobian of h + f(h) is I + J_f, whose product over depth does not shrink to zero',
  'gate-bias': (v) =>
    `Open the memory gate at the start: set the ${v.layerType === 'GRU' || v.layerType === 'GRUCell' ? 'update-gate' : 'forget-gate'} bias to 1 (Jozefowicz et al. 2015), so each step keeps σ(1) ≈ 73 % of the state instead of σ(0) = 50 %`,
  'gated-rnn': () => 'Use a gated recurrent layer (LSTM or GRU): its cell state carries the gradient through time additively',
  'find-op': (v) => `Look at the op '${v.op}' in ${v.module ? `'${v.module}'` : 'the model'}: it made the first non-finite value, in the ${v.pass || 'forward'} pass, from finite inputs`,
  'guard-op': (v) => `Keep the argument of ${v.op} inside its domain`,
  'check-data': () => 'Check the input data for NaN/Inf before training',
  'loss-from-logits': () => 'Compute the loss from the logits (crossEntropy, binaryCrossEntropyWithLogits) instead of the log of a probability',
};

const R = (f: RawFinding) => remedies(f, TEXTS);

/** Where common ops stop being finite, forward and backward. */
const DOMAIN: Record<string, { forward: string; backward: string }> = {
  log: { forward: 'log is NaN below 0 and −∞ at 0', backward: 'the derivative of log, 1/x, is infinite at 0' },
  sqrt: { forward: '√ is NaN below 0', backward: 'the derivative of √, 1/(2√x), is infinite at 0' },
  rsqrt: { forward: '1/√x is NaN below 0 and ∞ at 0', backward: 'the derivative of 1/√x is infinite at 0' },
  pow: { forward: 'a negative number to a fractional power is NaN, 0 to a negative power is ∞', backward: 'the derivative of x^p with p < 1 is infinite at 0' },
  div: { forward: 'division by 0 gives ±∞, and 0/0 is NaN', backward: 'the derivative of a/b, −a/b², is infinite at b = 0' },
  reciprocal: { forward: '1/0 is ∞', backward: 'the derivative of 1/x, −1/x², is infinite at 0' },
  exp: { forward: 'exp overflows float32 above ≈ 88.7', backward: 'exp of a large number overflows float32' },
};

const lrNote = (f: RawFinding): string =>
  str(f, 'cause') === 'learning-rate' ? ' It was not there at initialization: it appeared under updates that are too large for the weights (see the learning-rate finding), which is the cause to fix first.' : '';

export const en: Explainer = {
  'vanishing-gradients': (f) => ({
    message: `Vanishing gradients: the gradient at ${at(f, 0)} is ${fmt(num(f, 'ratio'))}× the one at ${at(f, 1)}.`,
    explanation:
      `${JAC} Here the gradient norm shrinks by a median factor of ${fmt(num(f, 'perLayerFactor'))} per layer; over ` +
      `${fmt(num(f, 'depth'))} layers that compounds to ${fmt(num(f, 'ratio'))}. The first layers barely learn: their updates are ` +
      `that much smaller than the last layers'.` +
      (str(f, 'activation') === 'sigmoid' ? ' The derivative of sigmoid is at most ¼, so no initialization keeps the factor at 1 through sigmoid layers.' : '') +
      lrNote(f),
    remedies: R(f),
  }),

  'exploding-gradients': (f) => {
    const kind = str(f, 'kind');
    const message =
      kind === 'non-finite'
        ? `Exploding gradients: non-finite gradients at step ${f.step}${f.layers.length ? ` (first seen at ${at(f, 0)})` : ''}.`
        : kind === 'growth'
          ? `Exploding gradients: the gradient norm grew ${fmt(num(f, 'growth'))}× (to ${fmt(num(f, 'gradNorm'))}) by step ${f.step}${f.layers.length ? `, in ${all(f)}` : ''}.`
          : `Exploding gradients: the gradient at ${at(f, 0)} is ${fmt(num(f, 'ratio'))}× the one at ${at(f, 1)}.`;
    const why =
      kind === 'depth'
        ? `Here the gradient norm grows by a median factor of ${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'ratio'))}× over ${fmt(num(f, 'depth'))} layers.`
        : 'Large gradients make large steps, which make larger activations and larger gradients: once float32 overflows, NaN spreads through every weight.';
    const clipNote = str(f, 'clipped') === 'yes' ? ' Gradient clipping is already active in this run: it keeps the steps bounded, but the cause is still there.' : '';
    return { message, explanation: `${JAC} ${why}${clipNote}${lrNote(f)}`, remedies: R(f) };
  },

  'exploding-through-time': (f) => ({
    message:
      str(f, 'measure') === 'output'
        ? `Exploding through time in ${at(f, 0)}: its output grows ×${fmt(num(f, 'perStepFactor'))} per time step (×${fmt(num(f, 'ratio'))} over ${fmt(num(f, 'timeSteps'))} steps).`
        : `Exploding gradients through time in ${at(f, 0)}: ${str(f, 'measure') === 'jacobian' ? '‖∂h_T/∂h_t‖' : '‖∂L/∂h_t‖'} grows ${fmt(num(f, 'ratio'))}× from the last time step back to the first${Number.isFinite(num(f, 'spectralRadius')) ? ` (recurrent spectral radius ${fmt(num(f, 'spectralRadius'))})` : ''}.`,
    explanation:
      'An unrolled recurrent network is a deep network whose layers share one matrix: going back one time step multiplies the gradient by ' +
      'W_hhᵀ·diag(f′). With a spectral radius above 1 that product grows geometrically with the number of steps, and the early steps get ' +
      'gradients that swamp everything else.' +
      (str(f, 'measure') === 'output' ? ' The forward pass shows it too: the same matrix multiplies the hidden state at every step, and it grows.' : '') +
      (str(f, 'clipped') === 'yes' ? ' Gradient clipping is already active: it bounds the steps, but the recurrent matrix is still the cause.' : ''),
    remedies: R(f),
  }),

  'vanishing-through-time': (f) => ({
    message: `Vanishing gradients through time in ${at(f, 0)}: ${str(f, 'measure') === 'jacobian' ? '‖∂h_T/∂h_t‖' : '‖∂L/∂h_t‖'} at the first time step is ${fmt(num(f, 'ratio'))}× the one at the last${Number.isFinite(num(f, 'spectralRadius')) ? ` (recurrent spectral radius ${fmt(num(f, 'spectralRadius'))})` : ''}.`,
    explanation:
      (str(f, 'gated') === 'yes'
        ? 'A gated layer carries its state through time multiplied by a gate at every step (LSTM: c_t = f_t⊙c_{t−1} + i_t⊙g_t; GRU: ' +
          'h_t = z_t⊙h_{t−1} + (1 − z_t)⊙n_t). With the gate biases at 0, as PyTorch initializes them, that gate sits near ½ and halves what is ' +
          `carried at every step (here ×${fmt(num(f, 'perStepFactor'))} per step)`
        : 'Going back one time step multiplies the gradient by W_hhᵀ·diag(f′). With a spectral radius below 1 (or saturated units) that product ' +
          'shrinks geometrically') +
      ': what happened many steps ago cannot influence learning, so the network cannot learn long dependencies.',
    remedies: R(f),
  }),

  saturation: (f) => {
    const act = str(f, 'activation') === 'sigmoid' ? 'sigmoid' : 'tanh';
    return {
      message: `Saturated ${act} units: up to ${fmt(100 * num(f, 'worstShare'))} % of the outputs of ${all(f)} sit on the flat parts.`,
      explanation:
        `${JAC} The Jacobian of ${act} is diagonal with entries ${act === 'tanh' ? '1 − y²' : 'y(1 − y)'}, which are nearly 0 where the ` +
        `output is close to ${act === 'tanh' ? '±1' : '0 or 1'}. Pre-activations that are too large (weights too large for the fan-in, or ` +
        'inputs far from unit scale) push units there, and the gradient through them is multiplied by almost nothing.' +
        lrNote(f),
      remedies: R(f),
    };
  },

  'dead-units': (f) => ({
    message: `Dead ReLU units: up to ${fmt(100 * num(f, 'worstShare'))} % of the units of ${all(f)} output 0 for the whole batch.`,
    explanation:
      `${JAC} For ReLU the Jacobian is diagonal with entries 0 or 1; a unit whose pre-activation is negative for every input passes no ` +
      'gradient, so its weights never change and it stays dead. Large negative biases and large learning rates kill units.' +
      (num(f, 'preActivationMean') < -num(f, 'preActivationStd')
        ? ` Here the pre-activations average ${fmt(num(f, 'preActivationMean'))} with a spread of ${fmt(num(f, 'preActivationStd'))}: they are pushed below zero as a whole.`
        : '') +
      lrNote(f),
    remedies: R(f),
  }),

  'activation-collapse': (f) => ({
    message: `Activations collapse with depth: the signal's mean square shrinks ×${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'cumulative'))}× from ${at(f, 0)} to ${at(f, 1)} at initialization.`,
    explanation:
      'In the forward pass each layer multiplies the variance of the signal by about fan_in·Var(w)·E[f(z)²]/Var(z). ' +
      (str(f, 'activation') === 'relu'
        ? 'With ReLU, E[relu(z)²] = Var(z)/2: Xavier init (Var(w) = 1/fan_in) halves the signal at every layer; Kaiming init (2/fan_in) keeps it. '
        : 'Weights that are too small for the fan-in make that factor less than 1. ') +
      'The factor compounds with depth, so deep layers see almost nothing — and the same factors, transposed, shrink the gradients on the way back.',
    remedies: R(f),
  }),

  'activation-explosion': (f) => ({
    message: `Activations explode with depth: the signal's mean square grows ×${fmt(num(f, 'perLayerFactor'))} per layer, ${fmt(num(f, 'cumulative'))}× from ${at(f, 0)} to ${at(f, 1)} at initialization.`,
    explanation:
      'In the forward pass each layer multiplies the variance of the signal by about fan_in·Var(w)·E[f(z)²]/Var(z). Weights that are ' +
      'too large for the fan-in make that factor greater than 1, and it compounds with depth; the backward pass multiplies by the same ' +
      'scales, so gradients explode too.' +
      (num(f, 'dropoutCorrection') > 1 ? ` (Train-mode dropout's 1/(1−p) scaling, ×${fmt(num(f, 'dropoutCorrection'))} in all, is already divided out.)` : ''),
    remedies: R(f),
  }),

  'broken-symmetry': (f) => {
    const units = f.evidence.units as number[];
    const distinct = f.evidence.distinctUnits as number[];
    return {
      message: `Broken symmetry: in ${all(f)} only ${distinct[0]} of ${units[0]} units differ — the others have identical weights.`,
      explanation:
        'Units with the same incoming weights compute the same output and receive the same gradient, so gradient descent updates them ' +
        'identically and they never become different: the layer works like a single unit. A constant (or zero) initialization does this. ' +
        'Random initialization breaks the symmetry.',
      remedies: R(f),
    };
  },

  'update-ratio-high': (f) => ({
    message: `Learning rate too high: each step changes the weights of ${all(f)} by ${fmt(num(f, 'medianRatio'))} of their norm (median ‖Δw‖/‖w‖; around 1e-3 is healthy).`,
    explanation:
      'The update-to-weight ratio ‖Δw‖/‖w‖ says how far one optimizer step moves the weights relative to their size. Far above 1e-3 the ' +
      'steps overshoot: the loss oscillates or diverges, activations drift out of their useful range, ReLU units die and tanh units saturate.',
    remedies: R(f),
  }),

  'update-ratio-low': (f) => ({
    message: `Learning rate too low: each step changes the weights of ${all(f)} by only ${fmt(num(f, 'medianRatio'))} of their norm (median ‖Δw‖/‖w‖; around 1e-3 is healthy).`,
    explanation:
      'The update-to-weight ratio ‖Δw‖/‖w‖ says how far one optimizer step moves the weights relative to their size. Far below 1e-3 the ' +
      'network learns very slowly. The gradients are not starved here (no vanishing, saturation or dead units was found), so the learning rate is the lever.',
    remedies: R(f),
  }),

  'non-finite': (f) => {
    const src = str(f, 'source');
    const op = str(f, 'op');
    const pass = str(f, 'pass') || 'forward';
    const cause = str(f, 'cause');
    // where: a located layer, the model's own forward ('' path), or the loss outside the model
    const mod = str(f, 'module');
    const place = str(f, 'inModel') === 'no' ? 'the loss (outside the model)' : f.layers.length ? (mod === '' ? 'the model’s own forward' : at(f, 0)) : 'the loss';
    const message = op
      ? src === 'gradients'
        ? cause === 'gradient'
          ? `Non-finite gradients at step ${f.step}: the backward pass of '${op}' in ${place} was handed a NaN/Inf gradient (by a gradient hook or the seed of backward()); the forward pass was finite.`
          : `Non-finite gradients at step ${f.step}: the backward rule of '${op}' in ${place} made the first NaN/Inf from a finite gradient; the forward pass was finite.`
        : src === 'input'
          ? `Non-finite input at step ${f.step}: the op '${op}' in ${place} was given data that already held NaN/Inf, in the forward pass.`
          : src === 'weights'
            ? `Non-finite weights at step ${f.step}: the op '${op}' in ${place} read NaN/Inf parameters, in the forward pass.`
            : `Non-finite values at step ${f.step}: the op '${op}' in ${place} made the first NaN/Inf from finite inputs, in the ${pass} pass.`
      : src === 'weights'
        ? `Non-finite weights at step ${f.step} in ${place}: NaN/Inf got into the parameters.`
        : src === 'input'
          ? `Non-finite values at step ${f.step}: the input of ${place} already holds NaN/Inf.`
          : src === 'activations'
            ? `Non-finite values at step ${f.step}: they first appear in the output of ${place}.`
            : src === 'gradients'
              ? `Non-finite gradients at step ${f.step}${f.layers.length ? `, first met at ${at(f, 0)} going backward` : ''}; the forward pass and the loss were finite.`
              : `Non-finite loss at step ${f.step} (${fmt(num(f, 'loss'))}).`;
    const domain = DOMAIN[op];
    const why =
      str(f, 'trigger') === 'learning-rate'
        ? ': here the updates were already far too large before it (see the learning-rate finding), so the numbers overflowed.'
        : src === 'input'
          ? ': here it came in with the data, before any op of the model ran on it.'
          : src === 'gradients'
            ? cause === 'gradient'
              ? ': here the gradient arrived non-finite at that op, from code outside the backward rules (a hook that returned NaN/Inf, or backward(gradient) given one).'
              : `: here the forward pass was finite and the backward pass made it — a derivative that is infinite where it was evaluated${domain ? ` (${domain.backward})` : ' (√ at 0, log at 0, division by 0)'}.`
            : domain
              ? `: here '${op}' was evaluated outside its domain — ${domain.forward}.`
              : ': an op outside its domain (log or √ of a negative number, division by 0), an overflow (exp of a large number), or bad input data.';
    return {
      message,
      explanation:
        'Once a NaN or Inf appears, every operation that touches it spreads it: forward to the loss, backward to every gradient, and through ' +
        `the optimizer into every weight. The first place it shows is where to look${why}`,
      remedies: R(f),
    };
  },
};


