/**
 * The public keys a generated policy trusts: paths on the host (`keyPath`/`keyPaths`) or one
 * embedded keyring (`keyData`). Pure: the CLI reads the files. Keep in sync with
 * docs/spec/policy-json.md §Requirement kinds (signedBy).
 */
import { HostConfigError } from './errors.js';

/** Where hosts find the keys: absolute paths on the host, or a keyring embedded in policy.json. */
export type PolicyKeys =
  | { readonly paths: readonly string[] }
  /** The keyring's bytes, written base64 as `keyData` (see embeddedKeyring). */
  | { readonly keyring: Uint8Array };

/** A key file as read by the CLI. */
export interface KeyFile {
  /** The name the user gave, for messages. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** OpenPGP packet tags (RFC 4880 §4.3) that may start a key file. */
const PUBLIC_KEY_TAG = 6;
const SECRET_KEY_TAG = 5;
const ARMOR_BEGIN = /^-----BEGIN PGP ([A-Z ]+)-----\r?$/m;

/**
 * WARNING: policy.json and registries.d are copied to every host. A secret key must never end up
 * in keyData, and a keyPath to one says the wrong file was exported; both are refused here.
 */
const SECRET = 'a secret key; hosts need only the public key (gpg --export KEYID > key.gpg)';

/** The tag of the packet starting `bytes`, or undefined when it is not an OpenPGP packet. */
function firstPacketTag(bytes: Uint8Array): number | undefined {
  const b = bytes[0];
  if (b === undefined || (b & 0x80) === 0) return undefined;
  return b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
}

/** True for ASCII-armored key text, false for binary packets. */
export function isArmoredKey(bytes: Uint8Array): boolean {
  return firstPacketTag(bytes) === undefined;
}

/** Why `bytes` is not an OpenPGP public key (armored or binary) hosts can load, or undefined. */
export function publicKeyProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'an empty file';
  const tag = firstPacketTag(bytes);
  if (tag === PUBLIC_KEY_TAG) return undefined;
  if (tag === SECRET_KEY_TAG) return SECRET;
  if (tag === undefined) {
    const kind = ARMOR_BEGIN.exec(Buffer.from(bytes).toString('latin1'))?.[1];
    if (kind === 'PUBLIC KEY BLOCK') return undefined;
    if (kind === 'PRIVATE KEY BLOCK') return SECRET;
  }
  return 'not an OpenPGP public key (export one with gpg --export KEYID > key.gpg)';
}

/**
 * One keyring for keyData from several key files: their bytes in the order given (one file: its
 * exact bytes). gpg imports a run of binary keys or a run of armored blocks, never a mix, so
 * mixing is refused; armored files are separated by a newline. Throws HostConfigError.
 */
export function embeddedKeyring(files: readonly KeyFile[]): Uint8Array {
  const armored = files.filter((f) => isArmoredKey(f.bytes));
  const binary = files.filter((f) => !isArmoredKey(f.bytes));
  if (armored.length && binary.length) {
    throw new HostConfigError(
      `--embed-keys: ${armored[0]!.name} is ASCII-armored but ${binary[0]!.name} is binary, and gpg reads one keyring of one kind: convert with gpg --dearmor`,
    );
  }
  const parts = files.map((f, i) => {
    const needsNewline = armored.length && i < files.length - 1 && f.bytes[f.bytes.length - 1] !== 0x0a;
    return needsNewline ? Buffer.concat([f.bytes, Buffer.from('\n')]) : f.bytes;
  });
  return new Uint8Array(Buffer.concat(parts));
}
