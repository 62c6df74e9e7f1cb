/**
 * ResNet / plain twins for small images, after He et al. 2015 §4.2 (the CIFAR nets of
 * nn.resnet20 / nn.plain20), generalised to any input channels and to the spec's norm and
 * activation: a 3×3 stem conv to `width` channels, three stages of n blocks with width, 2·width,
 * 4·width channels (stride 2 at the start of stages 2 and 3: 28 → 14 → 7), global average
 * pooling and a Linear: 6n+2 weighted layers. A block is conv–norm–act–conv–norm, plus the
 * option-A shortcut (strided identity, zero-padded channels), then act; 'plain' drops the
 * shortcut and is otherwise identical (same parameters, same init draws).
 */
import { Conv2d } from '../../nn/layers/conv.js';
import { Flatten, Linear } from '../../nn/layers/linear.js';
import { AdaptiveAvgPool2d } from '../../nn/layers/pooling.js';
import { Sequential } from '../../nn/layers/container.js';
import { Module } from '../../nn/module.js';
import { ShortcutA } from '../../nn/resnet.js';
import { add } from '../../ops/binary.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ModelSpec } from '../spec/schema.js';
import { ACTIVATION_MODULES, norm2d, toPlanes } from './parts.js';

const conv3 = (cin: number, cout: number, stride: number, bias: boolean): Conv2d => new Conv2d(cin, cout, 3, { stride, padding: 1, bias });

/** A basic residual block with the spec's norm and activation (`residual: false`: the plain block). */
export class LabBlock extends Module {
  readonly residual: boolean;
  conv1: Conv2d;
  norm1: Module | null;
  act1: Module;
  conv2: Conv2d;
  norm2: Module | null;
  shortcut: Module | null;
  act2: Module;
  constructor(m: ModelSpec, cin: number, cout: number, stride: number, residual: boolean) {
    super();
    const bias = m.norm === 'none';
    this.residual = residual;
    this.conv1 = conv3(cin, cout, stride, bias);
    this.norm1 = norm2d(m, cout);
    this.act1 = ACTIVATION_MODULES[m.activation]();
    this.conv2 = conv3(cout, cout, 1, bias);
    this.norm2 = norm2d(m, cout);
    this.shortcut = residual && (stride !== 1 || cin !== cout) ? new ShortcutA(cin, cout, stride) : null;
    this.act2 = ACTIVATION_MODULES[m.activation]();
  }
  forward(x: Tensor): Tensor {
    let out = this.conv1.forward(x) as Tensor;
    if (this.norm1) out = this.norm1.forward(out) as Tensor;
    out = this.act1.forward(out) as Tensor;
    out = this.conv2.forward(out) as Tensor;
    if (this.norm2) out = this.norm2.forward(out) as Tensor;
    if (this.residual) out = add(out, this.shortcut ? (this.shortcut.forward(x) as Tensor) : x);
    return this.act2.forward(out) as Tensor;
  }
}

export function buildResnet(m: ModelSpec, inputShape: readonly number[], image: readonly [number, number, number], outFeatures: number, residual: boolean): Sequential {
  const n = (m.depth - 2) / 6;
  const net = new Sequential();
  const planes = toPlanes(inputShape, image);
  if (planes) net.append(planes);
  const w = m.width;
  net.append(conv3(image[0], w, 1, m.norm === 'none'));
  const stemNorm = norm2d(m, w);
  if (stemNorm) net.append(stemNorm);
  net.append(ACTIVATION_MODULES[m.activation]());
  let cin = w;
  [w, 2 * w, 4 * w].forEach((planesOut, s) => {
    for (let i = 0; i < n; i++) {
      net.append(new LabBlock(m, cin, planesOut, i === 0 && s > 0 ? 2 : 1, residual));
      cin = planesOut;
    }
  });
  net.append(new AdaptiveAvgPool2d(1));
  net.append(new Flatten());
  net.append(new Linear(cin, outFeatures));
  return net;
}
