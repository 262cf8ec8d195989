/**
 * Which lookaside serves (read) or receives (write) a reference's signatures: containers/image's
 * signatureTopLevel and useSigstoreAttachments, as a map walk over the reference's candidate
 * scopes (never a scan of all scopes). Pure.
 * Keep in sync with docs/spec/registries-d.md §Scopes and the matching order.
 */
import os from 'node:os';
import { candidateScopes, type DockerReference } from '../reference/index.js';
import type { RegistriesConfig, ScopeEntry } from './load.js';
import type { NamespaceConfig } from './schema.js';
import { lookasideUrlProblem } from './url.js';

/** Reading uses lookaside then sigstore; writing prefers the staging keys. */
export type Direction = 'read' | 'write';

type UrlKey = 'lookaside-staging' | 'sigstore-staging' | 'lookaside' | 'sigstore';
const KEYS_BY_DIRECTION: Readonly<Record<Direction, readonly UrlKey[]>> = {
  read: ['lookaside', 'sigstore'],
  write: ['lookaside-staging', 'sigstore-staging', 'lookaside', 'sigstore'],
};

/** The scope that decided one direction, and its URL exactly as configured. */
export interface LookasideDecision {
  /** The scope string, `default-docker`, or `built-in`. */
  readonly scope: string;
  /** The file defining the scope; undefined for the built-in default. */
  readonly file: string | undefined;
  readonly url: string;
  /** The registries.d key the URL came from; undefined for the built-in default. */
  readonly key: UrlKey | undefined;
}

/**
 * The built-in default when nothing matches: containers/image's system store for root,
 * the per-user store otherwise.
 */
export function builtinLookaside(uid = process.getuid?.() ?? 0, home = os.homedir()): string {
  return uid === 0
    ? 'file:///var/lib/containers/sigstore'
    : `file://${home}/.local/share/containers/sigstore`;
}

function urlFor(ns: NamespaceConfig, direction: Direction): [string, UrlKey] | undefined {
  for (const key of KEYS_BY_DIRECTION[direction]) {
    const url = ns[key];
    if (url) return [url, key];
  }
  return undefined;
}

/** Scope entries in matching order: identity, name and parents, wildcards, then default-docker. */
function* entriesInOrder(config: RegistriesConfig, ref: DockerReference): Generator<ScopeEntry> {
  for (const scope of candidateScopes(ref)) {
    const entry = config.scopes.get(scope);
    if (entry) yield entry;
  }
  if (config.defaultDocker) yield config.defaultDocker;
}

/** The first scope with a URL for `direction` wins; a scope without one is skipped. */
export function lookasideFor(
  config: RegistriesConfig,
  ref: DockerReference,
  direction: Direction,
  builtin = builtinLookaside(),
): LookasideDecision {
  for (const entry of entriesInOrder(config, ref)) {
    const found = urlFor(entry.ns, direction);
    if (found) return { scope: entry.scope, file: entry.file, url: found[0], key: found[1] };
  }
  return { scope: 'built-in', file: undefined, url: builtin, key: undefined };
}

/** `use-sigstore-attachments`, decided on its own: the first scope that sets it; default false. */
export function useSigstoreAttachmentsFor(
  config: RegistriesConfig,
  ref: DockerReference,
): { readonly value: boolean; readonly scope: string | undefined; readonly file: string | undefined } {
  for (const entry of entriesInOrder(config, ref)) {
    const value = entry.ns['use-sigstore-attachments'];
    if (value !== undefined) return { value, scope: entry.scope, file: entry.file };
  }
  return { value: false, scope: undefined, file: undefined };
}

/**
 * The image's signature base: the chosen URL with "/" + the repository path appended to its path
 * (containers/image lookasideStorageBaseURL; a trailing slash in the URL yields "//", as there).
 * Throws when containers/image could not use the URL.
 */
export function signatureBaseFor(url: string, ref: DockerReference): string {
  const problem = lookasideUrlProblem(url);
  if (problem) throw new Error(problem);
  const cut = url.search(/[?#]/);
  const [head, tail] = cut === -1 ? [url, ''] : [url.slice(0, cut), url.slice(cut)];
  return `${head}/${ref.path}${tail}`;
}
