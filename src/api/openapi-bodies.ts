/**
 * Request bodies in /openapi.json, generated from the zod schemas the routes validate with
 * (request-schemas.ts): the `input` side (defaults optional), refinements described in words.
 */
import { z } from 'zod';
import type { Schema } from './openapi-schemas.js';

/** A zod schema's JSON Schema (2020-12, the dialect OpenAPI 3.1 uses), without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return rest;
}

/** An operation's JSON request body. */
export function bodyOf(schema: z.ZodType): {
  readonly description: string;
  readonly content: Readonly<Record<string, Schema>>;
} {
  const json = jsonSchemaOf(schema);
  return { description: String(json.description ?? ''), content: { 'application/json': json } };
}

/** Query parameters from a zod object: one per key, its JSON Schema, required unless optional. */
export function queryOf(schema: z.ZodObject): Schema[] {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string } & Schema;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(description !== undefined && { description }),
      schema: rest,
    };
  });
}
