/**
 * Reads signature-1, 2, … of one image from its lookaside until the first missing index, as
 * containers/image does (docker_image_src.go appendSignaturesFromLookaside), with sigmirror's
 * guards: a 200 whose body is not an OpenPGP signed message (signature/blob.ts: an HTML
 * soft-404, a JSON error, junk) is never returned for storing: it ends the list with a warning
 * and a `soft-404` event; a 403 ends it only where the host is configured to answer 403 for
 * missing keys. Armored signatures are returned in binary form, as hosts read them.
 * Keep in sync with docs/spec/lookaside.md §Reading.
 */
import type { Logger } from 'pino';
import { asSignatureBlob } from '../signature/index.js';
import type { AgentPool } from './agent.js';
import { FetchError, redactUrl } from './errors.js';
import { MAX_SIGNATURES, MAX_SIGNATURE_BYTES, REQUEST_TIMEOUT_MS } from './limits.js';
import { fetchOne } from './one.js';

/** One fetched signature, raw bytes in upstream order. */
export interface FetchedSignature {
  readonly index: number;
  readonly url: string;
  readonly bytes: Uint8Array;
}

/** Why the list ended. */
export type EndedBy = 'not-found' | 'limit' | 'soft-404' | 'forbidden-as-missing';

export interface FetchListResult {
  readonly signatures: readonly FetchedSignature[];
  readonly endedBy: EndedBy;
  readonly warnings: readonly string[];
}

export interface FetchListOptions {
  /** URL of signature N (1-based); the layout module builds it. */
  readonly urlFor: (index: number) => string;
  readonly agents: AgentPool;
  readonly maxSignatures?: number;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Treat 403 as "no more signatures" (object stores). Default false: 403 is an error. */
  readonly treat403AsMissing?: boolean;
  /** Upstream hosts whose redirects may lead to other hosts (see one.ts). Default none. */
  readonly crossHostRedirects?: ReadonlySet<string> | undefined;
  readonly logger?: Logger | undefined;
  /** Called with each decision or error kind, for metrics. */
  readonly onEvent?: ((kind: string) => void) | undefined;
}

export async function fetchSignatureList(options: FetchListOptions): Promise<FetchListResult> {
  const max = options.maxSignatures ?? MAX_SIGNATURES;
  const signatures: FetchedSignature[] = [];
  const warnings: string[] = [];
  const decide = (endedBy: EndedBy, warning?: string): FetchListResult => {
    options.onEvent?.(endedBy);
    if (warning) {
      warnings.push(warning);
      options.logger?.warn(warning);
    }
    return { signatures, endedBy, warnings };
  };
  for (let index = 1; index <= max; index++) {
    const url = options.urlFor(index);
    let result;
    try {
      result = await fetchOne(url, {
        agents: options.agents,
        maxBytes: options.maxBytes ?? MAX_SIGNATURE_BYTES,
        timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
        crossHostRedirects: options.crossHostRedirects,
      });
    } catch (err) {
      if (err instanceof FetchError) options.onEvent?.(err.kind);
      throw err;
    }
    if (!result.found && result.why === 'not-found') return decide('not-found');
    if (!result.found) {
      if (options.treat403AsMissing) {
        return decide(
          'forbidden-as-missing',
          `403 at ${redactUrl(url)} taken as the end of the list (host option)`,
        );
      }
      options.onEvent?.('forbidden');
      throw new FetchError('forbidden', `HTTP 403 from ${redactUrl(url)}`, redactUrl(url), false, 403);
    }
    const blob = asSignatureBlob(result.bytes);
    if (!blob.ok) {
      return decide(
        'soft-404',
        `${redactUrl(url)} answered 200 with a body that is not a signature: ${blob.problem}; ${describeStart(result.bytes)}; not stored, ending the list there`,
      );
    }
    signatures.push({ index, url, bytes: blob.bytes });
  }
  return decide('limit', `stopped after ${max} signatures (the limit) at ${redactUrl(options.urlFor(max))}`);
}

/** The first bytes of a rejected body, in hex, for the log line (never the whole body). */
function describeStart(bytes: Uint8Array): string {
  if (!bytes.length) return 'empty body';
  return `${bytes.length} bytes starting ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`;
}
