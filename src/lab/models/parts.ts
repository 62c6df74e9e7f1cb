/**
 * Pieces shared by the lab's model builders: activations by name, normalization layers by name
 * (for feature vectors and for image planes), and the input adapter that views a data set's
 * samples the way a model wants them.
 */
import { ELU, GELU, LeakyReLU, ReLU, SELU, SiLU, Sigmoid, Tanh } from '../../nn/layers/activation.js';
import { Flatten, Identity, Unflatten } from '../../nn/layers/linear.js';
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm } from '../../nn/layers/normalization.js';
import type { Module } from '../../nn/module.js';
import type { ActivationName, ModelSpec } from '../spec/schema.js';

export const ACTIVATION_MODULES: Record<ActivationName, () => Module> = {
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  relu: () => new ReLU(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  gelu: () => new GELU(),
  selu: () => new SELU(),
  silu: () => new SiLU(),
  identity: () => new Identity(),
};

/**
 * A normalization layer over `features` features of [N, F] inputs: BatchNorm1d, LayerNorm, or
 * GroupNorm (which PyTorch applies to [N, C] as well). null for 'none'.
 */
export function norm1d(m: ModelSpec, features: number): Module | null {
  switch (m.norm) {
    case 'batch':
      return new BatchNorm1d(features);
    case 'layer':
      return new LayerNorm(features);
    case 'group':
      return new GroupNorm(m.groups, features);
    default:
      return null;
  }
}

/**
 * A normalization layer over the channels of [N, C, H, W] planes. 'layer' is GroupNorm with one
 * group — LayerNorm over (C, H, W) with a per-channel affine, the form used for conv nets (Wu & He
 * 2018) — and 'instance' is InstanceNorm2d with PyTorch's defaults (no affine, no running stats).
 */
export function norm2d(m: ModelSpec, channels: number): Module | null {
  switch (m.norm) {
    case 'batch':
      return new BatchNorm2d(channels);
    case 'layer':
      return new GroupNorm(1, channels);
    case 'instance':
      return new InstanceNorm2d(channels);
    case 'group':
      return new GroupNorm(m.groups, channels);
    default:
      return null;
  }
}

/** Flatten [N, ...] to [N, F] when a sample has more than one dim (an mlp on sequences). */
export function flattenIfNeeded(inputShape: readonly number[]): Module | null {
  return inputShape.length > 1 ? new Flatten() : null;
}

/** View flat image rows [N, C·H·W] as planes [N, C, H, W]. */
export function toPlanes(inputShape: readonly number[], image: readonly [number, number, number]): Module | null {
  return inputShape.length === 3 ? null : new Unflatten(1, [...image]);
}

export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
