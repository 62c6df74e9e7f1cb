/**
 * Writes schema/run-record.schema.json, the JSON Schema of one run-record line, from the schema
 * object the reader validates with (src/diagnostics/record/schema.ts), so that the file shipped in
 * the package (`gradlab/schema/run-record.schema.json`) is that very object. Runs in `npm run
 * build`, after tsc, from the built dist/:
 *
 *   node scripts/write-schemas.mjs
 *
 * test/hardening-schema-file.test.ts fails when the committed file differs from the in-code schema.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { runRecordSchema } = await import(pathToFileURL(join(dist, 'diagnostics/record/schema.js')).href);
const { writeFileAtomicSync } = await import(pathToFileURL(join(dist, 'node/atomic-write.js')).href);

mkdirSync(join(root, 'schema'), { recursive: true });
const file = join(root, 'schema', 'run-record.schema.json');
writeFileAtomicSync(file, `${JSON.stringify(runRecordSchema, null, 2)}\n`);
console.log(`wrote ${file}`);
