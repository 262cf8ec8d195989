/** Both decisions for one reference, in the shape `sigmirror resolve --json` prints. */
import { referenceString, type DockerReference } from '../reference/index.js';
import type { RegistriesConfig } from './load.js';
import { builtinLookaside, lookasideFor, signatureBaseFor, useSigstoreAttachmentsFor } from './resolve.js';

/** Where a host reads and writes the signatures of one reference. */
export interface Resolution {
  /** The normalised reference. */
  readonly reference: string;
  /** The scope (or `default-docker` / `built-in`) that decided reading, and its file. */
  readonly scope: string;
  readonly file: string | null;
  /** The read base URL exactly as configured. */
  readonly lookaside: string;
  /** The same for writing, which may come from another scope. */
  readonly writeScope: string;
  readonly writeFile: string | null;
  readonly lookasideStaging: string;
  /** The read base with the repository path appended; null when the URL is unusable. */
  readonly signatureBase: string | null;
  /** The same for writing. */
  readonly writeSignatureBase: string | null;
  readonly useSigstoreAttachments: boolean;
  /** Why a base URL is unusable (containers/image fails such references), if it is. */
  readonly errors: readonly string[];
}

/** Resolves both directions; `builtin` overrides the built-in default (tests, other users). */
export function resolveReference(
  config: RegistriesConfig,
  ref: DockerReference,
  builtin = builtinLookaside(),
): Resolution {
  const read = lookasideFor(config, ref, 'read', builtin);
  const write = lookasideFor(config, ref, 'write', builtin);
  const errors: string[] = [];
  const base = (url: string) => {
    try {
      return signatureBaseFor(url, ref);
    } catch (err) {
      errors.push((err as Error).message);
      return null;
    }
  };
  const signatureBase = base(read.url);
  const writeSignatureBase = write.url === read.url ? signatureBase : base(write.url);
  return {
    reference: referenceString(ref),
    scope: read.scope,
    file: read.file ?? null,
    lookaside: read.url,
    writeScope: write.scope,
    writeFile: write.file ?? null,
    lookasideStaging: write.url,
    signatureBase,
    writeSignatureBase,
    useSigstoreAttachments: useSigstoreAttachmentsFor(config, ref).value,
    errors,
  };
}
