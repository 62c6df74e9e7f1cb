/** Whether every value is finite: one multiply-add per element (x·0 is NaN for NaN and ±Inf). */
export function allFinite(d: Float32Array): boolean {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * 0;
  return s === 0;
}
