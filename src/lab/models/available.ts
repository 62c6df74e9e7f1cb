/**
 * Which recurrent layers this version of nn has. LSTM and GRU are looked up by name so that the
 * lab builds (and says clearly what is missing) whether or not they exist yet.
 */
import * as layers from '../../nn/layers/index.js';
import type { Module } from '../../nn/module.js';
import type { ModelType } from '../spec/schema.js';

type LayerCtor = new (inputSize: number, hiddenSize: number, opts?: Record<string, unknown>) => Module;

export function recurrentLayer(name: 'LSTM' | 'GRU'): LayerCtor | null {
  const c = (layers as unknown as Record<string, unknown>)[name];
  return typeof c === 'function' ? (c as LayerCtor) : null;
}

export function modelAvailable(type: ModelType): boolean {
  if (type === 'lstm') return recurrentLayer('LSTM') !== null;
  if (type === 'gru') return recurrentLayer('GRU') !== null;
  return true;
}
