import { ValueError, fmtShape } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The nonlinearities `calculateGain` knows, in PyTorch's spelling (camelCase spellings are accepted too). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

/** `leakyRelu` → `leaky_relu`, `fanIn` → `fan_in`; snake_case passes through. */
export function snakeCase(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const LINEAR = new Set([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
]);

/**
 * The recommended gain for a nonlinearity (PyTorch: `nn.init.calculate_gain`): 1 for linear,
 * conv and sigmoid; 5/3 for tanh; √2 for relu; √(2 / (1 + slope²)) for leaky_relu (slope
 * `param`, default 0.01); 3/4 for selu. `param` is used only by leaky_relu.
 */
export function calculateGain(nonlinearity: Nonlinearity | string, param?: number | null): number {
  const name = snakeCase(String(nonlinearity));
  if (LINEAR.has(name)) return 1;
  switch (name) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      let slope = 0.01;
      if (param !== undefined && param !== null) {
        if (typeof param !== 'number' || !Number.isFinite(param))
          throw new ValueError(
            'calculateGain',
            `negative_slope ${String(param)} is not a valid number; pass the LeakyReLU slope as a finite number (default 0.01)`,
          );
        slope = param;
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(
        'calculateGain',
        `unsupported nonlinearity '${String(nonlinearity)}'; use one of linear, conv1d, conv2d, conv3d, ` +
          'conv_transpose1d/2d/3d, sigmoid, tanh, relu, leaky_relu, selu',
      );
  }
}

/**
 * Fan-in and fan-out of a weight (PyTorch: `_calculate_fan_in_and_fan_out`): for a weight of
 * shape [out, in, ...kernel], fanIn = in·∏kernel and fanOut = out·∏kernel.
 */
export function calculateFanInAndFanOut(t: Tensor | { shape: readonly number[] }): { fanIn: number; fanOut: number } {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape)) throw new ValueError('calculateFanInAndFanOut', `expects a Tensor, got ${t === null ? 'null' : typeof t}`);
  const shape = t.shape;
  if (shape.length < 2)
    throw new ValueError(
      'calculateFanInAndFanOut',
      `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(shape)}); ` +
        'these initializers are meant for weights of shape [out, in, ...kernel]',
    );
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

/** The fan that `mode` selects (PyTorch: `_calculate_correct_fan`). */
export function calculateCorrectFan(t: Tensor | { shape: readonly number[] }, mode: FanMode | string, op = 'calculateCorrectFan'): number {
  const m = snakeCase(String(mode));
  if (m !== 'fan_in' && m !== 'fan_out')
    throw new ValueError(op, `mode '${String(mode)}' not supported; use one of 'fan_in' ('fanIn') or 'fan_out' ('fanOut')`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return m === 'fan_in' ? fanIn : fanOut;
}
