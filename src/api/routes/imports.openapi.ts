/**
 * The OpenAPI entries of the import routes (routes/imports.ts), beside them.
 */
import { bodyOf } from '../openapi-bodies.js';
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';
import { importsBody } from '../request-schemas.js';

export const IMPORTS_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/imports',
    operationId: 'createImports',
    summary: 'enqueue imports (one job per image; a pending job is joined)',
    auth: 'importer',
    body: bodyOf(importsBody),
    responses: {
      '202': { description: 'enqueued', content: json(ref('ImportJobs')) },
      '400': ERR('BAD_REQUEST: not {"references":[…]} or an invalid reference'),
      ...AUTH_ERRORS,
      '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
    },
  },
  {
    method: 'get',
    path: '/v1/imports/{id}',
    operationId: 'getImport',
    summary: 'state of an import job',
    auth: 'read',
    responses: {
      '200': { description: 'the job', content: json(ref('ImportStatus')) },
      ...AUTH_ERRORS,
      '404': ERR('no such job (never enqueued, or expired)'),
    },
  },
];
