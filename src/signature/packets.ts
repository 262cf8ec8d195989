/**
 * A minimal OpenPGP (RFC 4880 / 9580) message reader: packet framing (old and new headers,
 * partial body lengths, including Go-produced first chunks shorter than the RFC allows),
 * compressed data (ZIP, ZLIB), literal data, one-pass signatures and signature packets of
 * version 3, 4 and 6. It only reads; it verifies nothing. openpgp.js silently drops v3 signature
 * packets, which most real Red Hat signatures are: that is why this exists.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';

/** Largest decompressed message accepted: a simple-signing payload is a few hundred bytes. */
export const MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of compressed packets (a zip bomb guard). */
const MAX_NESTING = 4;
/**
 * Most packets read from one stream: a simple-signing message has four or five, a message with
 * several signers a few more. A 4 MiB blob of empty packets must not become millions of objects.
 */
export const MAX_PACKETS = 256;

export const TAG = { SIGNATURE: 2, ONE_PASS: 4, COMPRESSED: 8, MARKER: 10, LITERAL: 11 } as const;

/** A signature packet's fields that do not need a key. */
export interface SignaturePacketInfo {
  readonly version: number;
  readonly signatureType: number;
  readonly publicKeyAlgorithm: number;
  readonly hashAlgorithm: number;
  /** 16 hex digits, upper case; from the v3 field or the issuer subpacket. */
  readonly issuerKeyId: string | undefined;
  /** Issuer fingerprint subpacket (v4/v6), upper-case hex. */
  readonly issuerFingerprint: string | undefined;
  readonly creationTime: number | undefined;
  /** The raw packet body (for verification). */
  readonly body: Uint8Array;
}

/** What a signed message holds. */
export interface ParsedMessage {
  readonly literal: { readonly format: string; readonly data: Uint8Array } | undefined;
  readonly signatures: readonly SignaturePacketInfo[];
  readonly onePassCount: number;
}

export class PacketError extends Error {
  override readonly name = 'PacketError';
}

interface Packet {
  readonly tag: number;
  readonly body: Uint8Array;
}

