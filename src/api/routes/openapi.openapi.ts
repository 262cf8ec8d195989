/**
 * The OpenAPI entries of the document itself and its page (routes/openapi.ts), beside them.
 */
import { HTML, json, type RouteDoc } from '../openapi-route.js';

export const OPENAPI_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/docs/api',
    operationId: 'apiDocs',
    summary: 'this document as a page (server-rendered; the console’s stylesheet, no script)',
    auth: 'public',
    responses: { '200': HTML('the page') },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'this document',
    auth: 'public',
    responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
  },
];
