import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/rng.js';
import { add } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { relu } from '../ops/unary.js';
import { Module } from './module.js';
import { kaimingNormal_ } from './init.js';
import { Conv2d } from './layers/conv.js';
import { Linear } from './layers/linear.js';
import { BatchNorm2d } from './layers/normalization.js';
import { Sequential } from './layers/container.js';
import { gatherPlanes } from './layers/pad.js';
import { pyBool } from './layers/repr.js';
import { checkOptions, optionKeys } from '../tensor/options.js';

/**
 * He et al.'s CIFAR option A shortcut: subsample x[:, :, ::stride, ::stride] and zero-pad the new
 * channels evenly on both sides. Parameter-free.
 */
export class ShortcutA extends Module {
  static override readonly typeName = 'ShortcutA';
  readonly inPlanes: number;
  readonly planes: number;
  readonly stride: number;
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    if (planes < inPlanes) throw new ValueError('ShortcutA', `option A can only add channels (${inPlanes} → ${planes}); use shortcut 'B'`);
    this.inPlanes = inPlanes;
    this.planes = planes;
    this.stride = stride;
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inPlanes)
      throw new ShapeError('ShortcutA', `expected input [N, ${this.inPlanes}, H, W], got ${fmtShape(x.shape)}`);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const s = this.stride;
    const Ho = Math.ceil(H / s);
    const Wo = Math.ceil(W / s);
    const before = Math.floor((this.planes - C) / 2);
    const map = new Int32Array(this.planes * Ho * Wo).fill(-1);
    for (let c = 0; c < C; c++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) map[((c + before) * Ho + i) * Wo + j] = (c * H + i * s) * W + j * s;
    return gatherPlanes(x, map, N, C * H * W, [N, this.planes, Ho, Wo]);
  }
  override extraRepr(): string {
    return `${this.inPlanes}, ${this.planes}, stride=${this.stride}`;
  }
}

export interface BasicBlockOptions {
  stride?: number;
  /** 'A': strided identity with zero-padded channels (parameter-free); 'B': 1×1 conv + BN. */
  shortcut?: 'A' | 'B';
  /** false drops the shortcut: the "plain" block. */
  residual?: boolean;
  generator?: Generator;
}

/** conv3×3–BN–ReLU–conv3×3–BN, plus the shortcut, then ReLU (He et al. 2015, CIFAR). */
export class BasicBlock extends Module {
  static override readonly typeName = 'BasicBlock';
  static readonly expansion = 1;
  readonly residual: boolean;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  shortcut: Module;
  constructor(inPlanes: number, planes: number, opts: BasicBlockOptions = {}) {
    super();
    opts = checkOptions('BasicBlock', opts, optionKeys<BasicBlockOptions>({ stride: true, shortcut: true, residual: true, generator: true }));
    const stride = opts.stride ?? 1;
    const kind = opts.shortcut ?? 'A';
    if (kind !== 'A' && kind !== 'B') throw new ValueError('BasicBlock', `shortcut must be 'A' or 'B', got '${String(kind)}'`);
    if (!Number.isInteger(stride) || stride < 1) throw new ValueError('BasicBlock', `stride must be a positive integer, got ${stride}`);
    const generator = opts.generator;
    this.residual = opts.residual ?? true;
    this.conv1 = new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false, generator });
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = new Conv2d(planes, planes, 3, { stride: 1, padding: 1, bias: false, generator });
    this.bn2 = new BatchNorm2d(planes);
    const changes = stride !== 1 || inPlanes !== planes;
    // An empty Sequential is the identity (as in the reference implementation), so state-dict keys match.
    this.shortcut = !changes
      ? new Sequential()
      : kind === 'A'
        ? new ShortcutA(inPlanes, planes, stride)
        : new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false, generator }), new BatchNorm2d(planes));
  }
  forward(x: Tensor): Tensor {
    let out = relu(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    if (this.residual) out = add(out, this.shortcut.forward(x) as Tensor);
    return relu(out);
  }
  override extraRepr(): string {
    return this.residual ? '' : `residual=${pyBool(false)}`;
  }
}

