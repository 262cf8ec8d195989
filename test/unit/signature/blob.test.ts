/**
 * What may be stored as a signature (src/signature/blob.ts): every real signature vector passes,
 * byte for byte; everything else is refused with a reason; and no input, however crafted, makes
 * the check throw, loop or allocate without bound (fast-check over structured and random bytes).
 */
import test from 'ava';
import fc from 'fast-check';
import { asSignatureBlob, describeUntrusted } from '../../../src/signature/index.js';
import { armored, syntheticSignature } from '../../helpers/synthetic-signature.js';
import { readVector } from '../../helpers/vectors.js';

const SIGNATURES = [
  'containers-image/image.signature',
  'containers-image/no-optional-fields.signature',
  'containers-image/corrupt.signature-v3',
  'containers-image/invalid-blob.signature',
  'containers-image/subkey.signature-v3',
  'containers-image/expired.signature',
  'openshift-library-go/signatures/sha256=edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140/signature-1',
  'openshift-oc-mirror/e2e-signatures/signature-1',
];

for (const name of SIGNATURES) {
  test(`a real signature passes unchanged: ${name}`, (t) => {
    const bytes = readVector(name);
    const blob = asSignatureBlob(bytes);
    t.true(blob.ok);
    if (blob.ok) t.true(Buffer.from(blob.bytes).equals(Buffer.from(bytes)));
  });
}

test('an armored signature passes in binary form', (t) => {
  const binary = readVector('containers-image/image.signature');
  const blob = asSignatureBlob(armored(binary));
  t.like(blob, { ok: true, dearmored: true });
  if (blob.ok) t.true(Buffer.from(blob.bytes).equals(Buffer.from(binary)));
});

test('a v6 signature packet (post-quantum algorithms included) passes framing', (t) => {
  const v6 = Buffer.from(syntheticSignature('pq'));
  v6[v6.length - 13] = 6; // the signature packet's version octet
  t.true(asSignatureBlob(v6).ok);
  v6[v6.length - 13] = 7;
  t.deepEqual(asSignatureBlob(v6), {
    ok: false,
    problem: 'malformed OpenPGP message: signature packet version 7',
  });
});

const REFUSED: Array<[string, Uint8Array, string]> = [
  ['empty', new Uint8Array(), 'empty'],
  ['HTML', Buffer.from('<html>'), 'not an OpenPGP message (starts with 0x3c)'],
  [
    'BOM',
    Buffer.from([0xef, 0xbb, 0xbf, 0x3c]),
    'malformed OpenPGP message: packet tag 47 has no place in a signed message',
  ],
  [
    'UTF-16',
    Buffer.from([0xff, 0xfe, 0x4e, 0]),
    'malformed OpenPGP message: packet tag 63 has no place in a signed message',
  ],
  ['junk after c4', Buffer.from('c46a756e6b', 'hex'), 'malformed OpenPGP message: truncated packet'],
  [
    'literal only',
    readVector('containers-image/unsigned-literal.signature'),
    'an OpenPGP message without a signature packet',
  ],
  [
    'public key',
    readVector('containers-image/public-key.gpg'),
    'malformed OpenPGP message: packet tag 6 has no place in a signed message',
  ],
];
for (const [name, bytes, problem] of REFUSED) {
  test(`refused with its reason: ${name}`, (t) => {
    t.deepEqual(asSignatureBlob(bytes), { ok: false, problem });
  });
}

test('a blob of thousands of empty packets is refused without building them all', (t) => {
  const many = Buffer.alloc(2 * 1024 * 1024); // 0xc0 0x00 = an empty new-format packet of tag 0
  for (let i = 0; i < many.length; i += 2) many[i] = 0xcb;
  t.deepEqual(asSignatureBlob(many), {
    ok: false,
    problem: 'malformed OpenPGP message: more than 256 packets',
  });
});

/** Packets with plausible tags and lengths, to reach deep into the parser. */
const packet = fc
  .tuple(fc.constantFrom(2, 4, 8, 10, 11, 1, 6, 18, 0, 63), fc.uint8Array({ maxLength: 300 }), fc.boolean())
  .map(([tag, body, newFormat]) =>
    newFormat
      ? Buffer.concat([Buffer.from([0xc0 | tag, Math.min(body.length, 191)]), body.subarray(0, 191)])
      : Buffer.concat([
          Buffer.from([0x80 | ((tag & 0x0f) << 2), Math.min(body.length, 255)]),
          body.subarray(0, 255),
        ]),
  );
