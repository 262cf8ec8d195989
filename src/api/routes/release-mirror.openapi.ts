/**
 * The OpenAPI entries of the OpenShift release signatures store (routes/release-mirror.ts), beside
 * it. Keep in sync with docs/releases.md.
 */
import type { RouteDoc } from '../openapi-route.js';
import { mirrorResponses } from './mirror.openapi.js';

const RELEASE_MIRROR_RESPONSES = mirrorResponses(
  'the signature’s bytes, as the release store served them',
  'no such signature (nor any after it): the CVO’s end of the list',
);

export const RELEASE_MIRROR_OPENAPI: readonly RouteDoc[] = [
  ...(['get', 'head'] as const).map((method): RouteDoc => ({
    method,
    path: '/release-signatures/sha256={hex}/signature-{index}',
    operationId: `${method}ReleaseSignature`,
    summary:
      'OpenShift release signatures in the CVO’s store layout (a cluster’s store-* URL or signatureStores)',
    auth: 'read',
    responses: RELEASE_MIRROR_RESPONSES,
  })),
];
