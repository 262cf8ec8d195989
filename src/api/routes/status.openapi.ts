/**
 * The OpenAPI entry of GET /v1/status (routes/status.ts), beside it.
 */
import { AUTH_ERRORS, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';

export const STATUS_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/status',
    operationId: 'status',
    summary: 'registries.d state, queue depth, configured verification keys, recent imports and failures',
    auth: 'read',
    responses: { '200': { description: 'status', content: json(ref('Status')) }, ...AUTH_ERRORS },
  },
];
