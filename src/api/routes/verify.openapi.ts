/**
 * The OpenAPI entry of POST /v1/verify (routes/verify.ts), beside it.
 */
import { bodyOf } from '../openapi-bodies.js';
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';
import { verifyBody } from '../request-schemas.js';

export const VERIFY_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/verify',
    operationId: 'verifyImage',
    summary:
      'verify an image’s stored signatures against keys and an expected identity (as sigmirror verify), or a release’s as the CVO (as sigmirror release verify)',
    auth: ['reader', 'auditor'],
    body: bodyOf(verifyBody),
    responses: {
      '200': { description: 'the verdicts', content: json(ref('Verification')) },
      '400': ERR('BAD_REQUEST: a malformed body, reference, identity, release or key'),
      ...AUTH_ERRORS,
    },
  },
];
