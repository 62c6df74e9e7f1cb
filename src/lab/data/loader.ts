import { ValueError } from '../../tensor/errors.js';
import { defaultGenerator, Generator } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { indexSelect } from '../../ops/indexing-gather.js';
import { checkKeys } from './keys.js';
import { TensorDataset } from './dataset.js';
import { randperm } from './randperm.js';

export interface DataLoaderOptions {
  /** Samples per batch. Default 1. */
  batchSize?: number;
  /** Draw a new random order at the start of every epoch. Default false. */
  shuffle?: boolean;
  /** Drop the last batch when it would be short. Default false. */
  dropLast?: boolean;
  /** Generator for the shuffle order; the global one (`manualSeed`) when absent. */
  generator?: Generator;
}

const KEYS = ['batchSize', 'shuffle', 'dropLast', 'generator'] as const;

/**
 * PyTorch's `DataLoader` over a `TensorDataset`: iterate it once per epoch; each batch is a list
 * holding one tensor per dataset tensor, its rows stacked along dim 0 ([x, y]). Without
 * `dropLast` the last batch is short when the batch size does not divide the dataset.
 *
 * With `shuffle`, every iteration (epoch) draws a fresh permutation from the generator, so a
 * seeded generator makes the whole sequence of epochs reproducible. A batch is gathered with
 * `indexSelect` — one copy of whole rows into one new buffer per tensor, no per-sample tensors —
 * and is the caller's to modify.
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: TensorDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | null;

  constructor(dataset: TensorDataset, opts?: DataLoaderOptions) {
    const o = checkKeys<DataLoaderOptions>('DataLoader', opts, KEYS);
    if (!(dataset instanceof TensorDataset))
      throw new ValueError('DataLoader', 'dataset must be a TensorDataset (new TensorDataset(x, y))');
    const bs = o.batchSize ?? 1;
    if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1)
      throw new ValueError('DataLoader', `batchSize should be a positive integer, got ${String(bs)}`);
    for (const k of ['shuffle', 'dropLast'] as const)
      if (o[k] !== undefined && typeof o[k] !== 'boolean')
        throw new ValueError('DataLoader', `${k} should be true or false, got ${String(o[k])}`);
    if (o.generator !== undefined && !(o.generator instanceof Generator))
      throw new ValueError('DataLoader', 'generator should be a Generator (new Generator(seed))');
    this.dataset = dataset;
    this.batchSize = bs;
    this.shuffle = o.shuffle ?? false;
    this.dropLast = o.dropLast ?? false;
    this.generator = o.generator ?? null;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const order = this.shuffle ? randperm(n, this.generator ?? defaultGenerator) : null;
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const size = Math.min(this.batchSize, n - start);
      const idx = new Float32Array(size);
      for (let i = 0; i < size; i++) idx[i] = order !== null ? order[start + i]! : start + i;
      const index = new Tensor(idx, [size]);
      yield this.dataset.tensors.map((t) => indexSelect(t, 0, index));
    }
  }
}
