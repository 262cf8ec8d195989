/**
 * The metadata the store keeps per signature: parsed, never verified. Flags what hosts would
 * trip over (a payload naming another digest, an algorithm sigmirror cannot verify) without
 * dropping anything: the mirror serves upstream's bytes faithfully.
 */
import { describeUntrusted } from './untrusted.js';

/** Public-key algorithms sigmirror can verify: RSA (1, 3), DSA (17), ECDSA (19), EdDSA (22), Ed25519/Ed448 (27, 28). */
export const VERIFIABLE_ALGORITHMS: ReadonlySet<number> = new Set([1, 3, 17, 19, 22, 27, 28]);

/** Metadata for one stored signature of the image with digest `imageDigest`. */
export function signatureMetadata(bytes: Uint8Array, imageDigest: string): Record<string, unknown> {
  const d = describeUntrusted(bytes);
  const first = d.packets[0];
  const flags: string[] = [];
  if (d.problem) flags.push('unparsable');
  if (d.payload && d.payload.untrustedDockerManifestDigest !== imageDigest) flags.push('other-digest');
  if (d.packets.some((p) => !VERIFIABLE_ALGORITHMS.has(p.publicKeyAlgorithm)))
    flags.push('unsupported-algorithm');
  return {
    format: d.format,
    packetVersion: first?.version ?? null,
    keyId: first?.issuerKeyId ?? null,
    issuerFingerprint: first?.issuerFingerprint ?? null,
    publicKeyAlgorithm: first?.publicKeyAlgorithm ?? null,
    hashAlgorithm: first?.hashAlgorithm ?? null,
    untrustedDigest: d.payload?.untrustedDockerManifestDigest ?? null,
    untrustedIdentity: d.payload?.untrustedDockerReference ?? null,
    untrustedCreator: d.payload?.untrustedCreator ?? null,
    problem: d.problem ?? null,
    flags,
  };
}
