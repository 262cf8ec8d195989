/**
 * The API contract, checked on every answer the tests receive from sigmirror: each response to a
 * daemon origin (registered by serveApp and startDaemonProcess) must be one /openapi.json
 * describes — a documented status (or the `default` error envelope for ≥ 400), a documented
 * media type, and a body that validates against its schema (ajv, JSON Schema 2020-12, compiled
 * from the same document the daemon serves). A violation fails the request that saw it, so the
 * test fails with the reason. Paths no operation matches must answer 404 in the error envelope;
 * methods a path does not document, 405 with `Allow` (or 204 for OPTIONS).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../src/api/openapi.js';

interface MediaType {
  readonly schema?: unknown;
}
interface ResponseObject {
  readonly content?: Readonly<Record<string, MediaType>>;
}
interface Operation {
  readonly operationId: string;
  readonly responses: Readonly<Record<string, ResponseObject>>;
}
interface PathEntry {
  readonly template: string;
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Operation>>;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const DOC = openApiDocument(VERSION) as {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
};

/** `{repository}` and `{name}` may hold `/`; every other parameter is one path segment. */
const MULTI_SEGMENT = new Set(['repository', 'name']);
function templatePattern(template: string): RegExp {
  const parts = template.split(/(\{\w+\})/);
  const source = parts
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return MULTI_SEGMENT.has(param) ? '[^?#]+' : '[^/?#]+';
    })
    .join('');
  // @koa/router is not strict: `/admin/` is `/admin`.
  return new RegExp(`^${source}/?$`);
}

const PATHS: readonly PathEntry[] = Object.entries(DOC.paths).map(([template, methods]) => ({
  template,
  pattern: templatePattern(template),
  methods,
}));

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi.json', components: DOC.components });
const validators = new Map<unknown, ValidateFunction>();
function validatorFor(schema: unknown): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // Refs in the document are local to it: point them at the document ajv holds.
    const rebased = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
    );
    validate = ajv.compile(rebased as object);
    validators.set(schema, validate);
  }
  return validate;
}

/** An answer as a test saw it. */
export interface Answer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly allow: string | undefined;
  readonly body: Buffer;
}

/** Which operations have had at least one answer checked in this test process. */
const checked = new Set<string>();
export const checkedOperations = (): ReadonlySet<string> => checked;

/** Every operation id in the document. */
export const documentedOperations = (): string[] =>
  PATHS.flatMap((p) => Object.values(p.methods).map((op) => op.operationId));

/** What is wrong with an answer, or undefined when the document describes it. */
export function contractViolation(answer: Answer): string | undefined {
  const label = `${answer.method} ${answer.path} → ${answer.status}`;
  const pathOnly = answer.path.split('?')[0]!;
  const entry = PATHS.find((p) => p.pattern.test(pathOnly));
  const method = answer.method.toLowerCase();
  if (!entry) {
    // The method gate answers before any route: OPTIONS 204 and 405, each with Allow.
    if (answer.method === 'OPTIONS' && answer.status === 204)
      return answer.allow ? undefined : `${label}: a 204 without Allow`;
    if (answer.status === 405)
      return answer.allow ? envelopeViolation(answer, label, [405]) : `${label}: a 405 without Allow`;
    // Under the mirrors' prefixes every path is a file name: a missing one is the mirror's 404.
    if (MIRROR_PREFIXES.some((prefix) => pathOnly.startsWith(prefix)) && answer.status === 404)
      return bodyViolation(answer, label, MIRROR_NOT_FOUND, answer.method === 'HEAD');
    // The web UIs send a browser without a session to their login page (303), and answer their
    // own 4xx as an HTML page (docs/console.md), or in the envelope where no UI route took the path.
    if (HTML_UI_PREFIXES.some((prefix) => pathOnly.startsWith(prefix))) {
      if (answer.status === 303) return undefined;
      if (answer.status >= 400)
        return bodyViolation(answer, label, HTML_OR_ENVELOPE, answer.method === 'HEAD');
    }
    return envelopeViolation(answer, label, [404, 400, 414, 431]);
  }
  const op = entry.methods[method] ?? (method === 'head' ? entry.methods.get : undefined);
  if (!op) {
    if (answer.status < 400)
      return method === 'options' && answer.status === 204 && answer.allow
        ? undefined
        : `${label}: a method the path does not document answers 405 with Allow (OPTIONS: 204)`;
    if (answer.status === 405 && !answer.allow) return `${label}: a 405 without Allow`;
    return envelopeViolation(answer, label, [answer.status]);
  }
  checked.add(op.operationId);
  const documented = op.responses[String(answer.status)];
  if (!documented) {
    if (answer.status < 400) return `${label}: status not documented for ${op.operationId}`;
    return envelopeViolation(answer, label, [answer.status]);
  }
  const violation = bodyViolation(answer, label, documented, method === 'head');
  // Any error may also be the `default` response, the envelope (a route's own parser refused it).
  if (violation && answer.status >= 400 && !envelopeViolation(answer, label, [answer.status]))
    return undefined;
  return violation;
}

function bodyViolation(
  answer: Answer,
  label: string,
  response: ResponseObject,
  head: boolean,
): string | undefined {
  const content = response.content;
  if (!content) {
    return answer.body.length === 0 || answer.status === 303
      ? undefined
      : `${label}: a body where none is documented`;
  }
  const type = answer.contentType?.split(';')[0]?.trim().toLowerCase();
  const media = type === undefined ? undefined : content[type];
  if (!media)
    return `${label}: content type ${answer.contentType} is not one of ${Object.keys(content).join(', ')}`;
  if (head || !type!.endsWith('json') || media.schema === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `${label}: the body is not JSON`;
  }
  const validate = validatorFor(media.schema);
  if (validate(body)) return undefined;
  return `${label}: the body does not match the document: ${ajv.errorsText(validate.errors)}`;
}

const MIRROR_PREFIXES = ['/sigstore/', '/release-signatures/'];
const HTML_UI_PREFIXES = ['/console/', '/admin/'];
const HTML_OR_ENVELOPE: ResponseObject = {
  content: { 'text/html': {}, 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
};
/** The mirror's 404, as documented for its signature paths. */
const MIRROR_NOT_FOUND: ResponseObject =
  DOC.paths['/sigstore/{registry}/{repository}@sha256={hex}/signature-{index}']!.get!.responses['404']!;

const ERRORS_RESPONSE: ResponseObject = {
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
};

/** An error in the envelope (`{"errors": [{code, message, detail?}]}`) with one of `statuses`. */
function envelopeViolation(answer: Answer, label: string, statuses: readonly number[]): string | undefined {
  if (!statuses.includes(answer.status) && answer.status < 400)
    return `${label}: no operation here; expected ${statuses.join(' or ')} in the error envelope`;
  return bodyViolation(answer, label, ERRORS_RESPONSE, answer.method === 'HEAD');
}

// ---- checking every fetch the tests make to a daemon ----

const origins = new Set<string>();
const originalFetch = globalThis.fetch;

/** Responses from `base` (a daemon the test started) are checked against the document. */
export function checkContract(base: string): void {
  origins.add(new URL(base).origin);
  if (globalThis.fetch === originalFetch) globalThis.fetch = contractFetch;
}

async function contractFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await originalFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!origins.has(url.origin)) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const body = Buffer.from(await response.clone().arrayBuffer());
  const violation = contractViolation({
    method,
    path: url.pathname + url.search,
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    allow: response.headers.get('allow') ?? undefined,
    body,
  });
  if (violation) throw new Error(`API contract (src/api/openapi.ts): ${violation}`);
  return response;
}
