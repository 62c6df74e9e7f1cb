/** Dotted paths into plain JSON values (`model.depth`, `optimizer.betas.0`). */
import { SpecError } from './errors.js';

export function splitPath(dotted: string): string[] {
  const parts = dotted.split('.');
  if (dotted.trim() === '' || parts.some((p) => p === ''))
    throw new SpecError([{ path: '', message: `'${dotted}' is not a dotted field path such as model.depth or optimizer.lr` }]);
  return parts;
}

/** A deep copy of `obj` with the field at `dotted` set to `value` (objects created on the way). */
export function setRaw(obj: unknown, dotted: string, value: unknown): Record<string, unknown> {
  const parts = splitPath(dotted);
  const root: Record<string, unknown> = obj !== null && typeof obj === 'object' && !Array.isArray(obj) ? structuredClone(obj as Record<string, unknown>) : {};
  let cur: Record<string, unknown> | unknown[] = root;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const key: string | number = Array.isArray(cur) && /^\d+$/.test(p) ? Number(p) : p;
    if (last) {
      (cur as Record<string | number, unknown>)[key] = structuredClone(value);
      return;
    }
    let next = (cur as Record<string | number, unknown>)[key];
    if (next === null || typeof next !== 'object') {
      next = {};
      (cur as Record<string | number, unknown>)[key] = next;
    }
    cur = next as Record<string, unknown>;
  });
  return root;
}

/** The value at `dotted`, or undefined. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const p of splitPath(dotted)) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}
