/**
 * The signatures API's wire object (OpenShift registry "extensions" compatible), validated on PUT
 * before anything is written. Keep in sync with docs/spec/extensions-api.md §Wire format and
 * §Validation on PUT.
 */
import { asSignatureBlob, describeUntrusted } from '../signature/index.js';
import type { SignatureEntry } from '../store/index.js';
import { ApiError } from './errors.js';
import { signaturePutBody } from './request-bodies.js';

/** `AtomicImageV1` (OpenShift's name) and empty are stored as `atomic`, the only type hosts accept. */
const ATOMIC_ALIASES = new Set(['', 'atomic', 'AtomicImageV1']);
/** The base64 alphabet with padding only at the end; canonical form is checked by re-encoding. */
const BASE64_CHARS = /^[\d+/A-Z]*={0,2}$/i;

/** One signature as GET lists it. */
export interface SignatureObject {
  readonly schemaVersion: 2;
  readonly name: string;
  readonly type: 'atomic';
  readonly content: string;
}

const invalid = (detail: string) => new ApiError('SIGNATURE_INVALID', 'invalid signature', detail);

/** A stored signature's API name: the uploaded one, else `<digest>@<first 32 hex of its sha256>`. */
export function signatureName(digest: string, entry: Pick<SignatureEntry, 'name' | 'sha256'>): string {
  return entry.name ?? `${digest}@${entry.sha256.slice(0, 32)}`;
}

/**
 * Standard padded base64, decoded; undefined when it is not. Linear: one character-class scan
 * and a re-encoding (a nested-quantifier pattern overflowed V8's stack on a 3.6 MB signature).
 */
export function decodeStrictBase64(content: string): Buffer | undefined {
  if (content.length === 0 || content.length % 4 !== 0 || !BASE64_CHARS.test(content)) return undefined;
  const bytes = Buffer.from(content, 'base64');
  return bytes.toString('base64') === content ? bytes : undefined;
}

/**
 * Validates a PUT body for the image `digest`; returns the name and the bytes to store (binary
 * OpenPGP, at most `maxBytes`: uploads accept exactly what imports accept).
 */
export function validatePut(
  body: unknown,
  digest: string,
  maxBytes: number,
): { name: string; bytes: Uint8Array } {
  const parsed = signaturePutBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { schemaVersion, version, name, type, content } = parsed.data;
  if ((schemaVersion ?? version) !== 2) throw invalid('schemaVersion must be 2');
  if (schemaVersion !== undefined && version !== undefined && schemaVersion !== version)
    throw invalid('schemaVersion and version disagree');
  if (!ATOMIC_ALIASES.has(type ?? '')) throw invalid(`type must be "atomic", not ${JSON.stringify(type)}`);
  const at = name.indexOf('@');
  if (at === -1 || name.slice(0, at) !== digest)
    throw invalid('name must be <digest>@<id> with the digest of the URL');
  if (!/^[A-Za-z0-9]{32}$/.test(name.slice(at + 1)))
    throw invalid('the id in name must be 32 characters of [A-Za-z0-9]');
  // Decoded size first: 4 MiB of signature is at most this much base64.
  if (content.length > Math.ceil(maxBytes / 3) * 4)
    throw new ApiError('SIZE_INVALID', `the signature is larger than ${maxBytes} bytes`);
  const decoded = decodeStrictBase64(content);
  if (!decoded) throw invalid('content is not standard padded base64');
  if (decoded.length > maxBytes)
    throw new ApiError('SIZE_INVALID', `the signature is larger than ${maxBytes} bytes`);
  const blob = asSignatureBlob(decoded);
  if (!blob.ok) throw invalid(`content is not a simple-signing OpenPGP message: ${blob.problem}`);
  const description = describeUntrusted(blob.bytes);
  if (description.problem)
    throw invalid(`content is not a simple-signing OpenPGP message: ${description.problem}`);
  if (description.payload!.untrustedDockerManifestDigest !== digest) {
    throw invalid(
      `the signature is for ${description.payload!.untrustedDockerManifestDigest}, not ${digest}`,
    );
  }
  // Hosts read lookaside blobs as binary OpenPGP: an armored upload is stored in binary form.
  return { name, bytes: blob.bytes };
}
