/**
 * The OpenPGP reader (src/signature/packets.ts) byte by byte: old and new packet headers with every
 * length form, partial bodies, the exact refusals, compression algorithms and caps, literal data,
 * and the key-independent fields of v3, v4, v6 and unknown signature packets.
 */
import { deflateRawSync, deflateSync } from 'node:zlib';
import test from 'ava';
import {
  decompress,
  MAX_DECOMPRESSED_BYTES,
  parseMessage,
  parseSignature,
  readPackets,
} from '../../../src/signature/packets.js';

const b = (...bytes: number[]) => Buffer.from(bytes);
const fill = (n: number, byte = 0x2e) => Buffer.alloc(n, byte);
/** Old-format header: tag in bits 5..2, length type in bits 1..0, then the length octets. */
const old = (tag: number, lengthType: number, lengthOctets: number[], body: Buffer) =>
  Buffer.concat([b(0x80 | (tag << 2) | lengthType, ...lengthOctets), body]);
/** New-format header with a one-octet length. */
const pkt = (tag: number, body: Buffer) => Buffer.concat([b(0xc0 | tag, body.length), body]);
const bodies = (bytes: Uint8Array) =>
  readPackets(bytes).map((p) => [p.tag, Buffer.from(p.body).toString('hex')]);

test('old-format headers: one-, two- and four-octet lengths and the indeterminate length', (t) => {
  t.deepEqual(bodies(old(2, 0, [3], b(1, 2, 3))), [[2, '010203']]);
  t.deepEqual(bodies(old(11, 1, [0, 2], b(9, 8))), [[11, '0908']]);
  t.deepEqual(bodies(old(4, 2, [0, 0, 1, 0], fill(256))), [[4, '2e'.repeat(256)]]);
  t.deepEqual(bodies(old(8, 3, [], b(7, 7, 7, 7))), [[8, '07070707']]);
  // A length over 255 read from two octets: 0x0102 = 258.
  t.is(readPackets(old(2, 1, [1, 2], fill(258)))[0]!.body.length, 258);
  t.is(readPackets(old(2, 2, [0, 1, 0, 2], fill(65538)))[0]!.body.length, 65538);
});

test('a packet whose body ends exactly at the end of the bytes is whole, an empty one too', (t) => {
  t.deepEqual(bodies(b(0x88, 0)), [[2, '']]);
  t.deepEqual(bodies(b(0x89, 0, 0)), [[2, '']]);
  t.deepEqual(bodies(b(0xc2, 0)), [[2, '']]);
  t.deepEqual(bodies(Buffer.concat([b(0x88, 1, 5), b(0xc2, 1, 6)])), [
    [2, '05'],
    [2, '06'],
  ]);
});

test('new-format headers: one-, two- and five-octet lengths', (t) => {
  t.deepEqual(bodies(b(0xc2, 2, 0xaa, 0xbb)), [[2, 'aabb']]);
  t.deepEqual(bodies(b(0xcb, 191, ...fill(191))), [[11, '2e'.repeat(191)]]);
  // 192 = two octets (192, 0); 1000 = ((1000 - 192) >> 8) + 192, (1000 - 192) & 0xff.
  t.is(readPackets(Buffer.concat([b(0xc2, 192, 0), fill(192)]))[0]!.body.length, 192);
  t.is(readPackets(Buffer.concat([b(0xc2, 195, 40), fill(1000)]))[0]!.body.length, 1000);
  t.is(readPackets(Buffer.concat([b(0xc2, 223, 255), fill(8383)]))[0]!.body.length, 8383);
  t.is(readPackets(Buffer.concat([b(0xc2, 255, 0, 0, 1, 0), fill(256)]))[0]!.body.length, 256);
  t.is(readPackets(Buffer.concat([b(0xc2, 255, 0, 1, 0, 1), fill(65537)]))[0]!.body.length, 65537);
  // Five-octet lengths of short bodies, first and after another packet (the octets read are exactly 4).
  t.deepEqual(bodies(b(0xc2, 255, 0, 0, 0, 3, 1, 2, 3)), [[2, '010203']]);
  t.deepEqual(bodies(b(0xc2, 0, 0xcb, 255, 0, 0, 0, 1, 9)), [
    [2, ''],
    [11, '09'],
  ]);
});

test('new-format partial body lengths are joined in order', (t) => {
  // 0xe1: a partial chunk of 2 octets, 0xe0 one of 1, then a final one-octet length.
  const bytes = b(0xcb, 0xe1, 1, 2, 0xe0, 3, 2, 4, 5);
  t.deepEqual(bodies(bytes), [[11, '0102030405']]);
  t.deepEqual(bodies(Buffer.concat([b(0xcb, 0xe2), b(1, 2, 3, 4), b(0)])), [[11, '01020304']]);
  // 0xef: 1 << 15 octets.
  t.is(readPackets(Buffer.concat([b(0xcb, 0xef), fill(32768), b(1, 9)]))[0]!.body.length, 32769);
});

