/**
 * A small interpreter for the JSON Schema subset `runRecordSchema` uses ($ref to $defs, type,
 * const, enum, anyOf, oneOf, properties, required, additionalProperties, items, minimum,
 * maximum). It validates a parsed line and returns a copy with the non-finite number strings
 * ("NaN", "Infinity", "-Infinity") in number positions turned back into numbers.
 */
import { runRecordSchema } from './schema.js';

type Schema = { readonly [k: string]: unknown };

export class SchemaMismatch extends Error {
  constructor(readonly path: string, readonly detail: string) {
    super(`${path || '/'}: ${detail}`);
  }
}

const NONFINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * Own keys only: a line's keys are data, so `toString`, `constructor` or `__proto__` must not find
 * Object.prototype's members through a schema's `properties` (ajv does not either).
 */
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    default: return false;
  }
}

function resolve(root: Schema, ref: string): Schema {
  const m = /^#\/\$defs\/([A-Za-z0-9_]+)$/.exec(ref);
  const defs = root.$defs as Record<string, Schema> | undefined;
  const s = m ? defs?.[m[1]!] : undefined;
  if (!s) throw new Error(`unsupported $ref ${ref}`);
  return s;
}

function check(root: Schema, s: Schema, v: unknown, path: string): unknown {
  if (typeof s.$ref === 'string') {
    const target = resolve(root, s.$ref);
    const out = check(root, target, v, path);
    if (s.$ref === '#/$defs/num' && typeof out === 'string') return NONFINITE[out];
    return out;
  }
  if ('const' in s && v !== s.const) throw new SchemaMismatch(path, `expected ${show(s.const)}, got ${show(v)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v as never))
    throw new SchemaMismatch(path, `expected one of ${s.enum.map(show).join(', ')}, got ${show(v)}`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeOk(t, v)))
      throw new SchemaMismatch(path, `expected ${types.join(' or ')}, got ${show(v)}`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && !(v >= s.minimum)) throw new SchemaMismatch(path, `${v} is below the minimum ${s.minimum}`);
    if (typeof s.maximum === 'number' && !(v <= s.maximum)) throw new SchemaMismatch(path, `${v} is above the maximum ${s.maximum}`);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key] as Schema[] | undefined;
    if (!branches) continue;
    // A branch whose `type` const matches the value's `type` field is the only candidate.
    const typed = branches.filter((b) => {
      const t = b.$ref ? resolve(root, b.$ref as string) : b;
      const c = (t.properties as Record<string, Schema> | undefined)?.type?.const;
      return c !== undefined && typeOk('object', v) && (v as Record<string, unknown>).type === c;
    });
    const candidates = typed.length > 0 ? typed : branches;
    const errors: SchemaMismatch[] = [];
    for (const b of candidates) {
      try {
        v = check(root, b, v, path);
        errors.length = 0;
        break;
      } catch (e) {
        if (!(e instanceof SchemaMismatch)) throw e;
        errors.push(e);
      }
    }
    if (errors.length > 0) {
      if (errors.length === 1) throw errors[0]!;
      // Report the error that got deepest: it is usually the one the writer meant.
      const deepest = errors.reduce((a, b) => (b.path.length > a.path.length ? b : a));
      if (deepest.path !== path) throw deepest;
      throw new SchemaMismatch(path, `matches none of the allowed forms (${errors.map((e) => e.detail).join('; ')})`);
    }
  }
  if (typeOk('object', v)) {
    const src = v as Record<string, unknown>;
    const o: Record<string, unknown> = {};
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[])
      if (!has(src, r)) throw new SchemaMismatch(path, `missing required field '${r}'`);
    for (const k of Object.keys(src)) {
      const sub = has(props, k) ? props[k]! : s.additionalProperties === false ? null : (s.additionalProperties as Schema | undefined);
      if (sub === null) throw new SchemaMismatch(path, `unexpected field '${k}'`);
      // defineProperty: a key named __proto__ stays a plain data field of the copy
      Object.defineProperty(o, k, {
        value: sub ? check(root, sub, src[k], `${path}/${k}`) : src[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    v = o;
  }
  if (Array.isArray(v) && s.items) {
    const a = v;
    v = a.map((x, i) => check(root, s.items as Schema, x, `${path}/${i}`));
  }
  return v;
}

/** Validate one parsed line against `runRecordSchema`; returns it decoded, throws SchemaMismatch. */
export function validateLine(value: unknown): unknown {
  return check(runRecordSchema as unknown as Schema, runRecordSchema as unknown as Schema, value, '');
}

/** JSON.stringify replacer: non-finite numbers become "NaN", "Infinity", "-Infinity". */
export function encodeNonFinite(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}
