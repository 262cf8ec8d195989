/**
 * Request bodies in /openapi.json, generated from the zod schemas the routes validate with
 * (request-bodies.ts): the `input` side (defaults optional), refinements described in words.
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
