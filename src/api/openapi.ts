/**
 * The OpenAPI 3.1 document served at `GET /openapi.json`: one ROUTES entry per route and method
 * the daemon serves. test/integration/api/openapi.test.ts compares ROUTES with the routers the
 * daemon builds (and the mirror), both ways: a new route fails it until its entry is added here.
 * Keep in sync with docs/api.md.
 */
import type { Role } from '../auth/index.js';
import { RELEASE_ROUTES } from './openapi-releases.js';
import { SCHEMAS, ref, str, type Schema } from './openapi-schemas.js';
import { MAX_SIGNATURE_INDEX } from '../limits.js';
import { z } from 'zod';
import { bodyOf, queryOf } from './openapi-bodies.js';
import { imagesQuery, importsBody, signaturePutBody, verifyBody } from './request-schemas.js';
import { EVENTS_MEDIA_TYPE, envelopeSchema } from '../notifications/index.js';

type Method = 'get' | 'head' | 'put' | 'post' | 'delete' | 'patch';

/** A response: a description, optionally with a body schema under a media type. */
interface ResponseDoc {
  readonly description: string;
  readonly content?: Readonly<Record<string, Schema>>;
  readonly headers?: readonly string[];
}

/** One documented operation. A `{param}` in `path` must be in PARAMETERS. */
export interface RouteDoc {
  readonly method: Method;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** `public`: no token; roles: a token with one of them (admin implies all); `read`: reader, or none with auth.anonymousRead. */
  readonly auth: 'public' | 'read' | Role | readonly Role[];
  /** Descriptions by name (strings), or the zod schema the route validates its query with. */
  readonly query?: Readonly<Record<string, string>> | z.ZodObject;
  readonly body?: { readonly description: string; readonly content: Readonly<Record<string, Schema>> };
  readonly responses: Readonly<Record<string, ResponseDoc | string>>;
}

const HEX = 'a'.repeat(64);
const json = (schema: Schema) => ({ 'application/json': schema });
const text = { 'text/plain': { type: 'string' } };

/** Path parameters by name; `example` is what appears in a URL (percent-encoded where needed). */
export const PARAMETERS: Readonly<Record<string, { description: string; example: string; schema: Schema }>> =
  {
    registry: {
      description: 'registry host[:port]',
      example: 'registry.redhat.io',
      schema: { type: 'string' },
    },
    repository: {
      description: 'repository path without the registry; may contain `/`',
      example: 'ubi9/ubi',
      schema: { type: 'string' },
    },
    hex: {
      description: 'the manifest digest’s sha256 hex',
      example: HEX,
      schema: { pattern: '^[a-f0-9]{64}$' },
    },
    index: {
      description: 'signature index, 1-based',
      example: '1',
      schema: { type: 'integer', minimum: 1, maximum: MAX_SIGNATURE_INDEX },
    },
    name: {
      description:
        'repository name; its first component is the registry when it has `.` or `:` or is `localhost`, else api.defaultRegistry applies',
      example: 'registry.redhat.io/ubi9/ubi',
      schema: { type: 'string' },
    },
    digest: {
      description: 'manifest digest',
      example: `sha256:${HEX}`,
      schema: { pattern: '^sha256:[a-f0-9]{64}$' },
    },
    id: {
      description: 'import job id as POST /v1/imports returned it, percent-encoded (it contains `/`)',
      example: `import-${HEX}-registry.redhat.io%2Fubi9%2Fubi`,
      schema: { type: 'string' },
    },
    queue: {
      description: 'queue name: `import` or `resync`',
      example: 'import',
      schema: { enum: ['import', 'resync'] },
    },
    jobId: {
      description: 'job id as the dashboard lists it, percent-encoded (import job ids contain `/`)',
      example: `import-${HEX}-registry.redhat.io%2Fubi9%2Fubi`,
      schema: { type: 'string' },
    },
  };

/** docker-distribution sends its own media type; plain JSON is taken alike. */
function notificationBody() {
  const body = bodyOf(envelopeSchema);
  const schema = body.content['application/json']!;
  return { ...body, content: { [EVENTS_MEDIA_TYPE]: schema, 'application/json': schema } };
}

const ERR = (description: string): ResponseDoc => ({ description, content: json(ref('Errors')) });
const AUTH_ERRORS = { '401': ERR('no or unknown token'), '403': ERR('the token lacks the role') };
const MIRROR_RESPONSES = {
  '200': {
    description: 'the signature’s bytes',
    content: { 'application/octet-stream': {} },
    headers: ['ETag'],
  },
  '304': 'If-None-Match matched',
  '404': { description: 'no such signature (nor any after it)', content: text },
  '401': ERR('no or unknown token where anonymous reads are off'),
  '403': ERR('the token lacks the reader role'),
  '503': ERR('UNAVAILABLE: the store cannot answer (never a 404), with Cache-Control: no-store'),
};

