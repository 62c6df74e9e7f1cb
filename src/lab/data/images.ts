/**
 * MNIST-format image sets (MNIST, Fashion-MNIST) from IDX files: 28×28 grey images with labels
 * 0–9, read through a DataSource under their standard names:
 *
 *   <set>/train-images-idx3-ubyte   <set>/train-labels-idx1-ubyte
 *   <set>/t10k-images-idx3-ubyte    <set>/t10k-labels-idx1-ubyte      (each possibly .gz)
 *
 * Images become float32 [N, 784] in [0, 1] (byte/255), labels float32 class indices [N].
 */
import { FormatError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { DataError } from './errors.js';
import { readIdx } from './idx.js';
import { readDataFile, type DataSource } from './source.js';

export type ImageSetName = 'mnist' | 'fashion-mnist';

export interface ImageSplit {
  x: Tensor;
  y: Tensor;
  /** Samples the files hold (x may hold fewer when a count was asked for). */
  available: number;
  /** Path of the images file. */
  path: string;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

export const IMAGE_CLASSES = 10;

async function need(source: DataSource, set: ImageSetName, file: string): Promise<{ bytes: Uint8Array; path: string }> {
  const rel = `${set}/${file}`;
  const got = await readDataFile(source, rel);
  if (got === null)
    throw new DataError(
      set,
      `${rel} (or ${rel}.gz) was not found in ${source.describe()}; pass a folder holding the IDX files with --data-dir ` +
        `(nodeDataSource({ dataDir })), restore the package's data/ folder, or run \`node scripts/make-data.mjs\` in a clone`,
    );
  return got;
}

/**
 * One split (train or test) of an image set, the first `count` samples (all when undefined). The
 * shipped files are ordered so that a prefix is class-balanced.
 */
export async function loadImageSplit(source: DataSource, set: ImageSetName, split: 'train' | 'test', count?: number): Promise<ImageSplit> {
  const [imgName, labName] = FILES[split];
  const imgFile = await need(source, set, imgName);
  const labFile = await need(source, set, labName);
  const img = await readIdx(imgFile.bytes, imgFile.path);
  const lab = await readIdx(labFile.bytes, labFile.path);
  if (img.dims.length !== 3)
    throw new FormatError(`IDX ${imgFile.path}`, `an images file has 3 dimensions [N, rows, cols], this one has shape [${img.dims.join(', ')}]; is it a labels file under an images name?`);
  if (img.dims[1] !== 28 || img.dims[2] !== 28)
    throw new FormatError(`IDX ${imgFile.path}`, `images are ${img.dims[1]}×${img.dims[2]}, ${set} images are 28×28; use the original files`);
  if (lab.dims.length !== 1)
    throw new FormatError(`IDX ${labFile.path}`, `a labels file has 1 dimension [N], this one has shape [${lab.dims.join(', ')}]; is it an images file under a labels name?`);
  const n = img.dims[0]!;
  if (lab.dims[0] !== n)
    throw new FormatError(
      set,
      `${imgFile.path} holds ${n} images but ${labFile.path} holds ${lab.dims[0]} labels; the two files must come from the same split of the same release`,
    );
  for (let i = 0; i < n; i++)
    if (lab.data[i]! >= IMAGE_CLASSES)
      throw new FormatError(`IDX ${labFile.path}`, `label ${lab.data[i]} at position ${i} is not a class 0–9; the file is corrupt or not a ${set} labels file`);
  const take = count ?? n;
  if (!Number.isInteger(take) || take < 0)
    throw new DataError(set, `${split} must be a whole number of samples ≥ 0, got ${String(count)}`);
  if (take > n)
    throw new DataError(
      set,
      `${split}: ${take} samples asked for but ${imgFile.path} holds ${n}; ask for at most ${n}, or point --data-dir at the full ${set} files`,
    );
  const pixels = 28 * 28;
  const x = new Float32Array(take * pixels);
  const src = img.data;
  for (let i = 0; i < x.length; i++) x[i] = src[i]! / 255;
  const y = new Float32Array(take);
  for (let i = 0; i < take; i++) y[i] = lab.data[i]!;
  return { x: new Tensor(x, [take, pixels]), y: new Tensor(y, [take]), available: n, path: imgFile.path };
}
