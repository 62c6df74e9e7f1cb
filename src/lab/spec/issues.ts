/**
 * zod issues → messages a person can act on: the field's dotted path, what was given, what was
 * expected, and the closest valid value or key ("did you mean …").
 */
import type { z } from 'zod';
import { closest } from './suggest.js';
import type { SpecIssue } from './errors.js';

type Schema = z.ZodType;
type Def = { type: string; [k: string]: any };
type Issue = z.core.$ZodIssue & { input?: unknown };
type Seg = PropertyKey;

const def = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Remove optional / nullable / default / prefault / readonly / pipe wrappers. */
function unwrap(s: Schema): Schema {
  for (;;) {
    const d = def(s);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe') s = d.in;
    else return s;
  }
}

/** The sub-schema at `path` (following union options that fit the input), or null. */
export function schemaAt(root: Schema, path: readonly Seg[], input: unknown): Schema | null {
  let s: Schema | null = root;
  let v: unknown = input;
  for (const seg of path) {
    if (s === null) return null;
    s = pick(unwrap(s), v);
    const d = def(s);
    if (d.type === 'object') s = (d.shape as Record<string, Schema>)[String(seg)] ?? null;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'tuple') s = (d.items as Schema[])[Number(seg)] ?? null;
    else return null;
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined;
  }
  return s === null ? null : pick(unwrap(s), v);
}

/** For a union: the option the value belongs to (by discriminator or by its keys). */
function pick(s: Schema, v: unknown): Schema {
  const d = def(s);
  if (d.type !== 'union') return s;
  const options = (d.options as Schema[]).map(unwrap);
  if (typeof d.discriminator === 'string' && v !== null && typeof v === 'object') {
    const want = (v as Record<string, unknown>)[d.discriminator];
    const hit = options.find((o) => literalValues(shapeOf(o)?.[d.discriminator] ?? null).includes(want as string));
    if (hit) return hit;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const objs = options.filter((o) => def(o).type === 'object');
    const best = objs.find((o) => keys.some((k) => k in (shapeOf(o) ?? {})));
    if (best) return best;
  }
  return s;
}

function shapeOf(s: Schema): Record<string, Schema> | null {
  const d = def(unwrap(s));
  return d.type === 'object' ? (d.shape as Record<string, Schema>) : null;
}

function literalValues(s: Schema | null): string[] {
  if (s === null) return [];
  const d = def(unwrap(s));
  if (d.type === 'enum') return Object.values(d.entries as Record<string, string>);
  if (d.type === 'literal') return (d.values as unknown[]).map(String);
  return [];
}

/** Keys an object at `path` may have (union options merged), or []. */
function knownKeys(root: Schema, path: readonly Seg[], input: unknown): string[] {
  const s = schemaAt(root, path, input);
  if (s === null) return [];
  const d = def(s);
  if (d.type === 'object') return Object.keys(d.shape);
  if (d.type === 'union') return [...new Set((d.options as Schema[]).flatMap((o) => Object.keys(shapeOf(o) ?? {})))];
  return [];
}

/** A short description of what a schema accepts. */
export function describe(s: Schema, depth = 0): string {
  s = unwrap(s);
  const d = def(s);
  switch (d.type) {
    case 'enum':
      return literalValues(s).join(' | ');
    case 'literal':
      return (d.values as unknown[]).map((x) => JSON.stringify(x)).join(' | ');
    case 'number':
      return (s as unknown as { format?: string }).format?.includes('int') || isInt(s) ? 'an integer' : 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'tuple':
      return `[${(d.items as Schema[]).map((i) => describe(i, depth + 1)).join(', ')}]`;
    case 'record':
      return 'an object';
    case 'object':
      return depth > 1 ? 'an object' : `{ ${Object.keys(d.shape).join(', ')} }`;
    case 'union':
      return (d.options as Schema[]).map((o) => describe(o, depth + 1)).join(' | ');
    default:
      return d.type;
  }
}

function isInt(s: Schema): boolean {
  const checks = (def(s).checks ?? []) as { _zod?: { def?: { format?: string } } }[];
  return checks.some((c) => String(c._zod?.def?.format ?? '').includes('int'));
}

