/**
 * Is this blob a signature? The gate before anything fetched or uploaded is stored: only an
 * OpenPGP message of the kinds simple signing uses passes (binary packet framing, old or new
 * packet headers; compressed data, one-pass signature, literal data, signature and marker
 * packets; signature packets of version 3, 4, 5 or 6, so post-quantum signatures still pass;
 * at least one literal and one signature). Armored text is decoded and checked the same way;
 * the binary form is what hosts read (docs/spec/lookaside.md §Layout: raw binary). Everything
 * else (HTML soft-404s with or without a BOM, JSON errors, UTF-16 text, junk that merely
 * starts with a packet-like byte, cleartext-signed text) is not a signature.
 * Pure; nothing here is trusted: verify() alone establishes trust.
 */
import { dearmor, isArmored } from './armor.js';
import { decompress, PacketError, readPackets, TAG } from './packets.js';

/** A blob that may be stored, in the binary form hosts read. */
export type SignatureBlob =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly dearmored: boolean }
  | { readonly ok: false; readonly problem: string };

const SIGNATURE_VERSIONS: ReadonlySet<number> = new Set([3, 4, 5, 6]);
const ONE_PASS_VERSIONS: ReadonlySet<number> = new Set([3, 6]);
const MAX_NESTING = 4;
/** The packets a signed message is made of (RFC 9580 §10.3). */
const MESSAGE_TAGS: ReadonlySet<number> = new Set([
  TAG.SIGNATURE,
  TAG.ONE_PASS,
  TAG.COMPRESSED,
  TAG.MARKER,
  TAG.LITERAL,
]);

/** Checks a blob; never throws. */
export function asSignatureBlob(bytes: Uint8Array): SignatureBlob {
  if (!bytes.length) return { ok: false, problem: 'empty' };
  const dearmored = isArmored(bytes);
  if (!dearmored && !(bytes[0]! & 0x80))
    return {
      ok: false,
      problem: `not an OpenPGP message (starts with 0x${bytes[0]!.toString(16).padStart(2, '0')})`,
    };
  try {
    const binary = dearmored ? dearmor(bytes) : bytes;
    const found = { literal: 0, signatures: 0 };
    checkPackets(binary, 0, found);
    if (!found.literal) return { ok: false, problem: 'an OpenPGP message without literal data' };
    if (!found.signatures) return { ok: false, problem: 'an OpenPGP message without a signature packet' };
    return { ok: true, bytes: binary, dearmored };
  } catch (err) {
    if (err instanceof PacketError)
      return { ok: false, problem: `malformed OpenPGP message: ${err.message}` };
    throw err;
  }
}

function checkPackets(
  bytes: Uint8Array,
  depth: number,
  found: { literal: number; signatures: number },
): void {
  if (!bytes.length) throw new PacketError('empty compressed packet');
  for (const { tag, body } of readPackets(bytes, (tag) => MESSAGE_TAGS.has(tag))) {
    if (tag === TAG.COMPRESSED) {
      if (depth >= MAX_NESTING) throw new PacketError('compressed packets nested too deep');
      checkPackets(decompress(body), depth + 1, found);
    } else if (tag === TAG.LITERAL) {
      if (body.length < 6 || body.length < 6 + body[1]!)
        throw new PacketError('malformed literal data packet');
      found.literal++;
    } else if (tag === TAG.SIGNATURE) {
      if (!SIGNATURE_VERSIONS.has(body[0]!)) throw new PacketError(`signature packet version ${body[0]}`);
      found.signatures++;
    } else if (tag === TAG.ONE_PASS) {
      if (!ONE_PASS_VERSIONS.has(body[0]!))
        throw new PacketError(`one-pass signature packet version ${body[0]}`);
    }
  }
}
