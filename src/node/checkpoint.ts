/**
 * Checkpoint files in the safetensors format (Node): `save(model.stateDict(), 'model.safetensors')`
 * and `model.loadStateDict(load('model.safetensors'))`, interchangeable with PyTorch's
 * `safetensors.torch.save_file` / `load_file`. Writes are atomic (./atomic-write.ts). Every error
 * names the file. The format and the dtype conversions are described in ../io/safetensors.ts and
 * ../io/dtypes.ts: tensors are written as F32 except keys ending in `num_batches_tracked` (I64,
 * as PyTorch's BatchNorm expects) and those chosen with `opts.dtypes`.
 */
import type { GradlabError } from '../tensor/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { serialize, type SerializeOptions } from '../io/safetensors.js';
import { writeFileAtomic, writeFileAtomicSync, type AtomicWriteOptions } from './atomic-write.js';
import { checkPath, fileError } from './file-error.js';
import { readCheckpoint, readCheckpointSync } from './read-checkpoint.js';

export interface SaveOptions extends SerializeOptions, AtomicWriteOptions {}

export interface LoadedCheckpoint {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Re-throw `err` as a typed error from `op`, with the path in front of the message. */
function withPath(op: string, path: string, err: unknown): GradlabError {
  return fileError(op, path, err);
}

const pathArg = checkPath;

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

// Large files are read tensor by tensor (./read-checkpoint.ts): one copy in memory, any size.
function readSync(op: string, path: string): LoadedCheckpoint {
  pathArg(op, path);
  try {
    return readCheckpointSync(op, path);
  } catch (err) {
    throw withPath(op, path, err);
  }
}

async function read(op: string, path: string): Promise<LoadedCheckpoint> {
  pathArg(op, path);
  try {
    return await readCheckpoint(op, path);
  } catch (err) {
    throw withPath(op, path, err);
  }
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