export interface CifarResNetOptions {
  numClasses?: number;
  /** false builds the "plain" net of the same depth (no shortcuts). */
  residual?: boolean;
  shortcut?: 'A' | 'B';
  generator?: Generator;
}

/**
 * The CIFAR-10 ResNets of He et al. 2015 §4.2: a 3×3 conv to 16 channels, three stages of n
 * BasicBlocks with 16, 32, 64 channels (stride 2 at the start of stages 2 and 3), global average
 * pooling and a linear classifier: 6n+2 weighted layers. Conv and Linear weights are
 * Kaiming-normal (fan_in), as in the paper. Module names follow the common PyTorch reference
 * implementation (conv1, bn1, layer1..3, linear), so state dicts load from it.
 */
export class CifarResNet extends Module {
  static override readonly typeName = 'CifarResNet';
  readonly depth: number;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  linear: Linear;
  constructor(n: number, opts: CifarResNetOptions = {}) {
    super();
    opts = checkOptions('CifarResNet', opts, optionKeys<CifarResNetOptions>({ numClasses: true, residual: true, shortcut: true, generator: true }));
    if (!Number.isInteger(n) || n < 1) throw new ValueError('CifarResNet', `blocks per stage must be a positive integer, got ${n}`);
    const numClasses = opts.numClasses ?? 10;
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError('CifarResNet', `numClasses must be a positive integer, got ${numClasses}`);
    const generator = opts.generator;
    const block = { residual: opts.residual ?? true, shortcut: opts.shortcut ?? 'A', generator } as const;
    this.depth = 6 * n + 2;
    this.conv1 = new Conv2d(3, 16, 3, { stride: 1, padding: 1, bias: false, generator });
    this.bn1 = new BatchNorm2d(16);
    const stage = (inP: number, planes: number, stride: number): Sequential =>
      new Sequential(...Array.from({ length: n }, (_, i) => new BasicBlock(i === 0 ? inP : planes, planes, { ...block, stride: i === 0 ? stride : 1 })));
    this.layer1 = stage(16, 16, 1);
    this.layer2 = stage(16, 32, 2);
    this.layer3 = stage(32, 64, 2);
    this.linear = new Linear(64, numClasses, { generator });
    for (const m of this.modules()) if (m instanceof Conv2d || m instanceof Linear) kaimingNormal_(m.weight, { generator });
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== 3)
      throw new ShapeError('CifarResNet', `expected images [N, 3, H, W], got ${fmtShape(x.shape)}`);
    let out = relu(this.bn1.forward(this.conv1.forward(x)));
    out = this.layer3.forward(this.layer2.forward(this.layer1.forward(out)));
    return this.linear.forward(mean(out, [2, 3]));
  }
}

type Builder = (opts?: Omit<CifarResNetOptions, 'residual'> & { residual?: boolean }) => CifarResNet;
const build = (n: number, residual: boolean): Builder => (opts = {}) =>
  new CifarResNet(n, { residual, ...checkOptions(`${residual ? 'resnet' : 'plain'}${6 * n + 2}`, opts, ['numClasses', 'shortcut', 'generator', 'residual']) });

/** ResNet-20 (n=3, ≈0.27M parameters). */
export const resnet20 = build(3, true);
/** ResNet-32 (n=5). */
export const resnet32 = build(5, true);
/** ResNet-44 (n=7). */
export const resnet44 = build(7, true);
/** ResNet-56 (n=9). */
export const resnet56 = build(9, true);
/** The plain 20-layer counterpart (same layers, no shortcuts). */
export const plain20 = build(3, false);
export const plain32 = build(5, false);
export const plain44 = build(7, false);
export const plain56 = build(9, false);
