/**
 * Checks of an optimizer state dict before `Optimizer.loadStateDict` takes any of it. A null
 * entry, a number or a plain array where a moment buffer belongs, a string `step` (Adam then turns
 * every parameter into NaN: "5" + 1 is "51") or a buffer of another shape is reported — all of
 * them in one error — and the optimizer is left as it was.
 */
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

type Kind = 'step' | 'tensor' | 'tensorOrNull';

/** The state the built-in optimizers keep per parameter (SGD, Adam, AdamW, Adagrad, RMSprop). */
const KNOWN: Record<string, Kind> = {
  step: 'step',
  momentumBuffer: 'tensorOrNull', // SGD writes null until its first step with momentum
  expAvg: 'tensor',
  expAvgSq: 'tensor',
  maxExpAvgSq: 'tensor',
  sum: 'tensor',
  squareAvg: 'tensor',
  gradAvg: 'tensor',
};

/** PyTorch's names for the same state (a state dict converted from torch without renaming). */
const TORCH_NAMES: Record<string, string> = {
  momentum_buffer: 'momentumBuffer',
  exp_avg: 'expAvg',
  exp_avg_sq: 'expAvgSq',
  max_exp_avg_sq: 'maxExpAvgSq',
  square_avg: 'squareAvg',
  grad_avg: 'gradAvg',
};

const SHOWN = 20;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `a plain array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}...` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor);

/**
 * Throw one typed error listing every problem of `sd` for an optimizer named `op` whose groups
 * hold `groups` (parameters, in order); return nothing when it can be loaded.
 */
export function checkOptimizerStateDict(op: string, sd: unknown, groups: readonly (readonly Tensor[])[]): void {
  const fail = (problems: string[], shapeOnly: boolean): never => {
    const shown = problems.slice(0, SHOWN).map((p) => `  - ${p}`).join('\n');
    const more = problems.length > SHOWN ? `\n  … and ${problems.length - SHOWN} more` : '';
    const Kind = shapeOnly ? ShapeError : ValueError;
    throw new Kind(
      op,
      `loadStateDict: ${problems.length} problem${problems.length > 1 ? 's' : ''}, nothing was loaded:\n${shown}${more}\n` +
        'load a state dict saved by stateDict() of the same optimizer over parameters of the same shapes',
    );
  };
  if (!isObject(sd) || !Array.isArray(sd.paramGroups) || !isObject(sd.state))
    fail([`expected { state, paramGroups } as returned by stateDict(), got ${describe(sd)}`], false);
  const { state, paramGroups } = sd as { state: Record<string, unknown>; paramGroups: unknown[] };
  const problems: string[] = [];
  let shapeOnly = true;
  const other = (p: string): void => {
    shapeOnly = false;
    problems.push(p);
  };
  if (paramGroups.length !== groups.length)
    other(`loaded state dict has a different number of parameter groups (${paramGroups.length}) than the optimizer (${groups.length})`);
  const byId = new Map<number, Tensor>();
  paramGroups.forEach((sg, i) => {
    if (!isObject(sg)) return other(`paramGroups[${i}] is ${describe(sg)}, not an object`);
    const ids = sg.params;
    if (!Array.isArray(ids)) return other(`paramGroups[${i}].params is ${describe(ids)}, not a list of parameter indices`);
    const mine = groups[i];
    if (mine && ids.length !== mine.length)
      other(`loaded state dict contains a parameter group (${i}) that doesn't match the size of optimizer's group (${ids.length} vs ${mine.length} parameters)`);
    ids.forEach((id, j) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
        return other(`paramGroups[${i}].params[${j}] is ${describe(id)}, not a parameter index`);
      if (byId.has(id)) return other(`parameter index ${id} is listed twice`);
      const p = mine?.[j];
      if (p) byId.set(id, p);
    });
  });
  const groupsOk = problems.length === 0;
  for (const key of Object.keys(state)) {
    const entry = state[key];
    const where = `state[${key}]`;
    const id = Number(key);
    const p = byId.get(id);
    if (!Number.isInteger(id) || id < 0 || (p === undefined && groupsOk)) {
      other(`${where}: no parameter group lists parameter ${key}`);
      continue;
    }
    if (!isObject(entry)) {
      other(`${where} is ${describe(entry)}, not an object of state values`);
      continue;
    }
    for (const k of Object.keys(entry)) {
      const v = entry[k];
      const kind = KNOWN[k];
      if (TORCH_NAMES[k] !== undefined) {
        other(`${where}.${k} is PyTorch's name; gradlab's is '${TORCH_NAMES[k]}' (rename the keys when converting)`);
      } else if (kind === 'step') {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
          other(`${where}.step is ${describe(v)}; it must be a whole number of steps ≥ 0 (use .item() for a tensor)`);
      } else if (kind === 'tensor' || kind === 'tensorOrNull' || v instanceof Tensor) {
        if (v === null && kind === 'tensorOrNull') continue;
        if (!(v instanceof Tensor)) other(`${where}.${k} is ${describe(v)}; it must be a Tensor of the parameter's shape`);
        else if (p && !shapesEqual(v.shape, p.shape))
          problems.push(`${where}.${k} has shape ${fmtShape(v.shape)} but its parameter has shape ${fmtShape(p.shape)}`);
      } else if (!(v === null || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'number')))) {
        other(`${where}.${k} is ${describe(v)}; state values are Tensors, numbers, booleans or null`);
      }
    }
  }
  if (problems.length > 0) fail(problems, shapeOnly);
}
