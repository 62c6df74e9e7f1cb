/**
 * Node's DataSource: data files from folders, in this order —
 *
 * 1. `dataDir` (the CLI's `--data-dir`), as `<dataDir>/<set>/<file>` or flat `<dataDir>/<file>`;
 * 2. the package's shipped `data/` folder (`<package>/data/<set>/<file>`), found relative to this
 *    module, which sits three folders below the package root both as src/lab/node/*.ts (tsx, tests)
 *    and as dist/lab/node/*.js (the installed package);
 * 3. Debian's dataset folder `/usr/share/datasets/<set>/<file>` (`apt-get install
 *    dataset-fashion-mnist` puts the full Fashion-MNIST there).
 *
 * In each folder a file is taken gzipped (`<file>.gz`) or plain (`<file>`), and also under the
 * dotted name some copies of MNIST use (`train-images.idx3-ubyte`). The first folder that has the
 * file wins, so a `--data-dir` always takes precedence over the shipped subset.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataFile, DataSource } from '../data/source.js';

/** The shipped data/ folder of this package. */
export const SHIPPED_DATA_DIR = fileURLToPath(new URL('../../../data', import.meta.url));

/** Where Debian's dataset-* packages install their files. */
export const DEBIAN_DATA_DIR = '/usr/share/datasets';

export interface NodeDataSourceOptions {
  /** A folder searched before the shipped data (relative paths resolve against the working directory). */
  dataDir?: string;
  /** Search the shipped data/ folder. Default true. */
  shipped?: boolean;
  /** Search Debian's /usr/share/datasets. Default true. */
  debian?: boolean;
}

function variants(name: string): string[] {
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  const out = [`${name}.gz`, name];
  if (dotted !== name) out.push(`${dotted}.gz`, dotted);
  return out;
}

async function tryRead(path: string): Promise<Uint8Array | null> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw e;
  }
}

export function nodeDataSource(opts: NodeDataSourceOptions = {}): DataSource {
  // Each root: the folder and whether a flat layout (files directly inside) is accepted.
  const roots: { dir: string; flat: boolean }[] = [];
  if (opts.dataDir !== undefined) roots.push({ dir: isAbsolute(opts.dataDir) ? opts.dataDir : resolve(opts.dataDir), flat: true });
  if (opts.shipped ?? true) roots.push({ dir: SHIPPED_DATA_DIR, flat: false });
  if (opts.debian ?? true) roots.push({ dir: DEBIAN_DATA_DIR, flat: false });

  const find = async (file: string): Promise<DataFile | null> => {
    const slash = file.lastIndexOf('/');
    const base = file.slice(slash + 1);
    const sub = slash >= 0 ? file.slice(0, slash) : '';
    for (const { dir, flat } of roots) {
      const folders = flat && sub !== '' ? [join(dir, sub), dir] : [join(dir, sub)];
      for (const folder of folders)
        for (const name of variants(base)) {
          const path = join(folder, name);
          const bytes = await tryRead(path);
          if (bytes !== null) return { bytes, path };
        }
    }
    return null;
  };
  return {
    readFile: find,
    read: async (file) => (await find(file))?.bytes ?? null,
    describe: () => roots.map((r) => r.dir).join(', '),
  };
}
