/**
 * The modules running right now, innermost last: `Module`'s call path pushes a module before its
 * `forward` runs and pops it after, so whoever observes an op (the doctor's tape observer) can
 * attribute it to the innermost module running it. Each call gets a number, so two calls of one
 * module (weight sharing, an RNN cell over time) can be told apart.
 */
import type { Module } from './module.js';

const modules: Module[] = [];
const calls: number[] = [];
let nextCall = 0;

/** @internal Module's call path: a call of `m` begins. */
export function enterModule(m: Module): void {
  modules.push(m);
  calls.push(++nextCall);
}

/** @internal Module's call path: the innermost call ends. */
export function exitModule(): void {
  modules.pop();
  calls.pop();
}

/** The modules whose forward is running, outermost first (a live view: do not keep it). */
export function moduleStack(): readonly Module[] {
  return modules;
}

/** The number of each running call, parallel to `moduleStack()` (a live view). */
export function moduleCalls(): readonly number[] {
  return calls;
}

/** The innermost running module, or null outside every forward. */
export function innermostModule(): Module | null {
  return modules.length === 0 ? null : modules[modules.length - 1]!;
}

/** Number of the innermost running call (distinct for every call of every module), 0 outside. */
export function innermostCall(): number {
  return calls.length === 0 ? 0 : calls[calls.length - 1]!;
}