test('refusals name the byte, the tag or the truncation', (t) => {
  const error = (bytes: Buffer, accept?: (tag: number) => boolean) =>
    t.throws(() => readPackets(bytes, accept), { name: 'PacketError' })?.message;
  t.is(error(b(0x41)), 'not an OpenPGP packet at byte 0 (0x41)');
  t.is(error(b(0x88, 1, 5, 0x7f)), 'not an OpenPGP packet at byte 3 (0x7f)');
  t.is(error(b(0x89, 0)), 'truncated packet header');
  t.is(error(b(0x8a, 0, 0, 0)), 'truncated packet header');
  t.is(error(b(0x88, 2, 1)), 'truncated packet');
  t.is(error(b(0xc2)), 'truncated packet length');
  t.is(error(b(0xc2, 255, 0, 0, 1)), 'truncated packet length');
  t.is(error(b(0xc2, 3, 1, 2)), 'truncated packet');
  t.is(error(b(0xcb, 0xe1, 1)), 'truncated packet');
  t.is(error(b(0xcb, 0xe1, 1, 2)), 'truncated packet length');
  t.is(
    error(b(0xc2, 0, 0xcb, 0), (tag) => tag === 2),
    'packet tag 11 has no place in a signed message',
  );
  t.deepEqual(
    readPackets(b(0xc2, 0, 0xcb, 0), (tag) => tag !== 4).map((p) => p.tag),
    [2, 11],
  );
  // Old format: tag 3 in bits 5..2 of 0x8c.
  t.is(
    error(b(0x8c, 0), (tag) => tag !== 3),
    'packet tag 3 has no place in a signed message',
  );
});

test('at most 256 packets are read', (t) => {
  t.is(readPackets(Buffer.concat(Array.from({ length: 256 }, () => b(0xca, 0)))).length, 256);
  t.throws(() => readPackets(Buffer.concat(Array.from({ length: 257 }, () => b(0xca, 0)))), {
    name: 'PacketError',
    message: 'more than 256 packets',
  });
});

const literal = (data: string, name = '') =>
  pkt(11, Buffer.concat([b(0x62, name.length), Buffer.from(name), b(0, 0, 0, 0), Buffer.from(data)]));
const v4 = (...subpackets: Buffer[]) => {
  const hashed = Buffer.concat(subpackets);
  return Buffer.concat([
    b(4, 0, 1, 8, hashed.length >> 8, hashed.length & 0xff),
    hashed,
    b(0, 0, 0xab, 0xcd),
  ]);
};
const sub = (type: number, data: Buffer) => Buffer.concat([b(data.length + 1, type), data]);
const KEY_ID = b(0x19, 0x9e, 0x2f, 0x91, 0xfd, 0x43, 0x1d, 0x51);

test('a message: literal data after its file name and date, signatures, one-pass packets', (t) => {
  const message = parseMessage(
    Buffer.concat([pkt(4, fill(13)), literal('{"x":1}', 'name.txt'), pkt(2, v4(sub(16, KEY_ID)))]),
  );
  t.is(message.literal?.format, 'b');
  t.is(Buffer.from(message.literal!.data).toString(), '{"x":1}');
  t.is(message.onePassCount, 1);
  t.deepEqual(
    message.signatures.map((s) => s.issuerKeyId),
    ['199E2F91FD431D51'],
  );
  t.deepEqual(parseMessage(b()), { literal: undefined, signatures: [], onePassCount: 0 });
  t.is(parseMessage(pkt(11, b())).literal?.format, '\0');
});

test('only the first complete message is read; one-pass packets ask for that many signatures', (t) => {
  const sig = (id: number) => pkt(2, v4(sub(16, b(0, 0, 0, 0, 0, 0, 0, id))));
  const first = parseMessage(Buffer.concat([literal('a'), sig(1), literal('b'), sig(2)]));
  t.is(Buffer.from(first.literal!.data).toString(), 'a');
  t.deepEqual(
    first.signatures.map((s) => s.issuerKeyId),
    ['0000000000000001'],
  );
  const two = parseMessage(Buffer.concat([pkt(4, b()), pkt(4, b()), literal('a'), sig(1), sig(2), sig(3)]));
  t.deepEqual(
    two.signatures.map((s) => s.issuerKeyId),
    ['0000000000000001', '0000000000000002'],
  );
  // Signatures before the literal data all count.
  const before = parseMessage(Buffer.concat([sig(1), sig(2), literal('a'), sig(3)]));
  t.is(before.signatures.length, 2);
});

