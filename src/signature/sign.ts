/**
 * Making a simple-signing signature (containers/image signature/simple.go newUntrustedSignature +
 * the gpgme mechanism's Sign): a binary OpenPGP signed message over the payload JSON, keys in
 * containers/image's order of output (sorted), hosts verify it like any other.
 * Keep in sync with docs/spec/simple-signing.md §Payload.
 */
import type * as openpgp from 'openpgp';
import { openpgpModule } from './openpgp.js';

export class SigningError extends Error {
  override readonly name = 'SigningError';
}

export interface PayloadFields {
  readonly manifestDigest: string;
  readonly dockerReference: string;
  readonly creator: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
}

/** The payload bytes, compact JSON with sorted keys as containers/image writes them. */
export function buildPayload(fields: PayloadFields): Uint8Array {
  const payload = {
    critical: {
      identity: { 'docker-reference': fields.dockerReference },
      image: { 'docker-manifest-digest': fields.manifestDigest },
      type: 'atomic container signature',
    },
    optional: { creator: fields.creator, timestamp: fields.timestamp },
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/** Reads an armored or binary private key and unlocks it with the passphrase when it is protected. */
export async function readSigningKey(
  bytes: Uint8Array,
  passphrase: string | undefined,
): Promise<openpgp.PrivateKey> {
  const pgp = await openpgpModule();
  let key: openpgp.PrivateKey;
  try {
    const text = Buffer.from(bytes).toString('latin1');
    key = text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')
      ? await pgp.readPrivateKey({ armoredKey: text })
      : await pgp.readPrivateKey({ binaryKey: bytes });
  } catch (err) {
    throw new SigningError(`not an OpenPGP private key: ${(err as Error).message}`);
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined)
    throw new SigningError('the private key is protected: give --passphrase-file');
  try {
    return await pgp.decryptKey({ privateKey: key, passphrase });
  } catch (err) {
    throw new SigningError(`cannot unlock the private key: ${(err as Error).message}`);
  }
}

/** Signs the payload: a binary signed message (one-pass signature, literal, signature). */
export async function signPayload(
  payload: Uint8Array,
  key: openpgp.PrivateKey,
  date = new Date(),
): Promise<Uint8Array> {
  const pgp = await openpgpModule();
  const message = await pgp.createMessage({ binary: payload, format: 'binary' });
  try {
    return await pgp.sign({ message, signingKeys: key, format: 'binary', date });
  } catch (err) {
    throw new SigningError(`cannot sign: ${(err as Error).message}`);
  }
}
