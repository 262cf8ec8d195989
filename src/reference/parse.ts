/**
 * Docker reference parsing and normalisation, with containers/image's rules and error texts
 * (docker/reference/normalize.go ParseNormalizedNamed, reference.go Parse, go-digest Parse).
 * Pure: no I/O.
 */
import {
  DEFAULT_DOMAIN,
  LEGACY_DEFAULT_DOMAIN,
  NAME_TOTAL_LENGTH_MAX,
  OFFICIAL_REPOSITORIES_NAME,
  anchoredIdentifierRegexp,
  referenceRegexp,
} from './grammar.js';

/** A parsed, normalised docker reference. Immutable. */
export interface DockerReference {
  /** Registry host with optional port, e.g. `docker.io`, `reg.example.com:5000`. */
  readonly domain: string;
  /** Repository path without the domain, e.g. `library/busybox`. */
  readonly path: string;
  /** `domain/path`. */
  readonly name: string;
  readonly tag: string | undefined;
  /** `algorithm:hex`, validated. */
  readonly digest: string | undefined;
}

/** A reference that does not follow the grammar; the message says why. */
export class ReferenceError extends Error {
  override readonly name: string = 'ReferenceError';
}

/** Hex lengths of the digest algorithms go-digest knows. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Validates `algorithm:hex` as go-digest does; returns the reason or undefined. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon + 1 === digest.length) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return 'unsupported digest algorithm';
  if (hex.length !== length) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(hex)) return 'invalid checksum digest format';
  return undefined;
}

/** Splits a name into domain and remainder the way the docker CLI does (normalize.go splitDockerDomain). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  // No slash: an empty first component, which is no domain either.
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (!/[.:]/.test(first) && first !== 'localhost') {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) {
    remainder = `${OFFICIAL_REPOSITORIES_NAME}/${remainder}`;
  }
  return [domain, remainder];
}

/** Parses an already fully-qualified reference string (reference.go Parse). */
function parseQualified(s: string): DockerReference {
  const m = referenceRegexp.exec(s);
  if (!m) {
    if (s === '') throw new ReferenceError('repository name must have at least one component');
    if (referenceRegexp.test(s.toLowerCase())) {
      throw new ReferenceError('repository name must be lowercase');
    }
    throw new ReferenceError('invalid reference format');
  }
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const digest = m[3];
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) throw new ReferenceError(problem);
  }
  const slash = name.indexOf('/');
  return { domain: name.slice(0, slash), path: name.slice(slash + 1), name, tag: m[2], digest };
}

/**
 * Parses a reference as a user writes it and normalises it:
 * `busybox` → `docker.io/library/busybox`. No default tag is added.
 * Throws ReferenceError with containers/image's reason.
 */
export function parseNormalizedReference(input: string): DockerReference {
  if (anchoredIdentifierRegexp.test(input)) {
    throw new ReferenceError(
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
    );
  }
  const [domain, remainder] = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep === -1 ? remainder : remainder.slice(0, tagSep);
  if (remoteName.toLowerCase() !== remoteName) {
    throw new ReferenceError('invalid reference format: repository name must be lowercase');
  }
  return parseQualified(`${domain}/${remainder}`);
}

/** The full string form: `name[:tag][@digest]`. */
export function referenceString(ref: DockerReference): string {
  return ref.name + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}
