/**
 * Stable names of module classes. Every library layer declares `static readonly typeName =
 * 'Linear'` (a string survives minifiers, which rename classes: a minified bundle's `Linear` may
 * be called `t`). User classes need not: their constructor's name is used.
 */
import type { Module } from './module.js';

type Ctor = { typeName?: unknown; name?: string };

function own(c: Ctor): string | null {
  return Object.prototype.hasOwnProperty.call(c, 'typeName') && typeof c.typeName === 'string' ? c.typeName : null;
}

/** The type name of a module: its class's own `typeName`, else the constructor's name. */
export function typeNameOf(m: Module): string {
  const c = m.constructor as Ctor;
  return own(c) ?? c.name ?? 'Module';
}

/** Whether the module's exact class is a library class (declares its own `typeName`). */
export function isLibraryModule(m: Module): boolean {
  return own(m.constructor as Ctor) !== null;
}

/**
 * The names of the module's class chain, most derived first: own `typeName`s where declared
 * (library classes), constructor names otherwise (user classes).
 */
export function typeNameChain(m: Module): string[] {
  const out: string[] = [];
  for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const c = (p as { constructor?: unknown }).constructor;
    if (typeof c !== 'function') continue;
    const n = own(c as Ctor) ?? (c as Ctor).name;
    if (n) out.push(n);
  }
  return out;
}
