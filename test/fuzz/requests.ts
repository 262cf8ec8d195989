/**
 * fast-check arbitraries for attacking the daemon: every route × every method × conditional,
 * range and odd headers × paths and bodies built from grammar fragments with long repetitions,
 * percent-encodings and unicode. The fragments are the ones that broke parsers before: empty
 * separators, `..`, encoded slashes and NULs, names far past the length limit.
 */
import fc from 'fast-check';
import { TOKENS } from '../helpers/api.js';

export const HEX = 'c'.repeat(64);
export const DIGEST = `sha256:${HEX}`;

/** One request as sent on the wire. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
}

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'PURGE',
];

/** Name pieces: valid components, separators, encodings, unicode, traversal. */
const atom = fc.constantFrom(
  'a',
  'ns',
  'app',
  '0',
  '-',
  '--',
  '.',
  '_',
  '__',
  '..',
  '/',
  '//',
  '!',
  '@',
  ':',
  '=',
  '%2e',
  '%2E',
  '%2f',
  '%00',
  '%',
  '%zz',
  '%25',
  'é',
  '\u202e',
  '\u0000',
  ' ',
  '+',
  'A',
  'sha256',
  'sha256=',
  'sha256:',
  '~',
  '\\',
);
/** Long runs of one piece: what makes a backtracking grammar explode. */
const run = fc
  .tuple(
    fc.constantFrom('a', 'a-', 'a.', 'a_', 'a__', '0', '-', 'a/', '%2e'),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([piece, n]) => piece.repeat(n));
const name = fc
  .array(fc.oneof({ weight: 3, arbitrary: atom }, { weight: 1, arbitrary: run }), { maxLength: 8 })
  .map((parts) => parts.join(''));
const registry = fc.constantFrom(
  'registry.example.com',
  'reg:5000',
  'localhost',
  'REG.example',
  'a'.repeat(300),
  '',
  '..',
);
const digest = fc.constantFrom(
  DIGEST,
  'sha256:abc',
  `sha512:${HEX}${HEX}`,
  `SHA256:${HEX}`,
  '',
  `sha256:${HEX}/..`,
  `sha256=${HEX}`,
);
const index = fc.constantFrom('1', '2', '0', '01', '-1', '127', '128', '1024', '99999999999', 'x', '');

/** Encodes what `encodeURI` would leave, so the request line stays sendable; keeps `%` raw sometimes. */
const wire = (s: string) => s.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));

const path = fc
  .tuple(
    fc.nat(17),
    registry,
    name,
    digest,
    index,
    fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  )
  .map(([route, reg, n, d, i, query]) => {
    const q = query === undefined ? '' : `?${wire(query)}`;
    const hex = d.replace(':', '=');
    const routes = [
      `/sigstore/${reg}/${n}@${hex}/signature-${i}`,
      `/sigstore/${reg}/ns/app@sha256=${HEX}/signature-${i}`,
      `/extensions/v2/${reg}/${n}/signatures/${d}`,
      `/extensions/v2/${n}/signatures/${d}`,
      `/v1/images/${reg}/${n}@${d}`,
      `/v1/images?registry=${reg}&repository=${n}&status=${i}&limit=${i}&cursor=${n}`,
      `/v1/imports`,
      `/v1/imports/import-${HEX}-${n}`,
      `/v1/notifications/registry?source=${n}`,
      `/v1/verify`,
      `/console/images/${reg}/${n}@${d}`,
      `/admin/${n}`,
      ['/healthz', '/readyz', '/metrics', '/openapi.json', '/v1/status', '/v1/images/summary', '/console'][
        i.length % 7
      ]!,
      `/${n}`,
      `/release-signatures/${hex}/signature-${i}`,
      `/release-signatures/${n}/signature-${i}`,
      `/v1/releases/${d}/configmap?output=${n}`,
      ['/v1/releases/imports', '/v1/releases', `/v1/releases?cursor=${n}`][i.length % 3]!,
    ];
    return wire(routes[route]!) + q;
  });

/** Mostly valid tokens, so requests get past authentication into the routes. */
const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(undefined, ...Object.values(TOKENS).map((t) => `Bearer ${t}`)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Bearer wrong',
      'Bearer ',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'x'.repeat(8000)}`,
      'bearer  admin-token',
    ),
  },
);
const conditional = fc.constantFrom(
  {},
  { 'if-none-match': '*' },
  { 'if-none-match': `"sha256:${HEX}"` },
  { 'if-none-match': `W/"x", ${','.repeat(2000)} "y"` },
  { 'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT' },
  { 'if-modified-since': 'not a date' },
  { range: 'bytes=0-0' },
  { range: 'bytes=-1,0-,5-2' },
  { 'if-range': '"x"', range: 'bytes=1-' },
);
const odd = fc.constantFrom(
  {},
  { 'content-type': 'application/json' },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'content-type': 'text/plain' },
  { 'content-type': 'multipart/form-data; boundary=' + '-'.repeat(70) },
  { 'x-request-id': 'x'.repeat(500) },
  { 'x-request-id': '../../etc/passwd' },
  { 'accept-encoding': 'gzip, deflate, br' },
  { accept: 'text/html' },
  { 'x-forwarded-for': '1.2.3.4' },
  { cookie: `sigmirror_console=${'a'.repeat(300)}` },
  { origin: 'https://evil.example' },
);

const json = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '{',
    'null',
    '[]',
    '{"references": []}',
    `{"references": ["registry.example.com/${'a'.repeat(5000)}!@${DIGEST}"]}`,
    `{"references": ["registry.example.com/ns/app@${DIGEST}", "x"]}`,
    '{"events": [{"action": "push", "target": {"repository": "__proto__", "digest": "x", "mediaType": "application/vnd.oci.image.manifest.v1+json"}}]}',
    `{"schemaVersion": 2, "name": "${DIGEST}@${'a'.repeat(32)}", "content": "${'A'.repeat(4000)}="}`,
    `{"schemaVersion": 2, "name": "${DIGEST}@${'a'.repeat(32)}", "content": "!!!"}`,
    '{"reference": "x", "keys": ["__proto__"], "save": true}',
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
  ),
);
const body = fc.oneof(
  fc.constant(undefined),
  json.map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ method: fc.constantFrom(...METHODS), path, authorization, conditional, odd, body })
  .map(({ method, path: p, authorization: auth, conditional: c, odd: o, body: b }) => ({
    method,
    path: p,
    headers: { ...c, ...o, ...(auth ? { authorization: auth } : {}) } as Record<string, string>,
    body: method === 'GET' || method === 'HEAD' ? undefined : b,
  }));

/** Bytes of the request head: past the daemon's 16 KiB limit the answer is a 431 or a cut connection. */
export function headBytes(r: FuzzRequest): number {
  return (
    r.method.length +
    r.path.length +
    Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) +
    64
  );
}

/** A request shortened for a failure message. */
export function describe(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…(${s.length} chars)` : s);
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, cut(v)]));
  return `${r.method} ${cut(r.path)} ${JSON.stringify(headers)} body ${r.body ? cut(r.body.toString('latin1')) : 'none'}`;
}
