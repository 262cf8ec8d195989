/**
 * The OpenAPI entries of the OpenShift signatures API (routes/extensions.ts), beside it.
 */
import { bodyOf } from '../openapi-bodies.js';
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref } from '../openapi-schemas.js';
import { signaturePutBody } from '../request-schemas.js';

export const EXTENSIONS_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/extensions/v2/{name}/signatures/{digest}',
    operationId: 'getSignatures',
    summary: 'OpenShift signatures API: every signature of an image',
    auth: 'read',
    responses: {
      '200': { description: 'the signatures (empty when none)', content: json(ref('SignatureList')) },
      '400': ERR('NAME_INVALID or DIGEST_INVALID'),
      ...AUTH_ERRORS,
    },
  },
  {
    method: 'put',
    path: '/extensions/v2/{name}/signatures/{digest}',
    operationId: 'putSignature',
    summary: 'add a signature: it becomes the next signature-N (checked, stored unverified)',
    auth: 'signer',
    body: bodyOf(signaturePutBody),
    responses: {
      '201': { description: 'stored', headers: ['Location'] },
      '400': ERR('NAME_INVALID, DIGEST_INVALID or SIGNATURE_INVALID (the rule in detail)'),
      ...AUTH_ERRORS,
      '409': ERR('SIGNATURE_EXISTS: same name or same bytes'),
      '413': ERR('SIZE_INVALID: body over api.maxBodyBytes'),
    },
  },
];
