/**
 * The OpenAPI entries of /healthz, /readyz and /metrics (routes/health.ts), beside them.
 */
import { json, text, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';

export const HEALTH_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    summary: 'the process is up (with a rejected registries.d edit, if any)',
    auth: 'public',
    responses: { '200': { description: 'up', content: json(ref('Health')) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    summary:
      'ready: Redis answers, a registries.d configuration is in force (a rejected edit over it does not count), the store is writable',
    auth: 'public',
    responses: {
      '200': { description: 'ready', content: json(ref('Readiness')) },
      '503': { description: 'not ready; each failing check says why', content: json(ref('Readiness')) },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (sigmirror_*), of every serving process',
    auth: 'public',
    responses: {
      '200': { description: 'text exposition format', content: text },
      '503': {
        description: 'listen.processes > 1 and the daemon process did not gather them in time',
        content: text,
      },
    },
  },
];
