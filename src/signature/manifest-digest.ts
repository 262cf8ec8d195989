/**
 * The digest a signature must name for a manifest file: sha256 of its exact bytes, except that a
 * signed Docker schema1 manifest is digested without its JWS signatures (containers/image
 * manifest.Digest with libtrust ParsePrettySignature). Pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const SignatureBlocks = z.array(z.object({ protected: z.string() }).loose());
const ProtectedHeader = z
  .object({ formatLength: z.number().int().nonnegative(), formatTail: z.string() })
  .loose();

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** `sha256:<hex>` of the manifest as signatures name it; ManifestError when it cannot be computed. */
export function manifestDigest(manifest: Uint8Array): string {
  const parsed = parseJson(manifest);
  const isSignedSchema1 =
    parsed !== undefined &&
    parsed.schemaVersion === 1 &&
    parsed.signatures !== undefined &&
    parsed.signatures !== null;
  return sha256(isSignedSchema1 ? schema1Payload(manifest, parsed.signatures) : manifest);
}

function parseJson(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // not JSON: digested as is, like containers/image
  }
}

/** libtrust: payload = the manifest's first `formatLength` bytes followed by `formatTail`. */
function schema1Payload(manifest: Uint8Array, signatures: unknown): Uint8Array {
  const blocks = SignatureBlocks.safeParse(signatures);
  if (!blocks.success)
    throw new ManifestError(
      `error unmarshalling signatures: ${describe(signatures)} is not a list of JWS signatures`,
    );
  if (blocks.data.length === 0) throw new ManifestError('schema1 manifest has an empty signatures list');
  let payload: Buffer | undefined;
  for (const block of blocks.data) {
    const header = ProtectedHeader.safeParse(parseJson(Buffer.from(block.protected, 'base64url')));
    if (!header.success) throw new ManifestError('schema1 signature has no valid protected header');
    const { formatLength, formatTail } = header.data;
    if (formatLength > manifest.length) throw new ManifestError('invalid format length');
    const candidate = Buffer.concat([
      manifest.subarray(0, formatLength),
      Buffer.from(formatTail, 'base64url'),
    ]);
    if (payload && !payload.equals(candidate))
      throw new ManifestError('schema1 signatures disagree on the payload');
    payload = candidate;
  }
  return payload!;
}

const describe = (value: unknown) => (Array.isArray(value) ? 'a list' : `a ${typeof value}`);
