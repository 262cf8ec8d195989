/** Secrets never leave: the one redaction of URLs for logs, stored provenance, API output and the console. */

/**
 * A URL safe to log, store or show: userinfo and every query value replaced by `[redacted]`
 * (sigstores behind object stores take tokens in the query). Parameter names stay, for
 * debugging. WARNING: never log, store or answer a URL without this.
 */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  const [head, query] = cut === -1 ? [url, ''] : [url.slice(0, cut), url.slice(cut)];
  const scheme = head.indexOf('://');
  const slash = scheme === -1 ? -1 : head.indexOf('/', scheme + 3);
  const authority = scheme === -1 ? '' : head.slice(scheme + 3, slash === -1 ? undefined : slash);
  const at = authority.lastIndexOf('@');
  const safeHead =
    at === -1 ? head : `${head.slice(0, scheme + 3)}[redacted]@${head.slice(scheme + 3 + at + 1)}`;
  return safeHead + redactQuery(query);
}

function redactQuery(query: string): string {
  if (!query.startsWith('?')) return query.startsWith('#') ? '' : query;
  const end = query.indexOf('#');
  const params = (end === -1 ? query.slice(1) : query.slice(1, end)).split('&');
  return `?${params.map((p) => (p === '' ? p : `${p.split('=', 1)[0]}=[redacted]`)).join('&')}`;
}
