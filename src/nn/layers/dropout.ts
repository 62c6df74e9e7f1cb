import { ValueError } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Generator } from '../../tensor/rng.js';
import { dropout } from '../../ops/dropout.js';
import { Module } from '../module.js';
import { pyBool, pyNum } from './repr.js';
import { checkOptions } from '../../tensor/options.js';

/**
 * Zeroes each element with probability `p` while training and scales the rest by 1/(1−p)
 * (inverted dropout, PyTorch: `nn.Dropout`); the identity after `eval()`.
 */
export class Dropout extends Module {
  static override readonly typeName = 'Dropout';
  readonly p: number;
  /** Generator for the masks (default: the global one). */
  generator: Generator | undefined;
  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    opts = checkOptions('Dropout', opts, ['generator']);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new ValueError('Dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.generator = opts.generator;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, generator: this.generator });
  }
  override extraRepr(): string {
    return `p=${pyNum(this.p)}, inplace=${pyBool(false)}`;
  }
}