test('compressed data: uncompressed, ZIP and ZLIB are read, nested packets merged', (t) => {
  const inner = Buffer.concat([pkt(4, b()), literal('inner'), pkt(2, v4(sub(16, KEY_ID)))]);
  for (const [algorithm, data] of [
    [0, inner],
    [1, deflateRawSync(inner)],
    [2, deflateSync(inner)],
  ] as const) {
    const message = parseMessage(pkt(8, Buffer.concat([b(algorithm), data])));
    t.is(Buffer.from(message.literal!.data).toString(), 'inner', `algorithm ${algorithm}`);
    t.is(message.signatures.length, 1);
    t.is(message.onePassCount, 1);
  }
  // A literal outside the compressed packet is kept when it comes first.
  const outer = parseMessage(Buffer.concat([literal('outer'), pkt(8, Buffer.concat([b(0), literal('in')]))]));
  t.is(Buffer.from(outer.literal!.data).toString(), 'outer');
});

test('compressed data: unknown algorithms, corrupt streams and bombs are refused', (t) => {
  t.throws(() => decompress(b(3, 1, 2)), { message: 'unsupported compression algorithm 3 (BZip2)' });
  t.throws(() => decompress(b(4, 1, 2)), { message: 'unsupported compression algorithm 4' });
  t.throws(() => decompress(b()), { message: 'unsupported compression algorithm undefined' });
  t.throws(() => decompress(b(2, 1, 2, 3)), { name: 'PacketError', message: /^cannot decompress: / });
  t.throws(() => decompress(b(1, 0xff, 0xff)), { name: 'PacketError', message: /^cannot decompress: / });
  t.is(
    decompress(Buffer.concat([b(2), deflateSync(fill(MAX_DECOMPRESSED_BYTES))])).length,
    MAX_DECOMPRESSED_BYTES,
  );
  t.throws(() => decompress(Buffer.concat([b(2), deflateSync(fill(MAX_DECOMPRESSED_BYTES + 1))])), {
    message: /^cannot decompress: /,
  });
  t.throws(() => decompress(Buffer.concat([b(1), deflateRawSync(fill(MAX_DECOMPRESSED_BYTES + 1))])), {
    message: /^cannot decompress: /,
  });
  t.deepEqual([...decompress(b(0, 5, 6))], [5, 6]);
});

test('compressed packets nest at most 4 deep', (t) => {
  let message = literal('x');
  for (let i = 0; i < 4; i++) message = pkt(8, Buffer.concat([b(0), message]));
  t.is(Buffer.from(parseMessage(message).literal!.data).toString(), 'x');
  t.throws(() => parseMessage(pkt(8, Buffer.concat([b(0), message]))), {
    message: 'compressed packets nested too deep',
  });
});

test('a v3 signature packet: every field at its offset', (t) => {
  const body = b(3, 5, 0x00, 0x5c, 0xad, 0x50, 0x00, ...KEY_ID, 17, 2, 0xab, 0xcd);
  t.is(body.length, 19);
  t.deepEqual(parseSignature(body), {
    version: 3,
    signatureType: 0,
    creationTime: 0x5cad5000,
    issuerKeyId: '199E2F91FD431D51',
    issuerFingerprint: undefined,
    publicKeyAlgorithm: 17,
    hashAlgorithm: 2,
    body,
  });
  t.is(parseSignature(b(3, 5, 0x13, ...fill(16))).signatureType, 0x13);
  t.throws(() => parseSignature(body.subarray(0, 18)), { message: 'malformed v3 signature packet' });
  t.throws(() => parseSignature(b(3, 4, ...body.subarray(2))), { message: 'malformed v3 signature packet' });
});

test('a v4 signature packet: creation time, issuer and fingerprint from either area, first wins', (t) => {
  const fingerprint = b(4, ...fill(12, 0x11), ...KEY_ID);
  const body = v4(sub(2, b(0x5c, 0xad, 0x50, 0x00)), sub(33, fingerprint));
  t.deepEqual(parseSignature(body), {
    version: 4,
    signatureType: 0,
    publicKeyAlgorithm: 1,
    hashAlgorithm: 8,
    issuerKeyId: '199E2F91FD431D51',
    issuerFingerprint: `${'11'.repeat(12)}199E2F91FD431D51`,
    creationTime: 0x5cad5000,
    body,
  });
  // Hashed first, then unhashed; the first value of each kind is kept; critical bit ignored.
  const unhashed = Buffer.concat([sub(16, b(0, 0, 0, 0, 0, 0, 0, 2)), sub(2, b(0, 0, 0, 9))]);
  const both = Buffer.concat([
    b(4, 0x01, 22, 10, 0, 6),
    b(5, 0x82, 0, 0, 0, 7),
    b(0, unhashed.length),
    unhashed,
    b(0xab, 0xcd),
  ]);
  t.like(parseSignature(both), {
    signatureType: 1,
    publicKeyAlgorithm: 22,
    hashAlgorithm: 10,
    creationTime: 7,
    issuerKeyId: '0000000000000002',
    issuerFingerprint: undefined,
  });
  const twice = v4(sub(16, b(0, 0, 0, 0, 0, 0, 0, 1)), sub(16, b(0, 0, 0, 0, 0, 0, 0, 2)));
  t.is(parseSignature(twice).issuerKeyId, '0000000000000001');
  // Wrong sizes are ignored: a 3-octet time, a 7-octet issuer, a fingerprint of only its version.
  t.like(parseSignature(v4(sub(2, b(0, 0, 1)), sub(16, fill(7)), sub(33, b(4)))), {
    creationTime: undefined,
    issuerKeyId: undefined,
    issuerFingerprint: undefined,
  });
  t.like(parseSignature(v4(sub(2, b(0, 0, 0, 1, 2)))), { creationTime: undefined });
  t.like(parseSignature(v4(sub(16, fill(9, 1)))), { issuerKeyId: undefined });
  t.like(parseSignature(v4(sub(33, b(4, 0xab)))), { issuerFingerprint: 'AB', issuerKeyId: 'AB' });
});

