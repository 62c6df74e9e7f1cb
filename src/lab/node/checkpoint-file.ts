/**
 * A run checkpoint as one safetensors file (Node): the model's tensors under `model.`, the
 * optimizer's state tensors under `optimizer.<param>.<name>`, and everything else — optimizer
 * groups, schedule, generators, loader position, probe position, metrics — as JSON in the
 * `__metadata__` entry `gradlab.checkpoint`. The record lines are not duplicated: the file keeps
 * how many lines of run.jsonl the checkpoint covers and a hash of them, and resume checks it.
 * Written atomically, so a crash leaves the previous checkpoint or the new one, never half.
 */
import { GradlabError, FormatError } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { OptimizerStateDict, ParamState } from '../../optim/optimizer.js';
import { loadWithMetadata, save } from '../../node/checkpoint.js';
import type { RunCheckpoint } from '../runner/types.js';

const KEY = 'gradlab.checkpoint';

/** FNV-1a (32-bit) of a text, as hex: enough to see that run.jsonl is the one a checkpoint belongs to. */
export function textHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** JSON with non-finite numbers kept (as { "$num": "NaN" }). */
function encodeJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? { $num: String(x) } : x));
}
function decodeJson(s: string): any {
  return JSON.parse(s, (_k, x) => (x !== null && typeof x === 'object' && typeof x.$num === 'string' && Object.keys(x).length === 1 ? Number(x.$num) : x));
}

export interface CheckpointFileInfo {
  /** Lines of run.jsonl the checkpoint covers, and their hash. */
  recordLines: number;
  recordHash: string;
}

/** Write `cp` to `path` atomically. */
export function saveRunCheckpoint(cp: RunCheckpoint, path: string): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(cp.model)) tensors[`model.${k}`] = t;
  const state: Record<string, Record<string, unknown>> = {};
  for (const [id, st] of Object.entries(cp.optimizer.state)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st)) {
      if (v instanceof Tensor) {
        const name = `optimizer.${id}.${k}`;
        tensors[name] = v;
        out[k] = { $tensor: name, shape: [...v.shape] };
      } else out[k] = v;
    }
    state[id] = out;
  }
  const { model: _m, lines, optimizer, ...rest } = cp;
  const meta = {
    ...rest,
    optimizer: { paramGroups: optimizer.paramGroups, state },
    recordLines: lines.length,
    recordHash: textHash(lines.join('')),
  };
  save(tensors, path, { metadata: { [KEY]: encodeJson(meta) } });
}

/** Read a checkpoint written by saveRunCheckpoint; its `lines` are empty (they live in run.jsonl). */
export function loadRunCheckpoint(path: string): { checkpoint: RunCheckpoint; info: CheckpointFileInfo } {
  const { tensors, metadata } = loadWithMetadata(path);
  const raw = metadata[KEY];
  if (raw === undefined) throw new FormatError('loadRunCheckpoint', `${path}: a safetensors file, but not a gradlab run checkpoint (no '${KEY}' metadata)`);
  let meta: any;
  try {
    meta = decodeJson(raw);
  } catch (e) {
    throw new FormatError('loadRunCheckpoint', `${path}: the checkpoint metadata is not valid JSON (${(e as Error).message})`);
  }
  if (meta?.format !== 'gradlab-lab-checkpoint' || meta.version !== 1)
    throw new FormatError('loadRunCheckpoint', `${path}: unknown checkpoint format ${JSON.stringify(meta?.format)} version ${JSON.stringify(meta?.version)}`);
  const model: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith('model.')) model[k.slice(6)] = t;
  const state: Record<number, ParamState> = {};
  for (const [id, st] of Object.entries(meta.optimizer.state as Record<string, Record<string, any>>)) {
    const out: ParamState = {};
    for (const [k, v] of Object.entries(st)) {
      if (v !== null && typeof v === 'object' && typeof v.$tensor === 'string') {
        const t = tensors[v.$tensor];
        if (!t) throw new GradlabError('loadRunCheckpoint', `${path}: optimizer state tensor '${v.$tensor}' is missing`);
        out[k] = t;
      } else out[k] = v;
    }
    state[Number(id)] = out;
  }
  const { recordLines, recordHash, optimizer, ...rest } = meta;
  const checkpoint: RunCheckpoint = { ...rest, model, optimizer: { paramGroups: optimizer.paramGroups, state } as OptimizerStateDict, lines: [] };
  return { checkpoint, info: { recordLines, recordHash } };
}
