/**
 * Checkpoint files in the safetensors format (Node): `save(model.stateDict(), 'model.safetensors')`
 * and `model.loadStateDict(load('model.safetensors'))`, interchangeable with PyTorch's
 * `safetensors.torch.save_file` / `load_file`. Writes are atomic (./atomic-write.ts). Every error
 * names the file. The format and the dtype conversions are described in ../io/safetensors.ts and
 * ../io/dtypes.ts: tensors are written as F32 except keys ending in `num_batches_tracked` (I64,
 * as PyTorch's BatchNorm expects) and those chosen with `opts.dtypes`.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { GradlabError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { deserialize, serialize, type SerializeOptions } from '../io/safetensors.js';
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteOptions } from './atomic-write.js';

export interface SaveOptions extends SerializeOptions, AtomicWriteOptions {}

export interface LoadedCheckpoint {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Re-throw `err` as the same kind of error, from `op`, with the path in front of the message. */
function withPath(op: string, path: string, err: unknown): Error {
  if (err instanceof GradlabError) {
    const Kind = err.constructor as new (op: string, message: string) => GradlabError;
    const e = new Kind(op, `${path}: ${err.message.slice(err.op.length + 2)}`);
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  const code = (err as { code?: string } | null)?.code;
  const why = code === 'ENOENT' ? 'no such file or directory; check the path' : code === 'EISDIR' ? 'is a directory, not a file' : String((err as Error)?.message ?? err);
  const e = new GradlabError(op, `${path}: ${why}`);
  (e as { cause?: unknown; code?: string }).cause = err;
  if (code) (e as { code?: string }).code = code;
  return e;
}

function pathArg(op: string, path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}`);
  return path;
}

function encode(op: string, path: string, stateDict: Record<string, Tensor>, opts: SaveOptions): Uint8Array {
  try {
    return serialize(stateDict, { dtypes: opts.dtypes, metadata: opts.metadata });
  } catch (err) {
    throw withPath(op, path, err);
  }
}

/** Write `stateDict` to `path` as a safetensors file, atomically. */
export function save(stateDict: Record<string, Tensor>, path: string, opts: SaveOptions = {}): void {
  pathArg('save', path);
  const bytes = encode('save', path, stateDict, opts);
  try {
    writeFileAtomicSync(path, bytes, { mode: opts.mode, fsync: opts.fsync });
  } catch (err) {
    throw withPath('save', path, err);
  }
}

/** `save` without blocking the event loop. */
export async function saveAsync(stateDict: Record<string, Tensor>, path: string, opts: SaveOptions = {}): Promise<void> {
  pathArg('saveAsync', path);
  const bytes = encode('saveAsync', path, stateDict, opts);
  try {
    await writeFileAtomic(path, bytes, { mode: opts.mode, fsync: opts.fsync });
  } catch (err) {
    throw withPath('saveAsync', path, err);
  }
}

function decode(op: string, path: string, bytes: Uint8Array): LoadedCheckpoint {
  try {
    return deserialize(bytes);
  } catch (err) {
    throw withPath(op, path, err);
  }
}

function readSync(op: string, path: string): LoadedCheckpoint {
  pathArg(op, path);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    throw withPath(op, path, err);
  }
  return decode(op, path, bytes);
}

async function read(op: string, path: string): Promise<LoadedCheckpoint> {
  pathArg(op, path);
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(path);
  } catch (err) {
    throw withPath(op, path, err);
  }
  return decode(op, path, bytes);
}

/** Tensors and `__metadata__` of the safetensors file at `path`. */
export function loadWithMetadata(path: string): LoadedCheckpoint {
  return readSync('loadWithMetadata', path);
}

/** The tensors of the safetensors file at `path`, as float32 (ready for `loadStateDict`). */
export function load(path: string): Record<string, Tensor> {
  return readSync('load', path).tensors;
}

/** `loadWithMetadata` without blocking the event loop. */
export function loadWithMetadataAsync(path: string): Promise<LoadedCheckpoint> {
  return read('loadWithMetadataAsync', path);
}

/** `load` without blocking the event loop. */
export async function loadAsync(path: string): Promise<Record<string, Tensor>> {
  return (await read('loadAsync', path)).tensors;
}
