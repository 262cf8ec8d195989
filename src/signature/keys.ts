/**
 * Trusted public keys: armored or binary files and keyrings, several at once (openpgp.js reads
 * them). Answers "which key (or subkey) made this signature, and may it sign now?" with the
 * answers cached briefly: checking a key's self-signatures costs more than the signature itself.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type * as openpgp from 'openpgp';
import { openpgpModule } from './openpgp.js';

/** How long a key's validity (expiry, revocation, binding) answer is reused. */
const VALIDITY_CACHE_MS = 60_000;
/** The smallest RSA modulus accepted with a warning (hosts accept the 1024-bit legacy fixtures). */
export const LEGACY_MIN_RSA_BITS = 1024;
/** Below this, `strict` rejects and the default warns. */
export const STRICT_MIN_RSA_BITS = 2048;

const ARMORED_KEY_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** One key file's bytes and a name for messages. */
export interface KeySource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The key packet that made a signature, with its primary key. */
export interface SigningKey {
  readonly primary: openpgp.PublicKey;
  readonly packet: openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket;
  readonly primaryFingerprint: string;
  /** Set when a subkey signed. */
  readonly subkeyFingerprint: string | undefined;
  readonly rsaBits: number | undefined;
}

/** Reads every key in one file (armored or binary, one key or a keyring). */
export async function readKeyFile(source: KeySource): Promise<openpgp.PublicKey[]> {
  try {
    const text = Buffer.from(source.bytes).toString('latin1');
    const blocks = text.match(ARMORED_KEY_BLOCK);
    const pgp = await openpgpModule();
    const keys: openpgp.PublicKey[] = [];
    // Key files often carry several armored blocks, or text before the first (key files from RPMs).
    if (blocks) for (const armoredKeys of blocks) keys.push(...(await pgp.readKeys({ armoredKeys })));
    else keys.push(...(await pgp.readKeys({ binaryKeys: source.bytes })));
    return keys.map((k) => k.toPublic());
  } catch (err) {
    const why = (err as Error).message;
    const hint = why.includes('No key packet found')
      ? ' (no key this verifier supports: e.g. a v6/PQC key)'
      : '';
    throw new KeyError(`cannot read public key file ${source.name}: ${why}${hint}`);
  }
}

const upper = (s: string) => s.toUpperCase();

/** A set of trusted keys. Immutable once built; safe to share between verifications. */
export class Keyring {
  private readonly validity = new Map<string, { at: number; error: string | undefined }>();
  private readonly rsaKeys = new Map<string, KeyObject>();

  private constructor(readonly keys: readonly openpgp.PublicKey[]) {}

  /** Reads all sources; any unreadable file is an error naming it. */
  static async read(sources: readonly KeySource[]): Promise<Keyring> {
    const keys: openpgp.PublicKey[] = [];
    for (const source of sources) keys.push(...(await readKeyFile(source)));
    if (keys.length === 0) throw new KeyError('no public keys given');
    return new Keyring(keys);
  }

  /** Primary fingerprints, upper-case hex. */
  get fingerprints(): string[] {
    return this.keys.map((k) => upper(k.getFingerprint()));
  }

  /** The key or subkey with this 16-hex key ID (or 40/64-hex fingerprint), if trusted. */
  find(keyIdOrFingerprint: string): SigningKey | undefined {
    const wanted = upper(keyIdOrFingerprint);
    for (const primary of this.keys) {
      for (const candidate of [primary, ...primary.subkeys]) {
        const fpr = upper(candidate.getFingerprint());
        const id = upper(candidate.getKeyID().toHex());
        if (wanted !== fpr && wanted !== id) continue;
        const packet = candidate.keyPacket as SigningKey['packet'];
        const info = packet.getAlgorithmInfo();
        return {
          primary,
          packet,
          primaryFingerprint: upper(primary.getFingerprint()),
          subkeyFingerprint: candidate === primary ? undefined : fpr,
          rsaBits: info.algorithm.startsWith('rsa') ? info.bits : undefined,
        };
      }
    }
    return undefined;
  }

  /**
   * Why this key may not sign at `now` (expired, revoked, not a signing key), or undefined.
   * openpgp.js judges keys at the signature's time; hosts (gpgme) judge them now: so do we.
   */
  async signingProblem(key: SigningKey, now: Date): Promise<string | undefined> {
    const cacheKey = `${key.primaryFingerprint}/${key.subkeyFingerprint ?? ''}`;
    const cached = this.validity.get(cacheKey);
    if (cached && Math.abs(now.getTime() - cached.at) < VALIDITY_CACHE_MS) return cached.error;
    const error = await checkSigningKey(key, now);
    this.validity.set(cacheKey, { at: now.getTime(), error });
    return error;
  }

  /** node:crypto RSA key for a key packet (v3 signatures are verified without openpgp.js). */
  rsaKeyObject(key: SigningKey): KeyObject {
    const id = key.subkeyFingerprint ?? key.primaryFingerprint;
    let object = this.rsaKeys.get(id);
    if (!object) {
      const { n, e } = key.packet.publicParams as { n: Uint8Array; e: Uint8Array };
      const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
      object = createPublicKey({ key: { kty: 'RSA', n: b64(n), e: b64(e) }, format: 'jwk' });
      this.rsaKeys.set(id, object);
    }
    return object;
  }
}

async function checkSigningKey(key: SigningKey, now: Date): Promise<string | undefined> {
  const legacy = { ...(await openpgpModule()).config, minRSABits: LEGACY_MIN_RSA_BITS };
  const primaryExpiry = await key.primary.getExpirationTime(undefined, legacy).catch(() => null);
  if (primaryExpiry instanceof Date && primaryExpiry <= now)
    return `key ${key.primaryFingerprint} expired on ${primaryExpiry.toISOString()}`;
  try {
    const keyId = key.packet.getKeyID();
    await key.primary.getSigningKey(keyId, now, undefined, legacy);
    return undefined;
  } catch (err) {
    const which = key.subkeyFingerprint ? `subkey ${key.subkeyFingerprint}` : `key ${key.primaryFingerprint}`;
    return `${which} may not sign: ${describeKeyError((err as Error).message)}`;
  }
}

/** openpgp.js wraps the reason ("Could not find valid signing key packet in key …: Subkey is revoked"). */
function describeKeyError(message: string): string {
  const colon = message.lastIndexOf(': ');
  return (colon === -1 ? message : message.slice(colon + 2)).replace(/\.$/, '');
}