/** `model.activation`, `sweep["model.depth"]`, `probe.histogramRange[1]`. */
export function pathString(path: readonly Seg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(seg))) out += out === '' ? String(seg) : `.${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isInteger(v)) return `the number ${v}`;
  return typeof v === 'string' ? `the string '${v}'` : `${typeof v} ${String(v)}`;
}

function valueAt(input: unknown, path: readonly Seg[]): unknown {
  let v = input;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined;
  return v;
}

function notOneOf(v: unknown, values: readonly string[]): string {
  const guess = typeof v === 'string' ? closest(v, values) : null;
  return `${show(v)} is not one of ${values.join(', ')}${guess !== null ? `; did you mean '${guess}'?` : ''}`;
}

/** Turn zod's issues into SpecIssues, one per bad field (one per unknown key). */
export function toSpecIssues(root: Schema, issues: readonly Issue[], input: unknown, base: readonly Seg[] = []): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const v = 'input' in issue ? issue.input : valueAt(input, path);
    const at = pathString(path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const keys = knownKeys(root, path, input);
        for (const k of issue.keys) {
          const guess = closest(k, keys);
          out.push({
            path: pathString([...path, k]),
            message: `unknown key${guess !== null ? `; did you mean '${guess}'?` : ''}${keys.length ? ` (valid keys: ${keys.join(', ')})` : ''}`,
          });
        }
        break;
      }
      case 'invalid_value':
        out.push({ path: at, message: notOneOf(valueAt(input, path), issue.values.map(String)) });
        break;
      case 'invalid_type': {
        const s = schemaAt(root, path, input);
        const want = s !== null ? describe(s) : issue.expected;
        const got = valueAt(input, path);
        out.push({ path: at, message: got === undefined ? `is required (${want})` : `expected ${want}, got ${kindOf(got)}` });
        break;
      }
      case 'invalid_union':
        out.push(...unionIssue(root, issue as Issue & { errors: Issue[][]; note?: string; options?: unknown[] }, path, input));
        break;
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const lim = (small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum) as number;
        const incl = (issue as { inclusive?: boolean }).inclusive ?? true;
        const got = valueAt(input, path);
        if (issue.origin === 'array' || issue.origin === 'string')
          out.push({ path: at, message: `needs ${small ? 'at least' : 'at most'} ${lim} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}` });
        else out.push({ path: at, message: `must be ${small ? (incl ? '≥' : '>') : incl ? '≤' : '<'} ${lim}, got ${show(got)}` });
        break;
      }
      default:
        out.push({ path: at, message: `${issue.message}${v !== undefined ? ` (got ${show(v)})` : ''}` });
    }
  }
  return out;
}

function unionIssue(root: Schema, issue: Issue & { errors: Issue[][]; note?: string; options?: unknown[] }, path: Seg[], input: unknown): SpecIssue[] {
  const v = valueAt(input, path);
  const at = pathString(path);
  if (issue.note === 'No matching discriminator' && Array.isArray(issue.options)) {
    const values = issue.options.map(String);
    if (v === undefined) return [{ path: at, message: `is required (one of ${values.join(', ')})` }];
    return [{ path: at, message: notOneOf(v, values) }];
  }
  const s = schemaAt(root, path, input);
  const options = s !== null && def(s).type === 'union' ? (def(s).options as Schema[]).map(unwrap) : [];
  const want = s !== null ? describe(s) : 'another value';
  if (typeof v === 'string') {
    const names = options.flatMap((o) => literalValues(o));
    const guess = closest(v, names);
    return [{ path: at, message: `${show(v)} is not one of ${want}${guess !== null ? `; did you mean '${guess}'?` : ''}` }];
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    // the option whose errors are not about unknown keys: the one the user meant; report its issues
    // (errors at the option's root mean "not this kind of value at all")
    const meant = issue.errors.filter((errs) => errs.length > 0 && !errs.some((e) => e.code === 'unrecognized_keys' || e.path.length === 0));
    if (meant.length > 0) {
      const best = meant.reduce((a, b) => (b.length < a.length ? b : a));
      return toSpecIssues(root, best, input, path);
    }
    const keys = [...new Set(options.flatMap((o) => Object.keys(shapeOf(o) ?? {})))];
    const unknown = Object.keys(v).filter((k) => !keys.includes(k));
    if (unknown.length > 0)
      return unknown.map((k) => {
        const guess = closest(k, keys);
        return { path: pathString([...path, k]), message: `unknown key${guess !== null ? `; did you mean '${guess}'?` : ''} (expected ${want})` };
      });
  }
  return [{ path: at, message: `expected ${want}, got ${kindOf(v)}` }];
}
