/** Small, careful HTML helpers: escaping, numbers, and embedding JSON and scripts inside <script>. */

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Three significant digits, scientific outside [0.01, 10⁴); non-finite values spelled out. */
export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(2);
}

export function fmtPct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? fmtNum(v) : `${(v * 100).toFixed(1)} %`;
}

/**
 * JSON for a <script type="application/json"> element. `<` is written as \u003c, so neither
 * `</script` nor `<!--` can end or confuse the element, whatever the strings hold; U+2028/9 too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** JavaScript source for an inline <script>: a literal `</script` or `<!--` inside it would end or derail the element. */
export function scriptForInline(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A file-name-safe slug. */
export function slug(s: string, i: number): string {
  const base = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${i + 1}-${base || 'run'}`;
}
