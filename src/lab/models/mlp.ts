/**
 * The lab's MLP: nn.mlp (Linear → [norm] → activation → [dropout] per hidden layer, residual
 * blocks where the width is unchanged, a final Linear) for norm none / batch / layer; the same
 * layout built here for 'group', which nn.mlp does not offer. A Flatten goes first when a
 * sample has more than one dim (a sequence fed to an MLP).
 */
import { Dropout } from '../../nn/layers/dropout.js';
import { Linear } from '../../nn/layers/linear.js';
import { Sequential } from '../../nn/layers/container.js';
import { mlp } from '../../nn/mlp.js';
import type { Module } from '../../nn/module.js';
import { Residual } from '../../nn/residual.js';
import type { ModelSpec } from '../spec/schema.js';
import { ACTIVATION_MODULES, flattenIfNeeded, norm1d, prod } from './parts.js';

export function buildMlp(m: ModelSpec, inputShape: readonly number[], outFeatures: number): Sequential {
  const inFeatures = prod(inputShape);
  const hidden = new Array<number>(m.depth).fill(m.width);
  let net: Sequential;
  if (m.norm === 'none' || m.norm === 'batch' || m.norm === 'layer') {
    net = mlp({ inFeatures, hidden, outFeatures, activation: m.activation, norm: m.norm, residual: m.residual, dropout: m.dropout });
  } else {
    net = new Sequential();
    let prev = inFeatures;
    for (const h of hidden) {
      const block: Module[] = [new Linear(prev, h)];
      const n = norm1d(m, h);
      if (n) block.push(n);
      block.push(ACTIVATION_MODULES[m.activation]());
      if (m.dropout > 0) block.push(new Dropout(m.dropout));
      if (m.residual && h === prev) net.append(new Residual(new Sequential(...block)));
      else for (const b of block) net.append(b);
      prev = h;
    }
    net.append(new Linear(prev, outFeatures));
  }
  const flat = flattenIfNeeded(inputShape);
  return flat ? new Sequential(flat, ...net.children()) : net;
}
