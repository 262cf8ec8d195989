/**
 * `If-None-Match` as RFC 9110 §13.1.2 reads it: `*`, or a comma-separated list of entity tags
 * compared weakly (a `W/` prefix is ignored). Parsed without a regular expression: the header
 * is attacker-controlled and may be as long as the header limit.
 */
export function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  for (const part of value.split(',')) {
    const tag = part.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}
