/**
 * What is read from a blob without verifying it (src/signature/untrusted.ts) and the metadata the
 * store keeps (src/signature/metadata.ts): each format, each problem, each flag, exact values.
 */
import test from 'ava';
import { signatureMetadata, VERIFIABLE_ALGORITHMS } from '../../../src/signature/metadata.js';
import { describeUntrusted } from '../../../src/signature/untrusted.js';
import { armored, syntheticSimpleSigning } from '../../helpers/synthetic-signature.js';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const SIGNED = syntheticSimpleSigning(DIGEST, 'quay.io/ns/app:1', 'creator-x');

test('a binary simple-signing message: its packets without body or type, and its claims', (t) => {
  t.deepEqual(describeUntrusted(SIGNED), {
    format: 'binary',
    packets: [
      {
        version: 4,
        publicKeyAlgorithm: 1,
        hashAlgorithm: 8,
        issuerKeyId: undefined,
        issuerFingerprint: undefined,
        creationTime: undefined,
      },
    ],
    payload: {
      untrustedDockerManifestDigest: DIGEST,
      untrustedDockerReference: 'quay.io/ns/app:1',
      untrustedCreator: 'creator-x',
      untrustedTimestamp: undefined,
    },
    problem: undefined,
  });
  t.like(describeUntrusted(armored(SIGNED)), {
    format: 'armored',
    problem: undefined,
    payload: { untrustedCreator: 'creator-x' },
  });
  t.like(describeUntrusted(Buffer.concat([Buffer.from('\n  '), armored(SIGNED)])), { format: 'armored' });
});

test('blobs that are no signed message: format and problem, never a throw', (t) => {
  const none = { packets: [], payload: undefined };
  t.deepEqual(describeUntrusted(Buffer.alloc(0)), {
    format: 'unknown',
    ...none,
    problem: 'not an OpenPGP message (starts with empty)',
  });
  t.deepEqual(describeUntrusted(Buffer.from([0x0a, 0xff])), {
    format: 'unknown',
    ...none,
    problem: 'not an OpenPGP message (starts with 0x0a)',
  });
  t.deepEqual(describeUntrusted(Buffer.from([0x7f])), {
    format: 'unknown',
    ...none,
    problem: 'not an OpenPGP message (starts with 0x7f)',
  });
  t.deepEqual(describeUntrusted(Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nx\n')), {
    format: 'cleartext',
    ...none,
    problem: 'a cleartext-signed message, not a signed OpenPGP message',
  });
  t.deepEqual(describeUntrusted(Buffer.from([0x80])), {
    format: 'binary',
    ...none,
    problem: 'truncated packet header',
  });
  t.deepEqual(describeUntrusted(Buffer.from('-----BEGIN PGP MESSAGE-----\n\nAAAA\n')), {
    format: 'armored',
    ...none,
    problem: 'ASCII armor without an END line',
  });
  // A literal without a signature, a signature without a literal: packets kept, no payload.
  const literalOnly = SIGNED.subarray(0, SIGNED.length - 15);
  t.like(describeUntrusted(literalOnly), {
    format: 'binary',
    packets: [],
    payload: undefined,
    problem: 'the message has no signature packet',
  });
  const signatureOnly = SIGNED.subarray(SIGNED.length - 15);
  t.like(describeUntrusted(signatureOnly), {
    payload: undefined,
    problem: 'the message has no literal data',
  });
  t.is(describeUntrusted(signatureOnly).packets.length, 1);
  // A payload that is not simple signing: its reason, no packets.
  const bad = syntheticSimpleSigning('sha256:x', 'quay.io/ns/app:1', 'c');
  t.deepEqual(describeUntrusted(bad), {
    format: 'binary',
    ...none,
    problem: 'invalid docker-manifest-digest "sha256:x"',
  });
});

test('metadata: the first packet, the claims, and no flags for a signature of this image', (t) => {
  t.deepEqual(signatureMetadata(SIGNED, DIGEST), {
    format: 'binary',
    packetVersion: 4,
    keyId: null,
    issuerFingerprint: null,
    publicKeyAlgorithm: 1,
    hashAlgorithm: 8,
    untrustedDigest: DIGEST,
    untrustedIdentity: 'quay.io/ns/app:1',
    untrustedCreator: 'creator-x',
    problem: null,
    flags: [],
  });
});

test('metadata flags: unparsable, another digest, an algorithm sigmirror cannot verify', (t) => {
  t.deepEqual(signatureMetadata(Buffer.from('junk'), DIGEST), {
    format: 'unknown',
    packetVersion: null,
    keyId: null,
    issuerFingerprint: null,
    publicKeyAlgorithm: null,
    hashAlgorithm: null,
    untrustedDigest: null,
    untrustedIdentity: null,
    untrustedCreator: null,
    problem: 'not an OpenPGP message (starts with 0x6a)',
    flags: ['unparsable'],
  });
  t.deepEqual(signatureMetadata(SIGNED, `sha256:${'e'.repeat(64)}`).flags, ['other-digest']);
  // The synthetic signature's algorithm byte (RSA, 1) replaced by 31 (ML-DSA, not verifiable).
  const pq = Buffer.from(SIGNED);
  pq[pq.length - 11] = 31;
  t.like(signatureMetadata(pq, `sha256:${'e'.repeat(64)}`), {
    publicKeyAlgorithm: 31,
    flags: ['other-digest', 'unsupported-algorithm'],
  });
  t.deepEqual(
    [...VERIFIABLE_ALGORITHMS].sort((a, b) => a - b),
    [1, 3, 17, 19, 22, 27, 28],
  );
});
