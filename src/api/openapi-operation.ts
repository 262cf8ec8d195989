/**
 * One RouteDoc as an OpenAPI operation: path parameters (documented once, here, for every route
 * that has them), query parameters, request body, responses and the `default` error envelope.
 */
import { z } from 'zod';
import { queryOf } from './openapi-bodies.js';
import type { RouteDoc } from './openapi-route.js';
import { ref, str, type Schema } from './openapi-schemas.js';
import { json } from './openapi-route.js';
import { MAX_SIGNATURE_INDEX } from '../limits.js';

const HEX = 'a'.repeat(64);

/** Path parameters by name; `example` is what appears in a URL (percent-encoded where needed). */
export const PARAMETERS: Readonly<Record<string, { description: string; example: string; schema: Schema }>> =
  {
    registry: {
      description: 'registry host[:port]',
      example: 'registry.redhat.io',
      schema: { type: 'string' },
    },
    repository: {
      description: 'repository path without the registry; may contain `/`',
      example: 'ubi9/ubi',
      schema: { type: 'string' },
    },
    hex: {
      description: 'the manifest digest’s sha256 hex',
      example: HEX,
      schema: { pattern: '^[a-f0-9]{64}$' },
    },
    index: {
      description: 'signature index, 1-based',
      example: '1',
      schema: { type: 'integer', minimum: 1, maximum: MAX_SIGNATURE_INDEX },
    },
    name: {
      description:
        'repository name; its first component is the registry when it has `.` or `:` or is `localhost`, else api.defaultRegistry applies',
      example: 'registry.redhat.io/ubi9/ubi',
      schema: { type: 'string' },
    },
    digest: {
      description: 'manifest digest',
      example: `sha256:${HEX}`,
      schema: { pattern: '^sha256:[a-f0-9]{64}$' },
    },
    id: {
      description: 'import job id as POST /v1/imports returned it, percent-encoded (it contains `/`)',
      example: `import-${HEX}-registry.redhat.io%2Fubi9%2Fubi`,
      schema: { type: 'string' },
    },
    queue: {
      description: 'queue name: `import` or `resync`',
      example: 'import',
      schema: { enum: ['import', 'resync'] },
    },
    jobId: {
      description: 'job id as the dashboard lists it, percent-encoded (import job ids contain `/`)',
      example: `import-${HEX}-registry.redhat.io%2Fubi9%2Fubi`,
      schema: { type: 'string' },
    },
  };

const security = (auth: RouteDoc['auth']) =>
  auth === 'public' ? [] : auth === 'read' ? [{}, { bearer: [] }] : [{ bearer: [] }];

export function operation(route: RouteDoc): Schema {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const param = PARAMETERS[name!];
    if (!param) throw new Error(`openapi: ${route.path}: no PARAMETERS entry for {${name}}`);
    // Examples are URL forms (tests build URLs from them); an integer's is typed, as validators expect.
    const example = param.schema.type === 'integer' ? Number(param.example) : param.example;
    return { name, in: 'path', required: true, ...param, example };
  });
  const queryParams =
    route.query instanceof z.ZodObject
      ? queryOf(route.query)
      : Object.entries(route.query ?? {}).map(([name, description]) => ({
          name,
          in: 'query',
          required: false,
          description,
          schema: str,
        }));
  const role =
    route.auth === 'public'
      ? 'none'
      : route.auth === 'read'
        ? 'reader (none with auth.anonymousRead)'
        : typeof route.auth === 'string'
          ? route.auth
          : route.auth.join(' or ');
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Role: ${role}.`,
    security: security(route.auth),
    parameters: [...pathParams, ...queryParams],
    ...(route.body && {
      requestBody: {
        required: true,
        description: route.body.description,
        content: mediaTypes(route.body.content),
      },
    }),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => {
          const { headers, content, description } = typeof r === 'string' ? { description: r } : r;
          const described = headers && Object.fromEntries(headers.map((h) => [h, { schema: str }]));
          return [
            status,
            {
              description,
              ...(content && { content: mediaTypes(content) }),
              ...(described && { headers: described }),
            },
          ];
        }),
      ),
      default: DEFAULT_ERROR,
    },
  };
}

/** `{type: schema}` → OpenAPI media type objects (`{type: {schema}}`). */
const mediaTypes = (content: Readonly<Record<string, Schema>>) =>
  Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));

/** What any route may also answer (boundary, method gate, body limits, store down): the envelope. */
const DEFAULT_ERROR = {
  description:
    'any other error, in the envelope: 400/408/431 (malformed request), 405 (with Allow), 413, 415, 500, 503 (Redis or the store down)',
  content: mediaTypes(json(ref('Errors'))),
};
