/**
 * Would Go's net/url.Parse accept this lookaside URL, and could containers/image use it?
 * containers/image parses a registries.d URL only when a reference resolves to it
 * (docs/spec/registries-d.md §Files), so these findings apply to the scopes using the URL.
 */

/** Schemes containers/image reads and writes lookaside signatures with. */
export const SUPPORTED_SCHEMES = ['file', 'http', 'https'] as const;

/** Go's url.Parse error for `raw`, or undefined when it parses. Mirrors net/url's checks. */
export function urlParseError(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex, regexp/no-control-character
  if (/[\x00-\x1f\x7f]/.test(raw)) return 'net/url: invalid control character in URL';
  const badEscape = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(raw);
  if (badEscape) return `invalid URL escape "%${badEscape[1]}"`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  if (raw.startsWith(':')) return 'missing protocol scheme';
  if (!scheme) {
    const firstSegment = raw.split('/')[0] ?? '';
    if (firstSegment.includes(':')) return 'first path segment in URL cannot contain colon';
    return undefined;
  }
  const rest = raw.slice(scheme[0].length).split(/[?#]/)[0] ?? '';
  if (!rest.startsWith('//')) return undefined;
  const authority = rest.slice(2).split('/')[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return hostProblem(host);
}

function hostProblem(host: string): string | undefined {
  if (host.startsWith('[')) return undefined; // IPv6 literal: Go validates it loosely too
  const colon = host.lastIndexOf(':');
  const port = colon === -1 ? '' : host.slice(colon);
  if (port !== '' && !/^:[0-9]*$/.test(port)) return `invalid port "${port}" after host`;
  const name = colon === -1 ? host : host.slice(0, colon);
  const bad = /[^a-zA-Z0-9\-._~!$&'()*+,;=%]/.exec(name);
  if (bad) return `invalid character "${bad[0]}" in host name`;
  return undefined;
}

/** Why containers/image could not use this URL (parse error or scheme), or undefined. */
export function lookasideUrlProblem(raw: string): string | undefined {
  const parseError = urlParseError(raw);
  if (parseError) return `Invalid signature storage URL ${raw}: parse "${raw}": ${parseError}`;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (!scheme || !(SUPPORTED_SCHEMES as readonly string[]).includes(scheme)) {
    return `Unsupported scheme when reading signature from ${raw}`;
  }
  return undefined;
}