test('v4 subpacket lengths of two and five octets', (t) => {
  const notation = Buffer.concat([b(192, 8, 20), fill(199)]); // 8 + 192 = 200 octets
  const five = Buffer.concat([b(255, 0, 0, 0, 9, 16), KEY_ID]);
  const body = v4(notation, five);
  t.is(parseSignature(body).issuerKeyId, '199E2F91FD431D51');
  const bigger = Buffer.concat([b(193, 0, 20), fill(447)]); // 256 + 192 = 448 octets
  t.is(parseSignature(v4(bigger, sub(16, KEY_ID))).issuerKeyId, '199E2F91FD431D51');
});

test('a v6 signature packet: four-octet area lengths, the key ID from a 32-octet fingerprint', (t) => {
  const fingerprint = b(6, ...KEY_ID, ...fill(24, 0x22));
  const hashed = sub(33, fingerprint);
  const body = Buffer.concat([b(6, 0, 27, 10, 0, 0, 0, hashed.length), hashed, b(0, 0, 0, 0), fill(16)]);
  t.like(parseSignature(body), {
    version: 6,
    publicKeyAlgorithm: 27,
    hashAlgorithm: 10,
    issuerKeyId: '199E2F91FD431D51',
    issuerFingerprint: `199E2F91FD431D51${'22'.repeat(24)}`,
  });
});

test('subpackets are told apart by type, not size; one-, two- and five-octet lengths', (t) => {
  // A 4-octet expiration time (type 3) before the creation time, an 8-octet private subpacket
  // (type 100) before the issuer: neither is taken for the other.
  const body = v4(sub(3, b(0, 0, 0, 1)), sub(100, fill(8, 0xee)), sub(2, b(0, 0, 0, 9)), sub(16, KEY_ID));
  t.like(parseSignature(body), { creationTime: 9, issuerKeyId: '199E2F91FD431D51' });
  // The same subpackets with a two-octet (192–8383) and a five-octet (255 + 4 octets) length.
  const notation = Buffer.concat([b(192, 0x0f, 20), fill(0x0f + 192 - 1, 0x41)]);
  const fiveOctet = Buffer.concat([b(255, 0, 0, 0, 5, 2), b(0, 0, 0, 7)]);
  t.like(parseSignature(v4(notation, fiveOctet, sub(16, KEY_ID))), {
    creationTime: 7,
    issuerKeyId: '199E2F91FD431D51',
  });
});

test('malformed v4 and v6 packets are PacketErrors, an area ending exactly at the end is not', (t) => {
  t.like(parseSignature(b(4, 0, 1, 8, 0, 0, 0, 0)), { version: 4, issuerKeyId: undefined });
  t.like(parseSignature(b(6, 0, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0)), { version: 6 });
  for (const body of [
    b(4, 0, 1, 8, 0, 0, 0),
    b(4, 0, 1, 8, 0, 5, 0, 0),
    b(4, 0, 1),
    b(6, 0, 1, 8, 0, 0, 0, 0, 0, 0, 0),
    b(6, 0, 1, 8, 0, 0),
  ])
    t.throws(() => parseSignature(body), { name: 'PacketError', message: 'malformed signature packet' });
});

test('other signature versions keep their type and nothing else', (t) => {
  t.deepEqual(parseSignature(b(5, 0x13, 1, 8)), {
    version: 5,
    signatureType: 0x13,
    publicKeyAlgorithm: 0,
    hashAlgorithm: 0,
    issuerKeyId: undefined,
    issuerFingerprint: undefined,
    creationTime: undefined,
    body: b(5, 0x13, 1, 8),
  });
  t.like(parseSignature(b()), { version: 0, signatureType: 0 });
});
