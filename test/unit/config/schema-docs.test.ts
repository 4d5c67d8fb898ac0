import { z } from 'zod';
import { rewindConfigSchema } from '../../../src/config/schema';

/** Every field of every object reachable from the rewind.yml schema, with its description. */
function fields(schema: z.core.$ZodType, path: string, out: Map<string, string | undefined>, seen = new Set<unknown>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  if (schema instanceof z.ZodObject) {
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      out.set(`${path}.${key}`, field.description);
      fields(field, `${path}.${key}`, out, seen);
    }
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    fields(schema.unwrap(), path, out, seen);
  } else if (schema instanceof z.ZodPipe) {
    fields(schema.in, path, out, seen);
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) fields(option, path, out, seen);
  } else if (schema instanceof z.ZodRecord) {
    fields(schema.valueType, `${path}.<key>`, out, seen);
  } else if (schema instanceof z.ZodArray) {
    fields(schema.element, `${path}[]`, out, seen);
  }
}

describe('rewind.yml schema documentation', () => {
  it('describes every field', () => {
    const found = new Map<string, string | undefined>();
    fields(rewindConfigSchema, 'rewind.yml', found);
    expect(found.size).toBeGreaterThan(60);
    const undocumented = [...found].filter(([, description]) => description === undefined || description.length < 3).map(([path]) => path);
    expect(undocumented).toEqual([]);
  });
});
