/**
 * /openapi.json against the routes the daemon really serves: the routers buildApi() assembles
 * (read from the Koa app's middleware, so a new router is seen without touching this test) and the
 * mirror. Every documented operation must hit exactly one served route, every served route and
 * method must be documented, and an anonymous request to each documented example path must answer
 * a documented status. A new route fails here until it has its entry in src/api/openapi.ts ROUTES.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { pino } from 'pino';
import { MIRROR_PREFIX, RELEASE_MIRROR_PREFIX } from '../../../src/api/index.js';
import { parseMirrorPath, parseReleasePath as parseReleaseMirrorPath } from '../../../src/lookaside/index.js';
import { UI_CSP as CONSOLE_CSP } from '../../../src/api/webui/index.js';
import { openApiDocument } from '../../../src/api/openapi.js';
import { buildApi } from '../../../src/api/server.js';
import { TokensWatcher } from '../../../src/auth/index.js';
import { daemonConfigSchema } from '../../../src/config/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { ImportProducer } from '../../../src/queue/index.js';
import { RegistriesWatcher } from '../../../src/registries/index.js';
import { indexConnection } from '../../../src/redis/index.js';
import { createFsStore, redisImageIndex } from '../../../src/store/index.js';
import { checkedOperations, documentedOperations } from '../../helpers/contract.js';
import { serveApp } from '../../helpers/http.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir } from '../../helpers/tmp.js';

const test = await needs({ redis: true });

interface Operation {
  operationId: string;
  parameters: Array<{ name: string; in: string; required: boolean; example?: string }>;
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** A route the server answers: its methods, and whether a concrete path is one of its URLs. */
interface Served {
  readonly label: string;
  readonly methods: ReadonlySet<string>;
  /** The path template (`{param}` syntax) of a string-path route; undefined for a RegExp. */
  readonly template: string | undefined;
  matches(concrete: string): boolean;
}

const PACKAGE = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** `/v1/imports/:id` (path-to-regexp) → `/v1/imports/{id}` (OpenAPI). */
const normalise = (template: string) => template.replace(/[:*](\w+)/g, '{$1}');

async function daemonApi(t: ExecutionContext) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const config = daemonConfigSchema.parse({
    redis: { url: TEST_REDIS_URL, prefix },
    registriesDir: path.join(dir, 'rd'),
    store: { path: path.join(dir, 'store') },
  });
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 1 });
  t.teardown(() => producer.close());
  await producer.depth(); // connected: closing a connecting queue rejects unhandled
  const indexRedis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => indexRedis.disconnect());
  const app = buildApi({
    config,
    store: createFsStore({ root: config.store.path, index: redisImageIndex(indexRedis, prefix) }),
    producer,
    registries: new RegistriesWatcher({ dir: config.registriesDir, pollIntervalMs: 0 }),
    tokens: new TokensWatcher(undefined),
    metrics: createMetrics(false),
    logger: pino({ level: 'silent' }),
  });
  const routers = app.middleware.flatMap((mw) => (mw as { router?: Router }).router ?? []);
  const served: Served[] = routers.flatMap((router) =>
    router.stack
      .filter((layer) => layer.methods.length > 0) // router.use() middleware is not a route
      .map((layer) => ({
        label: `${layer.methods.join(',')} ${String(layer.path)}`,
        methods: new Set(layer.methods),
        template: typeof layer.path === 'string' ? normalise(layer.path) : undefined,
        matches: (concrete: string) => layer.match(concrete),
      })),
  );
  // The mirror is a plain handler dispatched before Koa (src/api/routes/mirror.ts), not a router.
  served.push({
    label: `GET,HEAD ${MIRROR_PREFIX}…`,
    methods: new Set(['GET', 'HEAD']),
    template: undefined,
    matches: (concrete) =>
      concrete.startsWith(MIRROR_PREFIX) &&
      parseMirrorPath(concrete.slice(MIRROR_PREFIX.length)) !== undefined,
  });
  // So are OpenShift release signatures (src/api/routes/release-mirror.ts).
  served.push({
    label: `GET,HEAD ${RELEASE_MIRROR_PREFIX}…`,
    methods: new Set(['GET', 'HEAD']),
    template: undefined,
    matches: (concrete) =>
      concrete.startsWith(RELEASE_MIRROR_PREFIX) &&
      parseReleaseMirrorPath(concrete.slice(RELEASE_MIRROR_PREFIX.length)) !== undefined,
  });
  const base = await serveApp(t, app);
  const res = await fetch(`${base}/openapi.json`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
  return { base, served, doc: (await res.json()) as Document };
}

/** Each documented operation with its path filled in from the parameters' examples. */
function operations(doc: Document) {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const examples = new Map(op.parameters.map((p) => [p.name, p.example]));
      const concrete = template.replace(/\{(\w+)\}/g, (_, name: string) => examples.get(name) ?? `{${name}}`);
      return {
        label: `${method.toUpperCase()} ${template}`,
        template,
        method: method.toUpperCase(),
        concrete,
        op,
      };
    }),
  );
}

