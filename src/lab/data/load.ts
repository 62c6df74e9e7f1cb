import type { Generator } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { TensorDataset } from './dataset.js';
import { DataError } from './errors.js';
import { IMAGE_CLASSES, loadImageSplit } from './images.js';
import { checkKeys, didYouMean } from './keys.js';
import type { DataSource } from './source.js';
import { DATA_DEFAULTS, DATA_KEYS, DATA_NAMES, type DataName, type DataSpec, type LabData } from './spec.js';
import { intOption, type Synthetic } from './synthetic/common.js';
import { makeBlobs } from './synthetic/blobs.js';
import { makeGaussian } from './synthetic/gaussian.js';
import { makeMoons } from './synthetic/moons.js';
import { makeSequence } from './synthetic/sequence.js';
import { makeSpirals } from './synthetic/spirals.js';

export interface LoadDataContext {
  /** Where image files come from (Node: nodeDataSource()); synthetic sets need none. */
  source?: DataSource;
  /** Draws every synthetic sample; the same seed gives the same data. */
  generator: Generator;
}

/** The first n rows of t and the rest (copies, so each split owns its storage). */
function splitRows(t: Tensor, n: number): [Tensor, Tensor] {
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const total = t.shape[0]!;
  return [
    new Tensor(t.data.slice(0, n * row), [n, ...t.shape.slice(1)]),
    new Tensor(t.data.slice(n * row), [total - n, ...t.shape.slice(1)]),
  ];
}

function synthetic(name: string, s: Synthetic, n: number, test: number, numClasses: number | null, g: Generator): LabData {
  const [xTrain, xTest] = splitRows(s.x, n);
  const [yTrain, yTest] = splitRows(s.y, n);
  return {
    name,
    train: new TensorDataset(xTrain, yTrain),
    test: test > 0 ? new TensorDataset(xTest, yTest) : null,
    inputShape: s.x.shape.slice(1),
    numClasses,
    source: `synthetic (generator seed ${g.initialSeed()})`,
  };
}

/**
 * The data an experiment asks for. Synthetic sets are drawn from `ctx.generator` (n training
 * samples, then `test` more from the same distribution); image sets are read from
 * `ctx.source`. Unknown names and keys, bad values and missing or corrupt files end in a
 * `GradlabError` (DataError, ValueError or FormatError) naming the problem and the fix.
 */
export async function loadData(spec: DataSpec, ctx: LoadDataContext): Promise<LabData> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new DataError('data', `expected a data spec like { name: 'moons' }, got ${String(spec)}`);
  const name = (spec as { name?: unknown }).name;
  if (typeof name !== 'string' || !(DATA_NAMES as string[]).includes(name))
    throw new DataError(
      'data',
      `unknown data set ${JSON.stringify(name)}${typeof name === 'string' ? didYouMean(name, DATA_NAMES) : ''}. Valid names: ${DATA_NAMES.join(', ')}.`,
    );
  const { name: _omit, ...rest } = spec as { name: DataName } & Record<string, unknown>;
  checkKeys(`data '${name}'`, rest, DATA_KEYS[name as DataName], DataError);
  const g = ctx.generator;
  const o = { ...(DATA_DEFAULTS[name as DataName] as Record<string, unknown>), ...rest } as Record<string, never>;

  if (name === 'mnist' || name === 'fashion-mnist') {
    if (ctx.source === undefined)
      throw new DataError(name, 'no data source to read the IDX files from; in Node pass nodeDataSource() from gradlab/node (it finds the shipped files)');
    const train = await loadImageSplit(ctx.source, name, 'train', o.train);
    const test = o.test === 0 ? null : await loadImageSplit(ctx.source, name, 'test', o.test);
    return {
      name,
      train: new TensorDataset(train.x, train.y),
      test: test === null ? null : new TensorDataset(test.x, test.y),
      inputShape: [784],
      imageShape: [1, 28, 28],
      numClasses: IMAGE_CLASSES,
      source: train.path.replace(/[/\\][^/\\]*$/, ''),
    };
  }

  const n = intOption(name, 'n', o.n, 1);
  const test = intOption(name, 'test', (o as { test?: number }).test ?? Math.round(n / 4), 0);
  const total = n + test;
  switch (name) {
    case 'gaussian':
      return synthetic(name, makeGaussian({ n: total, features: o.features, classes: o.classes, std: o.std, labels: o.labels, generator: g }), n, test, o.classes, g);
    case 'spirals':
      return synthetic(name, makeSpirals({ n: total, classes: o.classes, noise: o.noise, generator: g }), n, test, o.classes, g);
    case 'moons':
      if (o.classes !== 2) throw new DataError('moons', `two moons make 2 classes, got classes=${String(o.classes)}; use 'spirals' or 'blobs' for more`);
      return synthetic(name, makeMoons({ n: total, noise: o.noise, generator: g }), n, test, 2, g);
    case 'blobs':
      return synthetic(name, makeBlobs({ n: total, classes: o.classes, features: o.features, std: o.noise, generator: g }), n, test, o.classes, g);
    case 'sequence': {
      const task = o.task as 'adding' | 'adding-class';
      return synthetic(name, makeSequence({ n: total, length: o.length, task, generator: g }), n, test, task === 'adding' ? null : 2, g);
    }
  }
  throw new DataError('data', `unhandled data set ${name}`);
}