/** Splits a binary OpenPGP stream into packets; `acceptTag` refuses a tag as soon as it is read. */
export function readPackets(bytes: Uint8Array, acceptTag?: (tag: number) => boolean): Packet[] {
  const packets: Packet[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (packets.length === MAX_PACKETS) throw new PacketError(`more than ${MAX_PACKETS} packets`);
    const header = bytes[pos++]!;
    if ((header & 0x80) === 0)
      throw new PacketError(`not an OpenPGP packet at byte ${pos - 1} (0x${header.toString(16)})`);
    const tag = header & 0x40 ? header & 0x3f : (header >> 2) & 0x0f;
    if (acceptTag && !acceptTag(tag))
      throw new PacketError(`packet tag ${tag} has no place in a signed message`);
    if (header & 0x40) {
      const chunks: Uint8Array[] = [];
      for (;;) {
        const [length, partial, next] = newLength(bytes, pos);
        if (next + length > bytes.length) throw new PacketError('truncated packet');
        chunks.push(bytes.subarray(next, next + length));
        pos = next + length;
        if (!partial) break;
      }
      packets.push({ tag, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    } else {
      const lengthType = header & 0x03;
      let length: number;
      if (lengthType === 3) length = bytes.length - pos;
      else {
        const size = [1, 2, 4][lengthType]!;
        if (pos + size > bytes.length) throw new PacketError('truncated packet header');
        length = 0;
        for (let i = 0; i < size; i++) length = length * 256 + bytes[pos + i]!;
        pos += size;
      }
      if (pos + length > bytes.length) throw new PacketError('truncated packet');
      packets.push({ tag, body: bytes.subarray(pos, pos + length) });
      pos += length;
    }
  }
  return packets;
}

/** New-format length: [length, isPartial, position after the length octets]. */
function newLength(bytes: Uint8Array, pos: number): [number, boolean, number] {
  const first = bytes[pos];
  if (first === undefined) throw new PacketError('truncated packet length');
  if (first < 192) return [first, false, pos + 1];
  if (first < 224) return [((first - 192) << 8) + (bytes[pos + 1] ?? 0) + 192, false, pos + 2];
  if (first === 255) {
    const b = bytes.subarray(pos + 1, pos + 5);
    if (b.length < 4) throw new PacketError('truncated packet length');
    return [((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0, false, pos + 5];
  }
  return [1 << (first & 0x1f), true, pos + 1];
}

/** Parses a (possibly compressed) signed message. */
export function parseMessage(bytes: Uint8Array, depth = 0): ParsedMessage {
  let literal: ParsedMessage['literal'];
  const signatures: SignaturePacketInfo[] = [];
  let onePassCount = 0;
  for (const packet of readPackets(bytes)) {
    // The first complete message is the message: gpg and skopeo read only it (double.signature).
    if (literal && signatures.length >= Math.max(onePassCount, 1)) break;
    if (packet.tag === TAG.COMPRESSED) {
      if (depth >= MAX_NESTING) throw new PacketError('compressed packets nested too deep');
      const inner = parseMessage(decompress(packet.body), depth + 1);
      literal ??= inner.literal;
      signatures.push(...inner.signatures);
      onePassCount += inner.onePassCount;
    } else if (packet.tag === TAG.LITERAL) {
      literal ??= parseLiteral(packet.body);
    } else if (packet.tag === TAG.ONE_PASS) onePassCount++;
    else if (packet.tag === TAG.SIGNATURE) signatures.push(parseSignature(packet.body));
  }
  return { literal, signatures, onePassCount };
}

export function decompress(body: Uint8Array): Uint8Array {
  const algorithm = body[0];
  const data = body.subarray(1);
  const options = { maxOutputLength: MAX_DECOMPRESSED_BYTES };
  try {
    if (algorithm === 0) return data;
    if (algorithm === 1) return inflateRawSync(data, options);
    if (algorithm === 2) return inflateSync(data, options);
  } catch (err) {
    throw new PacketError(`cannot decompress: ${(err as Error).message}`);
  }
  throw new PacketError(`unsupported compression algorithm ${algorithm}${algorithm === 3 ? ' (BZip2)' : ''}`);
}

function parseLiteral(body: Uint8Array): { format: string; data: Uint8Array } {
  const format = String.fromCharCode(body[0] ?? 0);
  const nameLength = body[1] ?? 0;
  return { format, data: body.subarray(2 + nameLength + 4) };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** Reads the key-independent fields of a signature packet; malformed bodies throw PacketError. */
export function parseSignature(body: Uint8Array): SignaturePacketInfo {
  try {
    return readSignatureFields(body);
  } catch (err) {
    // Buffer reads past the end throw RangeError: an attacker's bytes, not our bug.
    if (err instanceof RangeError) throw new PacketError('malformed signature packet');
    throw err;
  }
}

function readSignatureFields(body: Uint8Array): SignaturePacketInfo {
  const version = body[0] ?? 0;
  if (version === 3) {
    if (body[1] !== 5 || body.length < 19) throw new PacketError('malformed v3 signature packet');
    const view = Buffer.from(body.buffer, body.byteOffset, body.length);
    return {
      version,
      signatureType: body[2]!,
      creationTime: view.readUInt32BE(3),
      issuerKeyId: hex(body.subarray(7, 15)),
      issuerFingerprint: undefined,
      publicKeyAlgorithm: body[15]!,
      hashAlgorithm: body[16]!,
      body,
    };
  }
  if (version === 4 || version === 6) return parseV4Signature(body, version);
  return {
    version,
    signatureType: body[1] ?? 0,
    publicKeyAlgorithm: 0,
    hashAlgorithm: 0,
    issuerKeyId: undefined,
    issuerFingerprint: undefined,
    creationTime: undefined,
    body,
  };
}

function parseV4Signature(body: Uint8Array, version: number): SignaturePacketInfo {
  const lengthSize = version === 6 ? 4 : 2;
  const view = Buffer.from(body.buffer, body.byteOffset, body.length);
  const hashedLength = lengthSize === 2 ? view.readUInt16BE(4) : view.readUInt32BE(4);
  const hashedStart = 4 + lengthSize;
  const unhashedAt = hashedStart + hashedLength;
  // A length past the end makes the read below throw RangeError: parseSignature's PacketError.
  const unhashedLength = lengthSize === 2 ? view.readUInt16BE(unhashedAt) : view.readUInt32BE(unhashedAt);
  const fields = {
    issuerKeyId: undefined as string | undefined,
    issuerFingerprint: undefined as string | undefined,
    creationTime: undefined as number | undefined,
  };
  readSubpackets(body.subarray(hashedStart, unhashedAt), fields);
  readSubpackets(body.subarray(unhashedAt + lengthSize, unhashedAt + lengthSize + unhashedLength), fields);
  const fpr = fields.issuerFingerprint;
  return {
    version,
    signatureType: body[1]!,
    publicKeyAlgorithm: body[2]!,
    hashAlgorithm: body[3]!,
    issuerKeyId: fields.issuerKeyId ?? (fpr && fpr.length === 40 ? fpr.slice(24) : fpr?.slice(0, 16)),
    issuerFingerprint: fpr,
    creationTime: fields.creationTime,
    body,
  };
}

function readSubpackets(
  area: Uint8Array,
  fields: {
    issuerKeyId: string | undefined;
    issuerFingerprint: string | undefined;
    creationTime: number | undefined;
  },
): void {
  let pos = 0;
  while (pos < area.length) {
    const [length, next] = subpacketLength(area, pos);
    const type = area[next]! & 0x7f;
    const data = area.subarray(next + 1, next + length);
    if (type === 2 && data.length === 4) fields.creationTime ??= Buffer.from(data).readUInt32BE(0);
    if (type === 16 && data.length === 8) fields.issuerKeyId ??= hex(data);
    if (type === 33 && data.length > 1) fields.issuerFingerprint ??= hex(data.subarray(1));
    pos = next + length;
  }
}

/** A subpacket's length and where its type octet is (RFC 4880 §5.2.3.1). */
function subpacketLength(area: Uint8Array, pos: number): [length: number, next: number] {
  const first = area[pos]!;
  if (first < 192) return [first, pos + 1];
  if (first < 255) return [((first - 192) << 8) + (area[pos + 1] ?? 0) + 192, pos + 2];
  return [Buffer.from(area.subarray(pos + 1, pos + 5)).readUInt32BE(0), pos + 5];
}
