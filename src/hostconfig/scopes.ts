/**
 * Registry and mirror names as registries.d and policy.json scopes, and the lookaside path a
 * host then reads from. Pure. Keep in sync with docs/spec/registries-d.md §Scopes and
 * docs/spec/simple-signing.md §Identity rules (remapIdentity).
 */
import { ReferenceError, parseNormalizedReference } from '../reference/index.js';
import { HostConfigError } from './errors.js';

/** A registry host or a repository namespace under it, normalised as hosts match scopes. */
export interface Scope {
  /** `host[:port]`, e.g. `registry.redhat.io`, `mirror.example.com:5000`. */
  readonly domain: string;
  /** The repository path under the host, `''` for a whole registry. */
  readonly path: string;
  /** `domain` or `domain/path`: the scope key written to both files. */
  readonly name: string;
}

/** Stands in for a repository so that a bare host parses with the reference grammar. */
const PLACEHOLDER_REPOSITORY = 'x';

/**
 * Parses `host[:port]` or `host[:port]/namespace…` (no tag, no digest). Normalised like any
 * reference (`index.docker.io` → `docker.io`, `docker.io/busybox` → `docker.io/library/busybox`):
 * hosts compare scopes with normalised names. Throws HostConfigError with the reason only.
 */
export function parseScope(value: string): Scope {
  const slash = value.indexOf('/');
  const host = slash === -1 ? value : value.slice(0, slash);
  // Without a host-like first component the grammar would read a Docker Hub repository.
  if (!/[.:]/.test(host) && host !== 'localhost') {
    throw new HostConfigError('must start with a registry host, e.g. registry.example.com or localhost:5000');
  }
  let ref;
  try {
    ref = parseNormalizedReference(slash === -1 ? `${value}/${PLACEHOLDER_REPOSITORY}` : value);
  } catch (err) {
    if (err instanceof ReferenceError) throw new HostConfigError(err.message);
    throw err;
  }
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new HostConfigError('must be a registry or a repository namespace, without tag or digest');
  }
  return slash === -1
    ? { domain: ref.domain, path: '', name: ref.domain }
    : { domain: ref.domain, path: ref.path, name: ref.name };
}

/**
 * What follows `/sigstore/` in the lookaside for images pulled from `pulled` whose signatures were
 * made for `signed` (the same scope for a plain registry). Hosts append the pulled repository path
 * (without host) to the lookaside, so `pulled`'s path must be the end of `signed`'s: the part of
 * `signed`'s path before it goes into the URL. Undefined when no lookaside URL can do that.
 */
export function lookasideSuffix(pulled: Scope, signed: Scope): string | undefined {
  const signedParts = signed.path ? signed.path.split('/') : [];
  const pulledParts = pulled.path ? pulled.path.split('/') : [];
  const keep = signedParts.length - pulledParts.length;
  if (keep < 0 || pulledParts.some((part, i) => signedParts[keep + i] !== part)) return undefined;
  return [signed.domain, ...signedParts.slice(0, keep)].join('/');
}
