/**
 * The OpenAPI entries of the OpenShift release routes (routes/releases.ts), beside them. Keep in
 * sync with docs/releases.md.
 */
import { bodyOf } from '../openapi-bodies.js';
import { AUTH_ERRORS, ERR, json, type RouteDoc } from '../openapi-route.js';
import { ref, str, type Schema } from '../openapi-schemas.js';
import { configMapQuery, releaseImportsBody, releasesQuery } from '../request-schemas.js';

const RELEASE_LIST: Schema = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: {
      type: 'array',
      items: {
        allOf: [ref('ImageSummary')],
        properties: { release: { ...str, description: 'the release digest, sha256:<hex>' } },
      },
    },
    next: { type: ['string', 'null'] },
  },
};

const RELEASE_JOBS: Schema = {
  type: 'object',
  required: ['jobs'],
  properties: {
    jobs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'digest', 'id', 'deduplicated'],
        properties: {
          name: { ...str, description: 'the release as given' },
          digest: str,
          id: { ...str, description: 'follow it with GET /v1/imports/{id}' },
          deduplicated: { type: 'boolean' },
        },
      },
    },
  },
};

const CONFIG_MAP: Schema = {
  type: 'object',
  description:
    'v1 ConfigMap sha256-<hex> in openshift-config-managed, label release.openshift.io/verification-signatures, binaryData sha256-<hex>-N',
};

export const RELEASES_OPENAPI: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/releases/imports',
    operationId: 'createReleaseImports',
    summary: 'enqueue imports of every signature of releases from release.signatureStores',
    auth: 'importer',
    body: bodyOf(releaseImportsBody),
    responses: {
      '202': { description: 'enqueued', content: json(RELEASE_JOBS) },
      '400': ERR('BAD_REQUEST: not {"digests":[…]} or a name without a sha256 digest'),
      ...AUTH_ERRORS,
      '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
    },
  },
  {
    method: 'get',
    path: '/v1/releases',
    operationId: 'listReleases',
    summary: 'the releases in the store with signature count and status (from the image index)',
    auth: 'read',
    query: releasesQuery,
    responses: {
      '200': { description: 'a page', content: json(RELEASE_LIST) },
      '400': ERR('BAD_REQUEST: an invalid query parameter'),
      ...AUTH_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/releases/{digest}/configmap',
    operationId: 'getReleaseConfigMap',
    summary: 'the signature ConfigMap a disconnected cluster applies, with every stored signature',
    auth: 'read',
    query: configMapQuery,
    responses: {
      '200': {
        description: 'the ConfigMap',
        content: { 'application/json': CONFIG_MAP, 'application/yaml': { type: 'string' } },
      },
      '400': ERR('DIGEST_INVALID, an unknown format, or more than 1 MiB of signatures'),
      ...AUTH_ERRORS,
      '404': ERR('NOT_FOUND: no such release in the store'),
    },
  },
];