test('every served route and method is in /openapi.json and every documented operation is served', async (t) => {
  const api = await daemonApi(t);
  t.true(
    api.served.some((s) => s.template === '/healthz'),
    'the routers were found',
  );
  const ops = operations(api.doc);
  const unserved: string[] = [];
  for (const op of ops) {
    const hits = api.served.filter((s) => s.methods.has(op.method) && s.matches(op.concrete));
    if (hits.length !== 1) unserved.push(`${op.label} (${op.concrete}) → ${hits.length} routes`);
    else if (hits[0]!.template !== undefined && hits[0]!.template !== op.template)
      unserved.push(`${op.label}: the route is ${hits[0]!.template}`);
  }
  const undocumented: string[] = [];
  for (const route of api.served) {
    for (const method of route.methods) {
      // @koa/router answers HEAD for every GET: documenting the GET is enough.
      if (method === 'HEAD' && route.methods.has('GET')) continue;
      if (!ops.some((op) => op.method === method && route.matches(op.concrete)))
        undocumented.push(`${method} of ${route.label}`);
    }
  }
  t.deepEqual(
    {
      'documented, not served (or ambiguous)': unserved,
      'served, not in src/api/openapi.ts ROUTES': undocumented,
    },
    { 'documented, not served (or ambiguous)': [], 'served, not in src/api/openapi.ts ROUTES': [] },
  );
});

test('an anonymous request to each documented example answers one of its documented statuses', async (t) => {
  const api = await daemonApi(t);
  const wrong: string[] = [];
  for (const op of operations(api.doc)) {
    const res = await fetch(`${api.base}${op.concrete}`, {
      method: op.method,
      ...(['POST', 'PUT'].includes(op.method) && {
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    });
    await res.arrayBuffer();
    if (!(String(res.status) in op.op.responses)) wrong.push(`${op.label}: ${res.status}`);
  }
  t.deepEqual(wrong, []);
  // Each answer above went through the contract check (helpers/contract.ts): no route is unchecked.
  t.deepEqual(
    documentedOperations().filter((id) => !checkedOperations().has(id)),
    [],
    'operations with no answer checked against the document',
  );
});

test('the document is well formed: declared path parameters, unique operation ids, resolvable refs', async (t) => {
  const api = await daemonApi(t);
  const { doc } = api;
  t.is(doc.openapi, '3.1.0');
  t.is(doc.info.version, PACKAGE.version);
  t.deepEqual(doc, JSON.parse(JSON.stringify(openApiDocument(PACKAGE.version))) as Document);
  const ops = operations(doc);
  for (const op of ops) {
    const declared = op.op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    t.deepEqual(
      declared,
      [...op.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
      op.label,
    );
    t.true(
      op.op.parameters.filter((p) => p.in === 'path').every((p) => p.required && p.example !== undefined),
      op.label,
    );
    t.false(op.concrete.includes('{'), `${op.label}: every path parameter has an example`);
  }
  const ids = ops.map((op) => op.op.operationId);
  t.is(new Set(ids).size, ids.length, 'operationIds are unique');
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
    (m) => m[1]!,
  );
  t.true(refs.length > 0);
  t.deepEqual(
    refs.filter((name) => !(name in doc.components.schemas)),
    [],
  );
});

test('the served document is valid OpenAPI 3.1: 0 problems under redocly.yaml (recommended rules)', async (t) => {
  const api = await daemonApi(t);
  const config = await loadConfig({
    configPath: fileURLToPath(new URL('../../../redocly.yaml', import.meta.url)),
  });
  const problems = await lintFromString({
    source: JSON.stringify(api.doc),
    absoluteRef: `${api.base}/openapi.json`,
    config,
  });
  t.deepEqual(
    problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`),
    [],
  );
});

test('/docs/api renders every operation and schema of the document, under the console CSP, with no script', async (t) => {
  const api = await daemonApi(t);
  const res = await fetch(`${api.base}/docs/api`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(res.headers.get('content-security-policy'), CONSOLE_CSP);
  const page = await res.text();
  t.false(page.includes('<script'), 'no script: the page is rendered on the server');
  const missing = [
    ...operations(api.doc).map((op) => `id="${op.op.operationId}"`),
    ...Object.keys(api.doc.components.schemas).map((name) => `id="schema-${name}"`),
  ].filter((anchor) => !page.includes(anchor));
  t.deepEqual(missing, []);
  t.true(page.includes(`<code>/v1/imports</code>`));
  t.true(page.includes(`${api.doc.info.version}`));
  const style = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1];
  t.truthy(style);
  t.is(
    (await fetch(`${api.base}${style!.replaceAll('&amp;', '&')}`)).status,
    200,
    'its stylesheet is served by the daemon',
  );
});
