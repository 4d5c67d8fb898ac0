import { z } from 'zod';

/**
 * Finds the schema that validates the value at `path`, so error messages can quote a field's
 * description and list the keys an object accepts. Discriminated unions are resolved with the
 * actual data (the `provider` or `type` the user wrote); a plain union by the first option that has
 * the key asked for.
 */

export interface SchemaNode {
  schema: z.core.$ZodType;
  /** The outermost description found on the way (field descriptions wrap the type's own). */
  description?: string;
}

function childValue(value: unknown, key: PropertyKey): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<PropertyKey, unknown>)[key];
}

function pickOption(union: z.ZodDiscriminatedUnion, value: unknown): z.core.$ZodType | undefined {
  const discriminator = union._zod.def.discriminator;
  const wanted = childValue(value, discriminator);
  return union.options.find((option) => {
    if (!(option instanceof z.ZodObject)) return false;
    const literal: unknown = option.shape[discriminator];
    return literal instanceof z.ZodLiteral && literal.values.has(wanted as never);
  });
}

function unwrap(start: z.core.$ZodType, value: unknown): SchemaNode {
  let schema = start;
  let description: string | undefined;
  for (;;) {
    if (description === undefined && schema instanceof z.ZodType && schema.description !== undefined) description = schema.description;
    let next: z.core.$ZodType | undefined;
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) next = schema.unwrap();
    else if (schema instanceof z.ZodPrefault || schema instanceof z.ZodReadonly) next = schema.unwrap();
    else if (schema instanceof z.ZodPipe) next = schema.in;
    else if (schema instanceof z.ZodDiscriminatedUnion) next = pickOption(schema, value);
    if (next === undefined) return { schema, description };
    schema = next;
  }
}

function child(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  if (schema instanceof z.ZodObject) return typeof key === 'string' ? schema.shape[key] : undefined;
  if (schema instanceof z.ZodRecord) return schema.valueType;
  if (schema instanceof z.ZodArray) return schema.element;
  // A plain union: the first option that has such a child (enough for messages about a branch).
  if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) {
      const found = child(unwrap(option, undefined).schema, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The schema at `path` below `root` given the parsed `data`, or undefined when it cannot be told. */
export function schemaAt(root: z.core.$ZodType, path: readonly PropertyKey[], data: unknown): SchemaNode | undefined {
  let node = unwrap(root, data);
  let value = data;
  for (const key of path) {
    const next = child(node.schema, key);
    if (next === undefined) return undefined;
    value = childValue(value, key);
    node = unwrap(next, value);
  }
  return node;
}

/** The keys an object schema accepts, or an empty list when the schema is not an object. */
export function knownKeys(node: SchemaNode | undefined): string[] {
  return node !== undefined && node.schema instanceof z.ZodObject ? Object.keys(node.schema.shape) : [];
}
