/** Maps undici, socket and TLS errors onto FetchError kinds, with a fix for unknown CAs. */
import type { AgentPool } from './agent.js';
import { FetchError, redactUrl } from './errors.js';

/** TLS codes meaning "signed by an authority we do not trust". */
const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

const TIMEOUTS = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const RESETS = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

export function networkError(err: unknown, url: URL, agents: AgentPool | undefined): FetchError {
  const safe = redactUrl(url.href);
  const e = err as { code?: unknown; name?: string; message?: string; cause?: { code?: unknown } };
  const code = [e.code, e.cause?.code].find((c): c is string => typeof c === 'string') ?? '';
  if (UNKNOWN_AUTHORITY.has(code)) return unknownAuthority(code, url, agents);
  const proxy = agents?.proxyOf(url);
  // undici's words for a CONNECT answered with an error, and for a 407 to a forwarded request.
  const refused = /^Proxy (?:response|Authentication Required) \((\d{3})\)/.exec(e.message ?? '');
  if (proxy && refused) return proxyRefused(Number(refused[1]), proxy, url);
  if (code.startsWith('ERR_TLS') || code.includes('CERT')) {
    return new FetchError('tls', `TLS error from ${safe}: ${code} ${e.message ?? ''}`.trim(), safe, false);
  }
  if (TIMEOUTS.has(code) || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new FetchError('timeout', `timeout reading ${safe}`, safe, true);
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new FetchError('truncated', `truncated body from ${safe}`, safe, true);
  }
  if (RESETS.has(code)) return new FetchError('reset', `connection reset reading ${safe}`, safe, true);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
    const to = proxy ? `the proxy ${proxy} for ${url.host}` : url.host;
    return new FetchError('connect', `cannot connect to ${to} (${code})`, safe, true);
  }
  return new FetchError('reset', `error reading ${safe}: ${code || e.message}`, safe, true);
}

/** Names where the CA goes: the host's certs.d directory (read live) or the system bundle. */
function unknownAuthority(code: string, url: URL, agents: AgentPool | undefined): FetchError {
  const hostPort = `${url.hostname}:${url.port || '443'}`;
  const dirs = agents?.searchedDirs(hostPort, url.port === '') ?? [];
  const bundles = agents?.bundles() ?? [];
  return new FetchError(
    'tls-unknown-authority',
    `x509: certificate signed by unknown authority for ${hostPort} (${code}); searched ${dirs.join(', ') || 'no certs.d directories'}` +
      ` and ${bundles.length ? `the system bundle ${bundles.join(', ')}` : 'no system bundle (import.caBundles)'}; ` +
      `put the sigstore's CA certificate in ${dirs[0] ?? '<certsDir>/' + hostPort}/ca.crt (applied within a second, no restart)`,
    redactUrl(url.href),
    false,
  );
}

/** The proxy answered its CONNECT with an error: 407 wants credentials, others refuse the host. */
function proxyRefused(status: number, proxy: string, url: URL): FetchError {
  const why =
    status === 407
      ? 'asks for credentials (407): put them in the proxy URL, http://user:password@host:port, in import.proxy or HTTPS_PROXY'
      : status === 401
        ? 'rejects the credentials of the proxy URL (401): check the user and password in import.proxy or HTTPS_PROXY'
        : `refused to connect to ${url.host} (${status}); ask its admin to allow it, or list the host in NO_PROXY (import.proxy.noProxy)`;
  // 407 may pass once credentials are fixed by a restart; a refusal lasts: neither is retried.
  return new FetchError('proxy', `the proxy ${proxy} ${why}`, redactUrl(url.href), false, status);
}
