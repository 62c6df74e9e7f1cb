/**
 * Writes schema/spec.schema.json, the JSON Schema of the lab's experiment spec, from the zod
 * schema (src/lab/spec/schema.ts). Run after changing the schema:
 *
 *   npx tsx scripts/make-spec-schema.ts
 *
 * test/lab-spec.test.ts fails when the committed file differs from what this writes.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { specJsonSchema } from '../src/lab/spec/json-schema.js';
import { writeFileAtomicSync } from '../src/node/atomic-write.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'schema'), { recursive: true });
const file = join(root, 'schema', 'spec.schema.json');
writeFileAtomicSync(file, `${JSON.stringify(specJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
