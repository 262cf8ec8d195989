/**
 * The OpenAPI entry of the registry notifications route (routes/notifications.ts), beside it.
 */
import { EVENTS_MEDIA_TYPE, envelopeSchema } from '../../notifications/index.js';
import { bodyOf } from '../openapi-bodies.js';
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';

/** docker-distribution sends its own media type; plain JSON is taken alike. */
function notificationBody() {
  const body = bodyOf(envelopeSchema);
  const schema = body.content['application/json']!;
  return { ...body, content: { [EVENTS_MEDIA_TYPE]: schema, 'application/json': schema } };
}

export const NOTIFICATIONS_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/notifications/registry',
    operationId: 'registryNotifications',
    summary: 'docker-distribution notifications: each manifest push enqueues an import',
    auth: 'importer',
    query: { source: 'configured notification source (notifications.sources) naming the registry' },
    body: notificationBody(),
    responses: {
      '200': { description: 'acknowledged', content: json(ref('Queued')) },
      '400': ERR('BAD_REQUEST: not an envelope, or an unknown source'),
      ...AUTH_ERRORS,
      '503': ERR('UNAVAILABLE: the queue is down (the registry retries)'),
    },
  },
];
