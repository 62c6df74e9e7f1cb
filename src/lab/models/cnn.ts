/**
 * A small conv net for images ([1, 28, 28] and the like): `depth` 3×3 conv layers of `width`
 * channels, each conv → [norm] → activation → [dropout]; two of them stride 2 (28 → 14 → 7) when
 * depth allows, spread evenly; then global average pooling and a Linear classifier. With
 * `residual`, every stride-1 layer is wrapped in x + f(x).
 */
import { Conv2d } from '../../nn/layers/conv.js';
import { Dropout } from '../../nn/layers/dropout.js';
import { Flatten, Linear } from '../../nn/layers/linear.js';
import { AdaptiveAvgPool2d } from '../../nn/layers/pooling.js';
import { Sequential } from '../../nn/layers/container.js';
import type { Module } from '../../nn/module.js';
import { Residual } from '../../nn/residual.js';
import type { ModelSpec } from '../spec/schema.js';
import { ACTIVATION_MODULES, norm2d, toPlanes } from './parts.js';

/** Layers that halve the resolution: at most two, every round(depth/3) layers after the first. */
export function downsampleLayers(depth: number): Set<number> {
  const k = Math.max(1, Math.round(depth / 3));
  const out = new Set<number>();
  for (let i = k; i < depth && out.size < 2; i += k) out.add(i);
  return out;
}

export function buildCnn(m: ModelSpec, inputShape: readonly number[], image: readonly [number, number, number], outFeatures: number): Sequential {
  const net = new Sequential();
  const planes = toPlanes(inputShape, image);
  if (planes) net.append(planes);
  const down = downsampleLayers(m.depth);
  let c = image[0];
  for (let i = 0; i < m.depth; i++) {
    const stride = down.has(i) ? 2 : 1;
    const block: Module[] = [new Conv2d(c, m.width, 3, { stride, padding: 1 })];
    const n = norm2d(m, m.width);
    if (n) block.push(n);
    block.push(ACTIVATION_MODULES[m.activation]());
    if (m.dropout > 0) block.push(new Dropout(m.dropout));
    if (m.residual && stride === 1 && c === m.width) net.append(new Residual(new Sequential(...block)));
    else for (const b of block) net.append(b);
    c = m.width;
  }
  net.append(new AdaptiveAvgPool2d(1));
  net.append(new Flatten());
  net.append(new Linear(c, outFeatures));
  return net;
}
