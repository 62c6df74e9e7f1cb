/**
 * The endless stream of training batches: epoch after epoch of a DataLoader, with a position
 * that a checkpoint can save and restore exactly. A position is the epoch, the batches of it
 * already used, and the data generator's state when the epoch's shuffle was drawn (or its state
 * now, between epochs); restoring re-draws the same order and skips the used batches.
 */
import type { Generator, GeneratorState } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DataLoader } from '../data/loader.js';

export interface StreamPosition {
  epoch: number;
  batchInEpoch: number;
  dataRng: GeneratorState;
}

export class BatchStream {
  epoch = 0;
  batchInEpoch = 0;
  private it: Iterator<Tensor[]> | null = null;
  private epochStart: GeneratorState;
  constructor(private readonly loader: DataLoader, private readonly gen: Generator) {
    this.epochStart = gen.getState();
  }

  next(): Tensor[] {
    if (this.it === null || this.batchInEpoch >= this.loader.length) {
      this.epochStart = this.gen.getState();
      this.it = this.loader[Symbol.iterator]();
      this.epoch++;
      this.batchInEpoch = 0;
    }
    const r = this.it.next();
    this.batchInEpoch++;
    return r.value as Tensor[];
  }

  position(): StreamPosition {
    const between = this.it === null || this.batchInEpoch >= this.loader.length;
    return { epoch: this.epoch, batchInEpoch: this.batchInEpoch, dataRng: between ? this.gen.getState() : this.epochStart };
  }

  restore(p: StreamPosition): void {
    this.gen.setState(p.dataRng);
    this.epoch = p.epoch;
    this.batchInEpoch = p.batchInEpoch;
    if (p.batchInEpoch >= this.loader.length || p.batchInEpoch === 0) {
      this.it = null;
      return;
    }
    this.epochStart = p.dataRng;
    this.it = this.loader[Symbol.iterator]();
    for (let k = 0; k < p.batchInEpoch; k++) this.it.next();
  }
}