const HTML = (description: string): ResponseDoc => ({
  description,
  content: { 'text/html': { type: 'string' } },
});
/** The web console (docs/console.md): pages take the `sigmirror_console` cookie or a Bearer token. */
const CONSOLE_PAGE_RESPONSES = {
  '200': HTML('the page'),
  '303': { description: 'no or stale console cookie: to /console/login?next=…', headers: ['Location'] },
  '401': HTML('an unknown Bearer token'),
  '403': HTML('the token lacks the reader role'),
};
const CONSOLE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/console',
    operationId: 'consoleOverview',
    summary: 'web console: images per status, configuration state, recent imports and failures',
    auth: 'reader',
    responses: CONSOLE_PAGE_RESPONSES,
  },
  {
    method: 'get',
    path: '/console/images',
    operationId: 'consoleImages',
    summary: 'web console: the image listing, filtered and paged as GET /v1/images',
    auth: 'reader',
    query: imagesQuery,
    responses: { ...CONSOLE_PAGE_RESPONSES, '400': HTML('an invalid filter or cursor') },
  },
  {
    method: 'get',
    path: '/console/images/{registry}/{repository}@{digest}',
    operationId: 'consoleImage',
    summary: 'web console: an image’s signatures, unverified claims, verification records and actions',
    auth: 'reader',
    responses: {
      ...CONSOLE_PAGE_RESPONSES,
      '400': HTML('NAME_INVALID or DIGEST_INVALID'),
      '404': HTML('no such image'),
    },
  },
  {
    method: 'get',
    path: '/console/login',
    operationId: 'consoleLogin',
    summary: 'web console: paste a token (kept in sessionStorage and the sigmirror_console cookie)',
    auth: 'public',
    query: { next: 'the console page to return to', reason: '`invalid`: the saved token was refused' },
    responses: { '200': HTML('the login page') },
  },
  ...(['console.js', 'console.css'] as const).map((name): RouteDoc => ({
    method: 'get',
    path: `/console/static/${name}`,
    operationId: name === 'console.js' ? 'consoleScript' : 'consoleStylesheet',
    summary: `web console: its ${name === 'console.js' ? 'script' : 'stylesheet'} (cached for a year; pages add ?v=<hash>)`,
    auth: 'public',
    responses: {
      '200': {
        description: 'the file',
        content: { [name === 'console.js' ? 'text/javascript' : 'text/css']: { type: 'string' } },
      },
    },
  })),
];

/** The admin dashboard (docs/operations.md): pages take the `sigmirror_admin` cookie or a Bearer token. */
const ADMIN_PAGE_RESPONSES = {
  '200': HTML('the page'),
  '303': { description: 'no or stale dashboard cookie: to /admin/login?next=…', headers: ['Location'] },
  '401': HTML('an unknown Bearer token'),
  '403': HTML('the token lacks the admin role'),
  '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
};
/** The dashboard's job actions: Bearer only, never the cookie. */
const ADMIN_JOB_RESPONSES = {
  ...AUTH_ERRORS,
  '404': ERR('NOT_FOUND: no such queue or job (removed, or expired)'),
  '503': ERR('UNAVAILABLE: the queue (Redis) does not answer'),
};
const ADMIN_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/admin',
    operationId: 'adminStatus',
    summary:
      'admin dashboard: process, registries.d and tokens state, store counts, queue counts, recent imports and failures',
    auth: 'admin',
    responses: ADMIN_PAGE_RESPONSES,
  },
  {
    method: 'get',
    path: '/admin/queues/{queue}',
    operationId: 'adminQueue',
    summary: 'admin dashboard: a queue’s job counts per state and its newest jobs per state, with actions',
    auth: 'admin',
    responses: { ...ADMIN_PAGE_RESPONSES, '404': HTML('no such queue') },
  },
  {
    method: 'get',
    path: '/admin/login',
    operationId: 'adminLogin',
    summary: 'admin dashboard: paste a token (kept in sessionStorage and the sigmirror_admin cookie)',
    auth: 'public',
    query: { next: 'the dashboard page to return to', reason: '`invalid`: the saved token was refused' },
    responses: { '200': HTML('the login page') },
  },
  {
    method: 'get',
    path: '/admin/static/admin.js',
    operationId: 'adminScript',
    summary: 'admin dashboard: its script (cached for a year; pages add ?v=<hash>)',
    auth: 'public',
    responses: { '200': { description: 'the file', content: { 'text/javascript': { type: 'string' } } } },
  },
  {
    method: 'post',
    path: '/v1/admin/queues/{queue}/jobs/{jobId}/retry',
    operationId: 'retryJob',
    summary: 'move a failed job back to waiting, its attempts reset',
    auth: 'admin',
    responses: {
      '200': {
        description: 'retried',
        content: json({
          type: 'object',
          required: ['queue', 'id', 'state'],
          properties: { queue: str, id: str, state: { ...str, description: 'the job’s state now' } },
        }),
      },
      '400': ERR('BAD_REQUEST: the job is not failed'),
      ...ADMIN_JOB_RESPONSES,
    },
  },
  {
    method: 'delete',
    path: '/v1/admin/queues/{queue}/jobs/{jobId}',
    operationId: 'removeJob',
    summary: 'remove a job no worker holds (not the resync schedule’s next run)',
    auth: 'admin',
    responses: {
      '200': {
        description: 'removed',
        content: json({
          type: 'object',
          required: ['queue', 'id', 'removed'],
          properties: { queue: str, id: str, removed: { const: true } },
        }),
      },
      '400': ERR('BAD_REQUEST: the job is active, or the resync schedule’s next run'),
      ...ADMIN_JOB_RESPONSES,
    },
  },
];

