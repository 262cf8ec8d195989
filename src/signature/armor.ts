/** ASCII armor (RFC 4880 §6): `-----BEGIN PGP MESSAGE-----` blocks to binary. */
import { PacketError } from './packets.js';

const BEGIN = /^-----BEGIN PGP (MESSAGE|SIGNATURE|PUBLIC KEY BLOCK)-----\r?$/m;

/** True when the bytes start like ASCII armor (possibly after whitespace). */
export function isArmored(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').trimStart().startsWith('-----BEGIN PGP ');
}

/** True for a cleartext-signed message. */
export function isCleartext(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64))
    .toString('latin1')
    .trimStart()
    .startsWith('-----BEGIN PGP SIGNED MESSAGE-----');
}

/** Decodes the first armored block (headers skipped, checksum line ignored). */
export function dearmor(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  const begin = BEGIN.exec(text);
  if (!begin) throw new PacketError('no ASCII armor header');
  const rest = text.slice(begin.index + begin[0].length);
  const end = rest.indexOf('-----END PGP ');
  if (end === -1) throw new PacketError('ASCII armor without an END line');
  const lines = rest.slice(0, end).split(/\r?\n/);
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  const body = lines.slice(blank === -1 ? 1 : blank + 1).filter((l) => !l.startsWith('=') && l.trim() !== '');
  return new Uint8Array(Buffer.from(body.join(''), 'base64'));
}
