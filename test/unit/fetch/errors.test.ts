/**
 * FetchError's fields and Retry-After parsing (src/fetch/errors.ts), and the mapping of undici,
 * socket and TLS failures onto FetchError kinds with their operator-facing messages
 * (src/fetch/network-errors.ts), through a real AgentPool (certs.d dirs, proxy rules).
 */
import test from 'ava';
import { AgentPool } from '../../../src/fetch/agent.js';
import { FetchError, parseRetryAfter } from '../../../src/fetch/errors.js';
import { networkError } from '../../../src/fetch/network-errors.js';
import { proxySettings } from '../../../src/fetch/proxy.js';

test('Retry-After: delta-seconds, an HTTP date, or nothing', (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.is(parseRetryAfter('120', now), 120_000);
  t.is(parseRetryAfter(' 7 ', now), 7_000);
  t.is(parseRetryAfter('0', now), 0);
  t.is(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  t.is(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
  t.is(parseRetryAfter('soon', now), undefined);
  t.is(parseRetryAfter('12 seconds', now), undefined, 'digits, then junk');
  t.is(parseRetryAfter('x12', now), undefined, 'junk, then digits');
  t.is(parseRetryAfter('', now), undefined);
  t.is(parseRetryAfter(undefined, now), undefined);
});

test('a FetchError carries its kind, URL, retryability, status and wait', (t) => {
  const e = new FetchError('http-status', 'HTTP 503', 'https://h/x', true, 503, 2_000);
  t.true(e instanceof Error);
  t.like(e, {
    name: 'FetchError',
    kind: 'http-status',
    message: 'HTTP 503',
    url: 'https://h/x',
    retryable: true,
    status: 503,
    retryAfterMs: 2_000,
  });
});

const URL_ = new URL('https://user:pw@sig.example.com/ns/app@sha256=aa/signature-1');
const SAFE = 'https://[redacted]@sig.example.com/ns/app@sha256=aa/signature-1';
const map = (err: unknown, pool?: AgentPool, url = URL_) => {
  const e = networkError(err, url, pool);
  return { kind: e.kind, message: e.message, url: e.url, retryable: e.retryable, status: e.status };
};

test('timeouts, truncations, resets and refused connections are retryable, with their words', (t) => {
  for (const code of [
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'ETIMEDOUT',
  ])
    t.deepEqual(
      map({ code }),
      { kind: 'timeout', message: `timeout reading ${SAFE}`, url: SAFE, retryable: true, status: undefined },
      code,
    );
  t.is(map({ name: 'TimeoutError' }).kind, 'timeout');
  t.is(map({ name: 'AbortError', message: 'aborted' }).kind, 'timeout');
  t.deepEqual(map({ cause: { code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' } }), {
    kind: 'truncated',
    message: `truncated body from ${SAFE}`,
    url: SAFE,
    retryable: true,
    status: undefined,
  });
  for (const code of ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'])
    t.deepEqual(
      map({ cause: { code } }),
      {
        kind: 'reset',
        message: `connection reset reading ${SAFE}`,
        url: SAFE,
        retryable: true,
        status: undefined,
      },
      code,
    );
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])
    t.deepEqual(
      map({ code }),
      {
        kind: 'connect',
        message: `cannot connect to sig.example.com (${code})`,
        url: SAFE,
        retryable: true,
        status: undefined,
      },
      code,
    );
  t.deepEqual(map({ code: 'EWHATEVER', message: 'odd' }), {
    kind: 'reset',
    message: `error reading ${SAFE}: EWHATEVER`,
    url: SAFE,
    retryable: true,
    status: undefined,
  });
  t.is(map(new Error('fetch failed')).message, `error reading ${SAFE}: fetch failed`);
  // The error's own code wins over its cause's; a non-string code is ignored.
  t.is(map({ code: 'ECONNRESET', cause: { code: 'ETIMEDOUT' } }).kind, 'reset');
  t.is(map({ code: 5, cause: { code: 'ETIMEDOUT' } }).kind, 'timeout');
});

test('TLS failures are final; an unknown authority says where the CA goes', (t) => {
  t.deepEqual(map({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'bad name' }), {
    kind: 'tls',
    message: `TLS error from ${SAFE}: ERR_TLS_CERT_ALTNAME_INVALID bad name`,
    url: SAFE,
    retryable: false,
    status: undefined,
  });
  t.is(map({ code: 'CERT_HAS_EXPIRED' }).message, `TLS error from ${SAFE}: CERT_HAS_EXPIRED`);
  t.is(map({ cause: { code: 'HOSTNAME_MISMATCH_CERT' } }).kind, 'tls');
  t.is(map({ code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }).kind, 'tls', 'TLS codes without CERT in them');
  const pool = new AgentPool(['/etc/sigmirror/certs.d', '/etc/docker/certs.d'], 1_000, 1, {
    caBundles: ['/nonexistent/ca.pem'],
  });
  for (const code of [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT',
  ])
    t.deepEqual(
      map({ cause: { code } }, pool),
      {
        kind: 'tls-unknown-authority',
        message:
          `x509: certificate signed by unknown authority for sig.example.com:443 (${code}); searched ` +
          '/etc/sigmirror/certs.d/sig.example.com:443, /etc/sigmirror/certs.d/sig.example.com, /etc/docker/certs.d/sig.example.com:443, /etc/docker/certs.d/sig.example.com' +
          " and no system bundle (import.caBundles); put the sigstore's CA certificate in /etc/sigmirror/certs.d/sig.example.com:443/ca.crt (applied within a second, no restart)",
        url: SAFE,
        retryable: false,
        status: undefined,
      },
      code,
    );
  const onPort = map({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, pool, new URL('https://h.example:8443/x'));
  t.is(
    onPort.message,
    'x509: certificate signed by unknown authority for h.example:8443 (SELF_SIGNED_CERT_IN_CHAIN); searched /etc/sigmirror/certs.d/h.example:8443, /etc/docker/certs.d/h.example:8443' +
      " and no system bundle (import.caBundles); put the sigstore's CA certificate in /etc/sigmirror/certs.d/h.example:8443/ca.crt (applied within a second, no restart)",
  );
  const withBundle = new AgentPool([], 1_000, 1, { caBundles: ['/nonexistent/ca.pem', 'package.json'] });
  t.is(
    map({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, withBundle).message,
    'x509: certificate signed by unknown authority for sig.example.com:443 (SELF_SIGNED_CERT_IN_CHAIN); searched no certs.d directories' +
      " and the system bundle package.json; put the sigstore's CA certificate in <certsDir>/sig.example.com:443/ca.crt (applied within a second, no restart)",
  );
  const twoBundles = new AgentPool([], 1_000, 1, { caBundles: ['package.json', 'tsconfig.json'] });
  t.regex(
    map({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, twoBundles).message,
    / and the system bundle package\.json, tsconfig\.json; /,
  );
  t.is(
    map({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }).message,
    'x509: certificate signed by unknown authority for sig.example.com:443 (SELF_SIGNED_CERT_IN_CHAIN); searched no certs.d directories' +
      " and no system bundle (import.caBundles); put the sigstore's CA certificate in <certsDir>/sig.example.com:443/ca.crt (applied within a second, no restart)",
  );
});

test('through a proxy: its refusals are final and say what to fix; a refused connection names it', (t) => {
  const pool = new AgentPool([], 1_000, 1, {
    proxy: proxySettings({ https: 'http://u:secret@proxy.example:3128' }),
  });
  const proxied = (message: string) => map({ message }, pool);
  t.deepEqual(proxied('Proxy response (407) !== 200 when HTTP Tunneling'), {
    kind: 'proxy',
    message:
      'the proxy http://[redacted]@proxy.example:3128 asks for credentials (407): put them in the proxy URL, http://user:password@host:port, in import.proxy or HTTPS_PROXY',
    url: SAFE,
    retryable: false,
    status: 407,
  });
  t.like(proxied('Proxy Authentication Required (401)'), {
    message:
      'the proxy http://[redacted]@proxy.example:3128 rejects the credentials of the proxy URL (401): check the user and password in import.proxy or HTTPS_PROXY',
    status: 401,
  });
  t.like(proxied('Proxy response (403) !== 200 when HTTP Tunneling'), {
    message:
      'the proxy http://[redacted]@proxy.example:3128 refused to connect to sig.example.com (403); ask its admin to allow it, or list the host in NO_PROXY (import.proxy.noProxy)',
    status: 403,
    retryable: false,
  });
  // Without a proxy the same words are just an error; with one, a connection refusal names it.
  t.is(map({ message: 'Proxy response (407) !== 200 when HTTP Tunneling' }).kind, 'reset');
  t.is(map({ message: 'x Proxy response (407)' }, pool).kind, 'reset');
  t.is(
    map({ code: 'ECONNREFUSED' }, pool).message,
    'cannot connect to the proxy http://[redacted]@proxy.example:3128 for sig.example.com (ECONNREFUSED)',
  );
});