/** Every route and method the daemon serves (HEAD comes with each GET of the routers). */
export const ROUTES: readonly RouteDoc[] = [
  ...(['get', 'head'] as const).map((method): RouteDoc => ({
    method,
    path: '/sigstore/{registry}/{repository}@sha256={hex}/signature-{index}',
    operationId: `${method}MirrorSignature`,
    summary: 'the lookaside mirror: raw signature bytes, exactly as a static sigstore',
    auth: 'read',
    responses: MIRROR_RESPONSES,
  })),
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
  {
    method: 'get',
    path: '/v1/images/{registry}/{repository}@{digest}',
    operationId: 'getImage',
    summary: 'signatures of an image with their metadata and verification records',
    auth: 'read',
    responses: {
      '200': { description: 'the image', content: json(ref('Image')) },
      '400': ERR('NAME_INVALID or DIGEST_INVALID'),
      ...AUTH_ERRORS,
    },
  },
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
  {
    method: 'get',
    path: '/v1/images',
    operationId: 'listImages',
    summary: 'known images with signature count and status, from the image index, in reference order',
    auth: 'read',
    query: imagesQuery,
    responses: {
      '200': { description: 'a page', content: json(ref('ImagePage')) },
      '400': ERR('BAD_REQUEST: an invalid query parameter'),
      ...AUTH_ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/images/summary',
    operationId: 'imageCounts',
    summary: 'images per status',
    auth: 'read',
    responses: { '200': { description: 'counts', content: json(ref('ImageCounts')) }, ...AUTH_ERRORS },
  },
  {
    method: 'get',
    path: '/v1/status',
    operationId: 'status',
    summary: 'registries.d state, queue depth, configured verification keys, recent imports and failures',
    auth: 'read',
    responses: { '200': { description: 'status', content: json(ref('Status')) }, ...AUTH_ERRORS },
  },
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
  ...RELEASE_ROUTES,
  ...CONSOLE_ROUTES,
  ...ADMIN_ROUTES,
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

const security = (auth: RouteDoc['auth']) =>
  auth === 'public' ? [] : auth === 'read' ? [{}, { bearer: [] }] : [{ bearer: [] }];

function operation(route: RouteDoc): Schema {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const param = PARAMETERS[name!];
    if (!param) throw new Error(`openapi: ${route.path}: no PARAMETERS entry for {${name}}`);
    // Examples are URL forms (tests build URLs from them); an integer's is typed, as validators expect.
    const example = param.schema.type === 'integer' ? Number(param.example) : param.example;
    return { name, in: 'path', required: true, ...param, example };
  });
  const queryParams =
    route.query instanceof z.ZodObject
      ? queryOf(route.query)
      : Object.entries(route.query ?? {}).map(([name, description]) => ({
          name,
          in: 'query',
          required: false,
          description,
          schema: str,
        }));
  const role =
    route.auth === 'public'
      ? 'none'
      : route.auth === 'read'
        ? 'reader (none with auth.anonymousRead)'
        : typeof route.auth === 'string'
          ? route.auth
          : route.auth.join(' or ');
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Role: ${role}.`,
    security: security(route.auth),
    parameters: [...pathParams, ...queryParams],
    ...(route.body && {
      requestBody: {
        required: true,
        description: route.body.description,
        content: mediaTypes(route.body.content),
      },
    }),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => {
          const { headers, content, description } = typeof r === 'string' ? { description: r } : r;
          const described = headers && Object.fromEntries(headers.map((h) => [h, { schema: str }]));
          return [
            status,
            {
              description,
              ...(content && { content: mediaTypes(content) }),
              ...(described && { headers: described }),
            },
          ];
        }),
      ),
      default: DEFAULT_ERROR,
    },
  };
}

/** `{type: schema}` → OpenAPI media type objects (`{type: {schema}}`). */
const mediaTypes = (content: Readonly<Record<string, Schema>>) =>
  Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));

/** What any route may also answer (boundary, method gate, body limits, store down): the envelope. */
const DEFAULT_ERROR = {
  description:
    'any other error, in the envelope: 400/408/431 (malformed request), 405 (with Allow), 413, 415, 500, 503 (Redis or the store down)',
  content: mediaTypes(json(ref('Errors'))),
};

/** The whole document (built once by the route that serves it). */
export function openApiDocument(version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'sigmirror',
      version,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'Mirrors and serves container image simple-signing signatures. Errors: {"errors":[{code,message,detail}]}.',
    },
    servers: [{ url: '/', description: 'the daemon serving this document' }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'auth.tokensFile tokens' } },
    },
  };
}
