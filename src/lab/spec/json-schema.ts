/**
 * The spec's JSON Schema (draft 2020-12), made from the zod schema with `z.toJSONSchema` for the
 * input side (what a person writes: every field optional where a default exists). Editors use
 * schema/spec.schema.json (scripts/make-spec-schema.ts writes it; a test keeps it current) to
 * validate and complete spec files. Checks across fields (steps or epochs, 6n+2 depths, options
 * of the chosen optimizer) are parseSpec's alone.
 */
import { z } from 'zod';
import { specSchema } from './schema.js';

export function specJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(specSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = s;
  return {
    $schema,
    title: 'gradlab experiment spec',
    description: 'An experiment of the gradlab lab (docs/spec.md). JSON or YAML.',
    ...rest,
  };
}
