/** Helpers that print module settings the way PyTorch's `extra_repr` does. */

/** A float as Python prints it: 1 → '1.0', 0.01 → '0.01', 1e-5 → '1e-05'. */
export function pyNum(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  // Python switches to exponent notation below 1e-4 (and at 1e16) and pads the exponent: 1e-05
  const s = v !== 0 && Number.isFinite(v) && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16) ? v.toExponential() : String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's True/False. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A tuple the way Python prints it: (3, 3), (1,). */
export function pyTuple(v: readonly (number | string)[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}
