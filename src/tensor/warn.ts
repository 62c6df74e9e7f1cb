/**
 * Warnings (PyTorch: `warnings.warn`): for calls that work but probably not as meant, such as
 * more threads than cores. Each distinct warning is given once per process. They go to
 * `console.warn` unless a handler is set: `setWarningHandler((msg) => log.push(msg))` collects
 * them, `setWarningHandler(() => {})` silences them, `setWarningHandler(null)` restores the default.
 */
export type WarningHandler = (message: string) => void;

let handler: WarningHandler | null = null;
const given = new Set<string>();

/** Route warnings to `h` (null: back to console.warn). Returns the previous handler. */
export function setWarningHandler(h: WarningHandler | null): WarningHandler | null {
  const old = handler;
  handler = h;
  return old;
}

/** Give `message` once for `key` (later calls with the same key are silent). */
export function warnOnce(key: string, message: string): void {
  if (given.has(key)) return;
  given.add(key);
  const text = `gradlab: ${message}`;
  if (handler !== null) handler(text);
  else console.warn(text);
}

/** @internal forget which warnings were given (tests). */
export function resetWarnings(): void {
  given.clear();
}
