import { ValueError } from '../tensor/errors.js';

/** Whether operations record onto the tape. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  if (typeof on !== 'boolean') throw new ValueError('setGradEnabled', `expects true or false, got ${typeof on}`);
  enabled = on;
}

/** Run `fn` without recording (PyTorch: `with torch.no_grad()`); returns its result. */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError('noGrad', `expects a function to run without recording, e.g. noGrad(() => w.sub_(g)), got ${typeof fn}`);
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Run `fn` with recording on, even inside noGrad (PyTorch: `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError('enableGrad', `expects a function to run with recording on, got ${typeof fn}`);
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
