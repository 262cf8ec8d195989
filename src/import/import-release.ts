/**
 * The release import: every signature of one OpenShift release digest from the configured
 * release stores (`<store>/sha256=<hex>/signature-N`, mirror.openshift.com's layout), into the
 * store under its release key, unverified, with provenance. The first store that has the digest
 * wins; a store that fails is passed over for the next one.
 *
 * Reading follows the CVO (library-go pkg/verify/store/sigstore): a 404 ends the list; a 403 is
 * "logged and the next index tried" within the indices the CVO reads (1 … 9), and ends the list
 * beyond them (where object stores answer 403 for missing keys); bodies are capped at the CVO's
 * 50 KiB. The list is read with fetchSignatureList as image imports read theirs, resumed after
 * each such 403 (a bounded number of calls: each one consumes at least one index).
 * Keep in sync with docs/releases.md §How signatures are read.
 */
import {
  FetchError,
  fetchSignatureList,
  limits,
  redactUrl,
  type EndedBy,
  type FetchedSignature,
} from '../fetch/index.js';
import { releaseSignatureUrl } from '../lookaside/index.js';
import { appendUnlessTombstoned, releaseKey } from '../store/index.js';
import { ImportConfigError, type ImportDeps, type ImportResult } from './import-image.js';

/** What one release import did (the job's return value). */
export interface ReleaseImportResult extends ImportResult {
  /** Upstream indices that answered 403 and were passed over, as the CVO does. */
  readonly skipped: readonly number[];
}

/** One store's list, with upstream indices. */
interface StoreList {
  readonly signatures: readonly FetchedSignature[];
  readonly endedBy: EndedBy;
  readonly warnings: readonly string[];
  readonly skipped: readonly number[];
}

export async function importRelease(digest: string, deps: ImportDeps): Promise<ReleaseImportResult> {
  const stores = deps.releaseStores ?? [];
  if (stores.length === 0)
    throw new ImportConfigError('no release signature stores are configured (release.signatureStores)');
  const key = releaseKey(digest); // validates the digest before any URL is built
  let lastError: unknown;
  let chosen: { base: string; list: StoreList } | undefined;
  for (const base of stores) {
    try {
      const list = await readStore(base, digest, deps);
      chosen ??= { base, list };
      if (list.signatures.length) {
        chosen = { base, list };
        break;
      }
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      deps.logger?.warn({ store: redactUrl(base), err: { message: err.message } }, 'release store failed');
      lastError = err;
    }
  }
  if (!chosen?.list.signatures.length && lastError) throw lastError;
  const { base, list } = chosen!;
  const appended = await appendUnlessTombstoned(
    deps.store,
    deps.tombstones,
    key,
    list.signatures.map((s) => ({
      bytes: s.bytes,
      source: redactUrl(s.url),
      parsed: deps.describe?.(s.bytes, key),
    })),
    { origin: 'import', by: 'import-worker', lookaside: redactUrl(base) },
  );
  return {
    scope: 'release',
    lookaside: redactUrl(base),
    fetched: list.signatures.length,
    added: appended.added,
    duplicates: appended.duplicates.length,
    tombstoned: appended.tombstoned.length,
    endedBy: list.endedBy,
    warnings: list.warnings,
    skipped: list.skipped,
  };
}

/** signature-1 … N of one store, passing over a 403 inside the CVO's window. */
async function readStore(base: string, digest: string, deps: ImportDeps): Promise<StoreList> {
  const max = deps.limits.maxSignatures;
  const host = new URL(base).host || 'file';
  const signatures: FetchedSignature[] = [];
  const warnings: string[] = [];
  const skipped: number[] = [];
  for (let first = 1; ;) {
    const list = await deps.hosts.run(host, () =>
      fetchSignatureList({
        urlFor: (n) => releaseSignatureUrl(base, digest, first + n - 1),
        agents: deps.agents,
        maxSignatures: max - first + 1,
        maxBytes: Math.min(limits.MAX_RELEASE_SIGNATURE_BYTES, deps.limits.maxSignatureBytes),
        timeoutMs: deps.limits.timeoutMs,
        treat403AsMissing: true,
        onEvent: deps.onFetchEvent,
      }),
    );
    signatures.push(...list.signatures.map((s) => ({ ...s, index: s.index + first - 1 })));
    const forbidden = first + list.signatures.length;
    if (list.endedBy !== 'forbidden-as-missing') {
      warnings.push(...list.warnings);
      for (const w of list.warnings) deps.logger?.warn(w);
      return { signatures, endedBy: list.endedBy, warnings, skipped };
    }
    const url = redactUrl(releaseSignatureUrl(base, digest, forbidden));
    const inWindow = forbidden < limits.CVO_SIGNATURE_INDICES && forbidden < max;
    const warning = inWindow
      ? `HTTP 403 from ${url}: passed over, as the CVO does; reading signature-${forbidden + 1}`
      : `HTTP 403 from ${url}: taken as the end of the list (beyond the CVO's ${limits.CVO_SIGNATURE_INDICES} indices)`;
    warnings.push(warning);
    deps.logger?.warn(warning);
    if (!inWindow) return { signatures, endedBy: 'forbidden-as-missing', warnings, skipped };
    skipped.push(forbidden);
    first = forbidden + 1;
  }
}
