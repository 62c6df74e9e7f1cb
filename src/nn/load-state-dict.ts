/**
 * `Module.loadStateDict`: check everything first, then copy. A checkpoint that does not fit the
 * module (a null or a number where a tensor belongs, a shape from another architecture, keys that
 * are missing or unexpected in strict mode) is reported in one error that lists every problem, and
 * the module is left exactly as it was: a half-loaded model trains on without a word otherwise.
 */
import { ShapeError, ValueError, fmtShape } from '../tensor/errors.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape and type problems are always errors. */
  strict?: boolean;
}

export interface LoadResultLike {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const OP = 'loadStateDict';
/** Most problems spelled out in the message; the rest are counted. */
const SHOWN = 20;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (wrap it: tensor(values, { shape }))`;
  return typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'null prototype'})` : typeof v;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Copy `sd` into the module's tensors `target` (its own stateDict(): parameters and persistent
 * buffers by key) after checking all of it. Throws one ValueError (ShapeError when every problem is
 * a size mismatch) listing each problem; nothing is copied then.
 */
export function loadStateDictInto(target: Record<string, Tensor>, sd: unknown, opts: unknown): LoadResultLike {
  if (opts === null || (opts !== undefined && (typeof opts !== 'object' || Array.isArray(opts))))
    throw new ValueError(OP, `options must be an object such as { strict: false }, got ${describe(opts)}`);
  const strictOpt = (opts as LoadStateDictOptions | undefined)?.strict;
  if (strictOpt !== undefined && typeof strictOpt !== 'boolean')
    throw new ValueError(OP, `strict must be true or false, got ${describe(strictOpt)}`);
  const strict = strictOpt ?? true;
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Tensor)
    throw new ValueError(
      OP,
      `expected a state dict (an object mapping names to tensors, as model.stateDict() or load(path) return), got ${describe(sd)}`,
    );
  const src = sd as Record<string, unknown>;
  const keys = Object.keys(target);
  const missingKeys = keys.filter((k) => !own(src, k));
  const unexpectedKeys = Object.keys(src).filter((k) => !own(target, k));
  const problems: string[] = [];
  let shapeOnly = true;
  for (const k of keys) {
    if (!own(src, k)) continue;
    const v = src[k];
    const dst = target[k]!;
    if (!(v instanceof Tensor)) {
      shapeOnly = false;
      problems.push(`'${k}' is ${describe(v)}, not a Tensor`);
    } else if (!shapesEqual(v.shape, dst.shape)) {
      problems.push(`size mismatch for '${k}': copying a tensor of shape ${fmtShape(v.shape)}, the module has ${fmtShape(dst.shape)}`);
    }
  }
  if (strict && missingKeys.length > 0) {
    shapeOnly = false;
    problems.push(`missing keys [${missingKeys.join(', ')}]`);
  }
  if (strict && unexpectedKeys.length > 0) {
    shapeOnly = false;
    problems.push(`unexpected keys [${unexpectedKeys.join(', ')}]`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN).map((p) => `  - ${p}`).join('\n');
    const more = problems.length > SHOWN ? `\n  … and ${problems.length - SHOWN} more` : '';
    const fix =
      strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)
        ? 'the state dict does not match the module (another architecture, or keys with a prefix such as "module."?); ' +
          'pass { strict: false } to load only the keys that match'
        : 'the state dict does not match the module: check that it was saved from the same architecture';
    const Kind = shapeOnly ? ShapeError : ValueError;
    throw new Kind(OP, `${problems.length} problem${problems.length > 1 ? 's' : ''}, nothing was loaded:\n${shown}${more}\n${fix}`);
  }
  noGrad(() => {
    for (const k of keys) {
      if (!own(src, k)) continue;
      const dst = target[k]!;
      dst.data.set((src[k] as Tensor).data);
      dst._version++;
    }
  });
  return { missingKeys, unexpectedKeys };
}
