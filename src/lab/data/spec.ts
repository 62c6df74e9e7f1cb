import type { TensorDataset } from './dataset.js';
import type { SequenceTask } from './synthetic/sequence.js';

/**
 * What data an experiment uses. Every field but `name` is optional; the defaults are in
 * `DATA_DEFAULTS`. Synthetic sets take `n` training samples and `test` held-out samples drawn
 * from the same distribution (same teacher, same blob centres); image sets take the first
 * `train` / `test` samples of their files (all when absent).
 */
export type DataSpec =
  | { name: 'gaussian'; n?: number; test?: number; features?: number; classes?: number; std?: number; labels?: 'teacher' | 'random' }
  | { name: 'spirals' | 'moons'; n?: number; test?: number; noise?: number; classes?: number }
  | { name: 'blobs'; n?: number; test?: number; noise?: number; classes?: number; features?: number }
  | { name: 'sequence'; n?: number; test?: number; length?: number; task?: SequenceTask }
  | { name: 'mnist' | 'fashion-mnist'; train?: number; test?: number };

export type DataName = DataSpec['name'];

export interface LabData {
  name: string;
  /** [x, y] */
  train: TensorDataset;
  test: TensorDataset | null;
  /** Shape of one sample as the model sees it: [784] for images (flat, for an MLP), [length, 2] for sequences. */
  inputShape: number[];
  /** Images only: [channels, height, width] = [1, 28, 28], to view x as [N, 1, 28, 28] for a CNN. */
  imageShape?: [number, number, number];
  /** Number of classes; null for regression (target float [N, 1]). */
  numClasses: number | null;
  /** Where it came from: a file path, or 'synthetic (seed s)'. */
  source: string;
}

/** Defaults per data set; `test` of synthetic sets defaults to a quarter of n (rounded). */
export const DATA_DEFAULTS = {
  gaussian: { n: 1000, features: 100, classes: 10, std: 1, labels: 'teacher' },
  spirals: { n: 1000, classes: 2, noise: 0.05 },
  moons: { n: 1000, classes: 2, noise: 0.1 },
  blobs: { n: 1000, classes: 3, noise: 1, features: 2 },
  sequence: { n: 1000, length: 50, task: 'adding' },
  mnist: {},
  'fashion-mnist': {},
} as const;

/** The keys each data set accepts (besides `name`). */
export const DATA_KEYS: Record<DataName, readonly string[]> = {
  gaussian: ['n', 'test', 'features', 'classes', 'std', 'labels'],
  spirals: ['n', 'test', 'noise', 'classes'],
  moons: ['n', 'test', 'noise', 'classes'],
  blobs: ['n', 'test', 'noise', 'classes', 'features'],
  sequence: ['n', 'test', 'length', 'task'],
  mnist: ['train', 'test'],
  'fashion-mnist': ['train', 'test'],
};

export const DATA_NAMES = Object.keys(DATA_KEYS) as DataName[];
