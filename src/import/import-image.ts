/**
 * The import use-case: resolve the image's lookaside from registries.d, fetch signature-1..N,
 * append the new ones to the store, unverified, with provenance. No BullMQ types here: the worker
 * maps errors onto retries (STYLE habit #6).
 */
import type { Logger } from 'pino';
import {
  AgentPool,
  HostBreaker,
  HostLimiter,
  fetchSignatureList,
  redactUrl,
  type EndedBy,
} from '../fetch/index.js';
import { signatureUrl } from '../lookaside/index.js';
import { parseNormalizedReference, imageReference } from '../reference/index.js';
import { lookasideFor, signatureBaseFor, type RegistriesConfig } from '../registries/index.js';
import {
  SignatureLimitError,
  appendUnlessTombstoned,
  type ImageKey,
  type SignatureStore,
  type Tombstones,
} from '../store/index.js';

/** What importImage needs; built once per process by the composition root. */
export interface ImportDeps {
  /** The registries.d configuration in force (undefined until one loads without errors). */
  readonly registries: () => RegistriesConfig | undefined;
  readonly store: SignatureStore;
  /** Signatures an admin removed; an import never brings them back. None: nothing is skipped. */
  readonly tombstones?: Tombstones | undefined;
  readonly agents: AgentPool;
  readonly hosts: HostLimiter;
  /** Takes a host offline after consecutive failures (fetch/breaker.ts); none: every job tries. */
  readonly breaker?: HostBreaker | undefined;
  readonly limits: {
    readonly maxSignatures: number;
    readonly maxSignatureBytes: number;
    readonly timeoutMs: number;
  };
  /** Upstream hosts (host or host:port) whose 403 means "no such signature" (object stores). */
  readonly treat403AsMissing: ReadonlySet<string>;
  /** Upstream hosts (host or host:port) whose redirects may lead to other hosts. Default none. */
  readonly crossHostRedirects?: ReadonlySet<string> | undefined;
  /** OpenShift release signature stores, read in order by release imports (`release.signatureStores`). */
  readonly releaseStores?: readonly string[] | undefined;
  /** Parses what can be read from a signature without verifying it; stored as metadata. */
  readonly describe?: ((bytes: Uint8Array, image: ImageKey) => Record<string, unknown>) | undefined;
  readonly logger?: Logger | undefined;
  /** Counts fetch decisions and errors by kind. */
  readonly onFetchEvent?: ((kind: string) => void) | undefined;
}

/** What one import did (the job's return value). */
export interface ImportResult {
  readonly scope: string;
  readonly lookaside: string;
  readonly fetched: number;
  readonly added: readonly number[];
  readonly duplicates: number;
  /** Fetched signatures skipped because an admin removed them (`sigmirror signatures remove`). */
  readonly tombstoned: number;
  readonly endedBy: EndedBy;
  readonly warnings: readonly string[];
}

/** An import that cannot succeed by retrying (bad config for this image); the worker fails it at once. */
export class ImportConfigError extends Error {
  override readonly name = 'ImportConfigError';
}

/** Raised while no registries.d configuration is in force; retried. */
export class NoConfigurationError extends Error {
  override readonly name = 'NoConfigurationError';
}

export async function importImage(image: ImageKey, deps: ImportDeps): Promise<ImportResult> {
  const config = deps.registries();
  if (!config) throw new NoConfigurationError('no valid registries.d configuration is loaded yet');
  const ref = parseNormalizedReference(imageReference(image));
  const decision = lookasideFor(config, ref, 'read');
  let base: string;
  try {
    base = signatureBaseFor(decision.url, ref);
  } catch (err) {
    throw new ImportConfigError(
      `scope ${decision.scope} (${decision.file ?? 'built-in'}): ${(err as Error).message}`,
    );
  }
  const host = new URL(base).host;
  const log = deps.logger?.child({ scope: decision.scope, lookaside: redactUrl(decision.url) });
  log?.debug(`scope ${decision.scope} matched in ${decision.file ?? 'built-in default'}`);
  const fetchAll = () =>
    fetchSignatureList({
      urlFor: (n) => signatureUrl(base, image.digest, n),
      agents: deps.agents,
      maxSignatures: deps.limits.maxSignatures,
      maxBytes: deps.limits.maxSignatureBytes,
      timeoutMs: deps.limits.timeoutMs,
      treat403AsMissing:
        deps.treat403AsMissing.has(host) || deps.treat403AsMissing.has(new URL(base).hostname),
      crossHostRedirects: deps.crossHostRedirects,
      logger: log,
      onEvent: deps.onFetchEvent,
    });
  // The breaker first: an offline host's jobs fail at once instead of queueing for a slot.
  const limited = () => deps.hosts.run(host, fetchAll);
  const list = await (deps.breaker ? deps.breaker.run(host, limited) : limited());
  const appended = await appendUnlessTombstoned(
    deps.store,
    deps.tombstones,
    image,
    list.signatures.map((s) => ({
      bytes: s.bytes,
      source: redactUrl(s.url),
      parsed: deps.describe?.(s.bytes, image),
    })),
    { origin: 'import', by: 'import-worker', lookaside: redactUrl(decision.url) },
  ).catch((err: unknown) => {
    // A full image stays full: retrying cannot help.
    if (err instanceof SignatureLimitError) throw new ImportConfigError(err.message);
    throw err;
  });
  if (appended.tombstoned.length)
    log?.debug({ tombstoned: appended.tombstoned }, 'skipped signatures an admin removed');
  return {
    scope: decision.scope,
    lookaside: redactUrl(decision.url),
    fetched: list.signatures.length,
    added: appended.added,
    duplicates: appended.duplicates.length,
    tombstoned: appended.tombstoned.length,
    endedBy: list.endedBy,
    warnings: list.warnings,
  };
}
