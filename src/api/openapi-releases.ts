/**
 * The OpenAPI entries of the OpenShift release routes (routes/release-mirror.ts, routes/releases.ts),
 * spread into ROUTES by src/api/openapi.ts, which checks them against its RouteDoc type (they are
 * `as const` here, so this file needs nothing from openapi.ts). Keep in sync with docs/releases.md.
 */
import { bodyOf } from './openapi-bodies.js';
import { ref, str, type Schema } from './openapi-schemas.js';
import { releaseImportsBody } from './request-bodies.js';

const json = (schema: Schema) => ({ 'application/json': schema });
const text = { 'text/plain': { type: 'string' } };
const ERR = (description: string) => ({ description, content: json(ref('Errors')) });
const AUTH_ERRORS = { '401': ERR('no or unknown token'), '403': ERR('the token lacks the role') };

const RELEASE_MIRROR_RESPONSES = {
  '200': {
    description: 'the signature’s bytes, as the release store served them',
    content: { 'application/octet-stream': {} },
    headers: ['ETag'],
  },
  '304': 'If-None-Match matched',
  '401': ERR('no or unknown token where anonymous reads are off'),
  '403': ERR('the token lacks the reader role'),
  '404': { description: 'no such signature (nor any after it): the CVO’s end of the list', content: text },
  '503': ERR('UNAVAILABLE: the store cannot answer (never a 404), with Cache-Control: no-store'),
};

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

export const RELEASE_ROUTES = [
  ...(['get', 'head'] as const).map(
    (method) =>
      ({
        method,
        path: '/release-signatures/sha256={hex}/signature-{index}',
        operationId: `${method}ReleaseSignature`,
        summary:
          'OpenShift release signatures in the CVO’s store layout (a cluster’s store-* URL or signatureStores)',
        auth: 'read',
        responses: RELEASE_MIRROR_RESPONSES,
      }) as const,
  ),
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
    query: {
      status: 'verified, failed, unverified or unsigned',
      limit: 'rows per page, 1 to 1000 (default 100)',
      cursor: 'the previous page’s next',
    },
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
    query: { format: '`json` (default) or `yaml`' },
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
] as const;
