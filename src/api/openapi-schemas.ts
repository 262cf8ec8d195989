/**
 * Component schemas of the OpenAPI document (src/api/openapi.ts): generated from the zod schemas
 * of response-schemas.ts, which the routes type their bodies with, so the two cannot drift.
 */
import { z } from 'zod';
import { responseSchemas } from './response-schemas.js';

export type Schema = Readonly<Record<string, unknown>>;

const COMPONENTS = '#/components/schemas/';
export const ref = (name: string): Schema => ({ $ref: `${COMPONENTS}${name}` });

export const str = { type: 'string' };

/** Each registered schema's JSON Schema (2020-12), cross-references as `$ref`s to components. */
function generated(): Record<string, Schema> {
  const { schemas } = z.toJSONSchema(responseSchemas, {
    target: 'draft-2020-12',
    uri: (id) => `${COMPONENTS}${id}`,
    // Open objects: clients ignore fields they do not know (see response-schemas.ts).
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

export const SCHEMAS: Readonly<Record<string, Schema>> = generated();
