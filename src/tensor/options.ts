import { ValueError } from './errors.js';

/**
 * One rule for every options object of the public API: where an options object belongs, only a
 * plain object (or nothing) is accepted, and every key must be one the function knows. A
 * misspelled option used to be ignored silently (`{ momentun: 0.9 }` trained without momentum);
 * now it is an `OptionsError` that names the valid keys and the closest one.
 */

/** An options object of the wrong kind, or an option the function does not know. */
export class OptionsError extends ValueError {}

/** A plain `{ … }` object: not an array, a tensor, a class instance or a function. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

const camel = (s: string): string => s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The valid key closest to `key`, or undefined when none is close. PyTorch's snake_case spelling
 * (`weight_decay`) and a different case (`weightdecay`) map straight to the camelCase key.
 */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => camel(s).toLowerCase();
  const exact = allowed.find((k) => norm(k) === norm(key));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of allowed) {
    const d = editDistance(norm(key), norm(k));
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  // A suggestion farther than a third of the word is noise ("p" is not a typo of "lr")…
  if (best !== undefined && bestD <= Math.max(1, Math.floor(Math.max(key.length, best.length) / 3))) return best;
  // …but a longer spelling of a valid key is not ("prob" for "p", "strides" for "stride").
  return [...allowed].sort((x, y) => y.length - x.length).find((k) => norm(key).startsWith(norm(k)));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array (${v.length} items)`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

/** "{ lr?, momentum?, … }": the expected form of an options object. */
export function optionsForm(allowed: readonly string[]): string {
  return allowed.length === 0 ? '{} (no options)' : `{ ${allowed.map((k) => `${k}?`).join(', ')} }`;
}

/**
 * Check an options argument of `op`: undefined gives `{}`; anything but a plain object, or a key
 * outside `allowed`, throws an `OptionsError` naming the expected form and the closest valid key.
 * Returns the object typed as `T` for chaining: `const o = checkOptions('SGD', opts, KEYS)`.
 */
export function checkOptions<T extends object>(op: string, value: T | undefined, allowed: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (!isPlainObject(value))
    throw new OptionsError(op, `expected an options object ${optionsForm(allowed)}, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    // A key set to undefined changes nothing, whatever its name (`{ ...o, weight: maybe }`).
    if (allowed.includes(key) || (value as Record<string, unknown>)[key] === undefined) continue;
    const near = closestKey(key, allowed);
    const hint = near !== undefined ? ` — did you mean '${near}'?` : '.';
    const list = allowed.length > 0 ? ` Valid options: ${allowed.join(', ')}.` : ' It takes no options.';
    throw new OptionsError(op, `unknown option '${key}'${hint}${list}`);
  }
  return value;
}

/**
 * PyTorch-style positional arguments after the required ones: `rest` holds what came after them,
 * `names` the option each position stands for (`maxPool2d(x, 3, 2, 1)` → stride 2, padding 1).
 * A trailing plain object is the options object; the same option given both ways is an error.
 * Undefined positions are skipped, so `f(x, k, undefined, 1)` sets only the padding.
 */
export function positionalOptions<T extends object>(op: string, rest: readonly unknown[], names: readonly string[], allowed: readonly string[]): T {
  let n = rest.length;
  while (n > 0 && rest[n - 1] === undefined) n--;
  if (n === 0) return {} as T;
  const last = rest[n - 1];
  const tail = isPlainObject(last) ? checkOptions(op, last, allowed) : undefined;
  const npos = tail ? n - 1 : n;
  if (npos > names.length)
    throw new OptionsError(
      op,
      names.length === 0
        ? `expected an options object ${optionsForm(allowed)}, got ${describe(rest[0])}`
        : `takes at most ${names.length} positional argument${names.length === 1 ? '' : 's'} after the required ones (${names.join(', ')}), ` +
          `then an options object ${optionsForm(allowed)}; got ${describe(rest[names.length])} at position ${names.length + 1}`,
    );
  const out: Record<string, unknown> = { ...(tail ?? {}) };
  for (let i = 0; i < npos; i++) {
    const v = rest[i];
    if (v === undefined) continue;
    if (isPlainObject(v))
      throw new OptionsError(op, `positional argument ${i + 1} (${names[i]}) got ${describe(v)}; only the last argument may be an options object`);
    if (tail && names[i]! in tail) throw new OptionsError(op, `'${names[i]}' was given both positionally and in the options object`);
    out[names[i]!] = v;
  }
  return out as T;
}

/**
 * The keys of an options interface, checked for completeness by the compiler: every key of `T`
 * must appear in `all` (`optionKeys<ReduceOptions>({ keepdim: true })`), so an option added to the
 * interface but not to its key list is a type error rather than a silently rejected option.
 */
export function optionKeys<T extends object>(all: { [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.freeze(Object.keys(all)) as readonly (keyof T & string)[];
}
