/**
 * Reads one signature URL (http, https or file): 200 → bytes, a missing index → undefined, anything
 * else → FetchError. Bodies are read to at most limit+1 bytes. Redirects are followed by hand and
 * stay home (issue: hostile input, SSRF): at most MAX_REDIRECTS, never https → http, and only to
 * the first URL's host unless that host is listed in `import.crossHostRedirects` (a public
 * sigstore that redirects to its CDN); the error names both URLs and that key.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { AgentPool } from './agent.js';
import { FetchError, parseRetryAfter, redactUrl } from './errors.js';
import { MAX_REDIRECTS } from './limits.js';
import { networkError } from './network-errors.js';

/** One answer: the bytes, or "missing" with why (404, a missing file, or 403 treated as missing). */
export type OneResult =
  | {
      readonly found: true;
      readonly bytes: Uint8Array;
      readonly contentType: string | undefined;
      readonly url: string;
    }
  | { readonly found: false; readonly why: 'not-found' | 'forbidden' };

export interface OneOptions {
  readonly agents: AgentPool;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Hosts (`host` or `host:port`) whose redirects may lead to other hosts. */
  readonly crossHostRedirects?: ReadonlySet<string> | undefined;
}

export async function fetchOne(url: string, options: OneOptions): Promise<OneResult> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return readFileSignature(parsed, options.maxBytes);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError(
      'unsupported-scheme',
      `unsupported lookaside scheme in ${redactUrl(url)}`,
      redactUrl(url),
      false,
    );
  }
  const seen = new Set<string>();
  let current = parsed;
  for (let hop = 0; ; hop++) {
    seen.add(current.href);
    const res = await send(current, options);
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      discard(res);
      current = nextHop(parsed, current, String(res.headers.location), seen, hop, options);
      continue;
    }
    return answer(current, res, options.maxBytes);
  }
}

type Response = Awaited<ReturnType<typeof request>>;

async function send(url: URL, options: OneOptions): Promise<Response> {
  try {
    return await request(url, {
      method: 'GET',
      dispatcher: options.agents.agentFor(url),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs * 2),
    });
  } catch (err) {
    throw networkError(err, url, options.agents);
  }
}

function nextHop(
  first: URL,
  from: URL,
  location: string,
  seen: Set<string>,
  hop: number,
  options: OneOptions,
): URL {
  const safe = redactUrl(from.href);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new FetchError('bad-redirect', `redirect from ${safe} to an invalid URL`, safe, false);
  }
  const to = redactUrl(next.href);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError('bad-redirect', `redirect from ${safe} to a non-http URL`, safe, false);
  }
  if (from.protocol === 'https:' && next.protocol === 'http:') {
    throw new FetchError(
      'insecure-redirect',
      `redirect from ${safe} to ${to} drops https: not followed`,
      safe,
      false,
    );
  }
  const allowed = options.crossHostRedirects;
  if (next.host !== first.host && !allowed?.has(first.host) && !allowed?.has(first.hostname)) {
    throw new FetchError(
      'cross-host-redirect',
      `redirect from ${safe} to ${to} leaves ${first.host}: not followed (to allow it, add "${first.host}" to import.crossHostRedirects in the daemon config)`,
      safe,
      false,
    );
  }
  if (seen.has(next.href)) throw new FetchError('redirect-loop', `redirect loop at ${safe}`, safe, false);
  if (hop + 1 > MAX_REDIRECTS) {
    throw new FetchError(
      'too-many-redirects',
      `more than ${MAX_REDIRECTS} redirects from ${safe}`,
      safe,
      false,
    );
  }
  return next;
}

async function answer(url: URL, res: Response, maxBytes: number): Promise<OneResult> {
  const safe = redactUrl(url.href);
  if (res.statusCode === 404) {
    discard(res);
    return { found: false, why: 'not-found' };
  }
  if (res.statusCode === 403) {
    discard(res);
    return { found: false, why: 'forbidden' };
  }
  if (res.statusCode !== 200) {
    discard(res);
    const retryable = res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 408;
    const retryAfter = parseRetryAfter(headerValue(res.headers['retry-after']));
    throw new FetchError(
      'http-status',
      `HTTP ${res.statusCode} from ${safe}`,
      safe,
      retryable,
      res.statusCode,
      retryAfter,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.on('error', () => undefined);
        res.body.destroy();
        throw new FetchError(
          'too-large',
          `signature at ${safe} is larger than the ${maxBytes}-byte limit`,
          safe,
          false,
        );
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw networkError(err, url, undefined);
  }
  return {
    found: true,
    bytes: Buffer.concat(chunks),
    contentType: headerValue(res.headers['content-type']),
    url: url.href,
  };
}

/** Reads and drops a small error body so the connection can be reused (large ones are cut). */
function discard(res: Response): void {
  res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** file:// lookaside: a missing file ends the list; other errors are FetchError 'file'. */
async function readFileSignature(url: URL, maxBytes: number): Promise<OneResult> {
  const file = fileURLToPath(url);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { found: false, why: 'not-found' };
    throw new FetchError('file', `cannot read ${file}: ${code}`, url.href, false);
  }
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes)
        throw new FetchError(
          'too-large',
          `${file} is larger than the ${maxBytes}-byte limit`,
          url.href,
          false,
        );
    }
    return { found: true, bytes: buffer.subarray(0, size), contentType: undefined, url: url.href };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(
      'file',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      url.href,
      false,
    );
  } finally {
    await handle.close();
  }
}
