/** Helpers that print module settings the way PyTorch's `extra_repr` does. */

/** A float as Python prints it: 1 → '1.0', 0.01 → '0.01', 1e-5 → '1e-05'. */
export function pyNum(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  // JS writes 1e-5, Python 1e-05
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
