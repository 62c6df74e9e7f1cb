import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { Module } from './module.js';
import { checkOptions } from '../tensor/options.js';

/**
 * y = f(x) + shortcut(x): the identity shortcut of He et al. (2015), or `projection(x)` when
 * given (needed when f changes the shape). Gradients reach x through the shortcut unattenuated,
 * which is what lets very deep nets train.
 */
export class Residual extends Module {
  static override readonly typeName = 'Residual';
  fn: Module;
  projection: Module | null;
  constructor(fn: Module, opts: { projection?: Module | null } = {}) {
    super();
    opts = checkOptions('Residual', opts, ['projection']);
    if (!(fn instanceof Module)) throw new ValueError('Residual', `fn must be a Module, got ${typeof fn}`);
    if (opts.projection != null && !(opts.projection instanceof Module))
      throw new ValueError('Residual', `projection must be a Module, got ${typeof opts.projection}`);
    this.fn = fn;
    this.projection = opts.projection ?? null;
  }
  forward(x: Tensor): Tensor {
    const fx = this.fn.forward(x) as Tensor;
    const sc = this.projection ? (this.projection.forward(x) as Tensor) : x;
    if (!shapesEqual(fx.shape, sc.shape))
      throw new ShapeError(
        'Residual',
        this.projection
          ? `the branch output ${fmtShape(fx.shape)} and the projected shortcut ${fmtShape(sc.shape)} differ; make the projection map ${fmtShape(x.shape)} to ${fmtShape(fx.shape)}`
          : `the branch maps ${fmtShape(x.shape)} to ${fmtShape(fx.shape)}, so x cannot be added to it; ` +
              `pass { projection } (e.g. a Linear or 1×1 Conv2d from ${x.shape[1]} to ${fx.shape[1]} features) or keep the shape unchanged`,
      );
    return add(fx, sc);
  }
}
