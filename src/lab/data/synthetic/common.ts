import { ValueError } from '../../../tensor/errors.js';
import type { Generator } from '../../../tensor/rng.js';
import { Tensor } from '../../../tensor/tensor.js';
import { randperm } from '../randperm.js';

/** A synthetic set: inputs x [N, …] and targets y ([N] class indices, or [N, 1] for regression). */
export interface Synthetic {
  x: Tensor;
  y: Tensor;
}

/** A positive (or ≥ min) integer option, or a ValueError naming it. */
export function intOption(op: string, name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new ValueError(op, `${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/** A finite number ≥ 0, or a ValueError naming it. */
export function nonNegOption(op: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValueError(op, `${name} must be a finite number ≥ 0, got ${String(value)}`);
  return value;
}

/**
 * Rows of x (width `dx`) and y (width `dy`) in a random order drawn from the generator (scikit-
 * learn's `shuffle=True`): generators that write samples class by class would otherwise hand
 * the loader, and any train/test split, sorted classes.
 */
export function shuffleRows(x: Float32Array, dx: number, y: Float32Array, dy: number, g: Generator): void {
  const n = y.length / dy;
  const p = randperm(n, g);
  const x0 = x.slice();
  const y0 = y.slice();
  for (let i = 0; i < n; i++) {
    const k = p[i]!;
    x.set(x0.subarray(k * dx, (k + 1) * dx), i * dx);
    y.set(y0.subarray(k * dy, (k + 1) * dy), i * dy);
  }
}
