/**
 * Where data files come from. The lab's core never touches a file system: Node reads folders
 * (`nodeDataSource` in lab/node/), the browser fetches, tests hand over bytes in memory.
 *
 * Files are asked for by their standard relative name without compression suffix, e.g.
 * `fashion-mnist/train-images-idx3-ubyte`; a source may answer with that file or its gzip
 * (`….gz`) — the reader recognises gzip by its magic bytes, whatever the name.
 */
export interface DataSource {
  /** The bytes of `file`, or null when absent. */
  read(file: string): Promise<Uint8Array | null>;
  /** Where this source looks, for messages ("./my-data, <package>/data, /usr/share/datasets"). */
  describe(): string;
  /** Optional: the bytes and the path or URL they came from, so errors and records can name it. */
  readFile?(file: string): Promise<DataFile | null>;
}

export interface DataFile {
  bytes: Uint8Array;
  /** The full path or URL that was read. */
  path: string;
}

/** Read through `readFile` when the source has it, else `read` (the path is then the relative name). */
export async function readDataFile(source: DataSource, file: string): Promise<DataFile | null> {
  if (source.readFile !== undefined) return source.readFile(file);
  const bytes = await source.read(file);
  return bytes === null ? null : { bytes, path: file };
}

/** A source over files held in memory (tests, the web lab after a fetch or an upload); `name` or `name.gz`. */
export function memoryDataSource(files: Record<string, Uint8Array>, description = 'memory'): DataSource {
  const map = new Map(Object.entries(files));
  const readFile = async (file: string): Promise<DataFile | null> => {
    for (const name of [file, `${file}.gz`]) {
      const bytes = map.get(name);
      if (bytes !== undefined) return { bytes, path: `${description}:${name}` };
    }
    return null;
  };
  return {
    readFile,
    read: async (file) => (await readFile(file))?.bytes ?? null,
    describe: () => description,
  };
}
