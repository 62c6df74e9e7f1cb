/**
 * Node's built-in modules for the files of src/node/ that the platform-neutral package entry also
 * imports: loaded through `process.getBuiltinModule`, not a static import, so a browser bundle that
 * includes them still builds (there `builtin()` returns null).
 */
type GetBuiltin = (id: string) => unknown;

/** A Node built-in module, or null outside Node (or on a Node without getBuiltinModule). */
export function builtin<T>(id: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltin; versions?: { node?: string } } }).process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') return null;
  try {
    return (proc.getBuiltinModule(id) as T) ?? null;
  } catch {
    return null;
  }
}
