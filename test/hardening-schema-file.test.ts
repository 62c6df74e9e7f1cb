/**
 * The run record's JSON Schema ships as a file (gradlab/schema/run-record.schema.json), written
 * from the in-code schema by scripts/write-schemas.mjs during the build: the committed file must
 * be that very object, byte for byte as the script formats it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { runRecordSchema } from '../src/diagnostics/record/index.js';

const read = (p: string): string => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('schema/run-record.schema.json', () => {
  it('equals the in-code schema (regenerate with npm run build)', () => {
    expect(read('schema/run-record.schema.json')).toBe(`${JSON.stringify(runRecordSchema, null, 2)}\n`);
  });

  it('is a valid draft 2020-12 schema', () => {
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: true, allowUnionTypes: true });
    expect(() => ajv.compile(JSON.parse(read('schema/run-record.schema.json')))).not.toThrow();
  });

  it('is shipped and exported, and the build writes it', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.files).toContain('schema');
    expect(pkg.exports['./schema/run-record.schema.json']).toBe('./schema/run-record.schema.json');
    expect(pkg.scripts.build).toMatch(/node scripts\/write-schemas\.mjs/);
    expect(read('scripts/write-schemas.mjs')).toContain("'run-record.schema.json'");
  });
});