const blobs = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.array(packet, { maxLength: 12 }).map((ps) => Buffer.concat(ps)),
  fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(SIGNATURES.length - 1)).map(([noise, i]) => {
    const real = Buffer.from(readVector(SIGNATURES[i]!));
    const at = noise.length ? noise[0]! % real.length : 0;
    return Buffer.concat([real.subarray(0, at), noise, real.subarray(at + noise.length)]);
  }),
);

test('no input makes the check or the description throw', (t) => {
  fc.assert(
    fc.property(blobs, (bytes) => {
      const blob = asSignatureBlob(bytes);
      if (!blob.ok) t.true(blob.problem.length > 0);
      describeUntrusted(bytes);
      return true;
    }),
    { numRuns: 3_000, seed: 20261202 },
  );
  t.pass('3,000 generated blobs, no throw');
});

/** A new-format packet (RFC 9580 §4.2.1) with a one-octet length. */
const pkt = (tag: number, body: number[] | Buffer): Buffer =>
  Buffer.concat([Buffer.from([0xc0 | tag, body.length]), Buffer.from(body)]);
const LITERAL = pkt(11, [0x62, 0, 0, 0, 0, 0]); // binary, no name, no date, no data: 6 bytes
const SIGNATURE = pkt(2, [4, 0, 0, 0]);
/** Uncompressed compressed-data packets (algorithm 0) nested `depth` deep around `inner`. */
const nested = (depth: number, inner: Buffer): Buffer =>
  depth === 0 ? inner : pkt(8, Buffer.concat([Buffer.from([0]), nested(depth - 1, inner)]));
const problem = (...packets: Buffer[]) => {
  const blob = asSignatureBlob(Buffer.concat(packets));
  return blob.ok ? 'ok' : blob.problem;
};

test('packet by packet: literal data, signatures, one-pass and marker packets are checked exactly', (t) => {
  t.is(problem(LITERAL, SIGNATURE), 'ok');
  t.is(problem(SIGNATURE), 'an OpenPGP message without literal data');
  t.is(problem(LITERAL), 'an OpenPGP message without a signature packet');
  // A literal packet's minimum is 6 bytes plus its name; one byte less is malformed.
  t.is(problem(pkt(11, [0x62, 2, 0x61, 0x62, 0, 0, 0, 0]), SIGNATURE), 'ok');
  t.is(
    problem(pkt(11, [0x62, 0, 0, 0, 0]), SIGNATURE),
    'malformed OpenPGP message: malformed literal data packet',
  );
  t.is(
    problem(pkt(11, [0x62, 3, 0x61, 0x62, 0, 0, 0, 0]), SIGNATURE),
    'malformed OpenPGP message: malformed literal data packet',
  );
  // Too short to hold even the name length (6 + undefined is NaN: the minimum alone decides).
  t.is(problem(pkt(11, [0x62]), SIGNATURE), 'malformed OpenPGP message: malformed literal data packet');
  // One-pass packets: versions 3 and 6 only, and never counted as a signature.
  for (const v of [3, 6]) t.is(problem(pkt(4, [v, 0, 0, 0]), LITERAL, SIGNATURE), 'ok', `one-pass v${v}`);
  t.is(
    problem(pkt(4, [5, 0, 0, 0]), LITERAL, SIGNATURE),
    'malformed OpenPGP message: one-pass signature packet version 5',
  );
  t.is(problem(pkt(4, [3, 0, 0, 0]), LITERAL), 'an OpenPGP message without a signature packet');
  t.is(problem(pkt(10, Buffer.from('PGP')), LITERAL, SIGNATURE), 'ok'); // a marker packet is ignored
});

test('compressed packets: nested up to 4 deep pass, 5 do not; an empty one is malformed', (t) => {
  t.is(problem(nested(4, Buffer.concat([LITERAL, SIGNATURE]))), 'ok');
  t.is(
    problem(nested(5, Buffer.concat([LITERAL, SIGNATURE]))),
    'malformed OpenPGP message: compressed packets nested too deep',
  );
  t.is(problem(pkt(8, [0]), LITERAL, SIGNATURE), 'malformed OpenPGP message: empty compressed packet');
});

test('a first byte that is no packet header is named in two hex digits', (t) => {
  t.deepEqual(asSignatureBlob(Buffer.from([0x05, 0xff])), {
    ok: false,
    problem: 'not an OpenPGP message (starts with 0x05)',
  });
});
