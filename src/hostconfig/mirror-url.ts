/**
 * The sigmirror base URL hosts reach, checked before anything is generated: hosts append
 * `/sigstore/<registry>/<repository>@sha256=<hex>/signature-N` to it, so it must be http(s) and
 * end in a path. Pure.
 */
import { lookasideUrlProblem } from '../registries/index.js';
import { HostConfigError } from './errors.js';

/**
 * The route the read-only mirror serves, without its trailing slash.
 * Keep in sync with MIRROR_PREFIX in src/api/routes/mirror.ts (a unit test checks it).
 */
export const MIRROR_ROUTE = '/sigstore';

/**
 * Validates `raw` and returns it normalised (WHATWG URL form, trailing slashes removed) so that
 * the same mirror always yields the same bytes. A path prefix (a reverse proxy) is kept.
 * Throws HostConfigError.
 */
export function mirrorBase(raw: string): string {
  const fail = (why: string) => new HostConfigError(`--mirror-url "${raw}": ${why}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('not a URL (e.g. https://sigmirror.example.com:8080)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('must be an http:// or https:// URL');
  // Hosts append the image path to the URL, which a query or fragment would swallow.
  if (raw.includes('?') || raw.includes('#')) throw fail('must not have a query (?…) or fragment (#…)');
  // registries.d is world-readable on every host; the mirror's reads need no credentials.
  if (url.username || url.password) throw fail('must not contain credentials');
  let base = url.href;
  while (base.endsWith('/')) base = base.slice(0, -1);
  const problem = lookasideUrlProblem(`${base}${MIRROR_ROUTE}/x`);
  if (problem) throw fail(problem);
  return base;
}
