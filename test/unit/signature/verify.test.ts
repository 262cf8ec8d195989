/** verifySignature beyond the verdict table: the facts it reports and the rules it takes. */
import { createHash } from 'node:crypto';
import test from 'ava';
import {
  expectedIdentityRule,
  Keyring,
  KeyError,
  manifestDigest,
  ManifestError,
  parseCleartext,
  verifySignature,
  type SignatureAcceptanceRules,
} from '../../../src/signature/index.js';
import { readVector } from '../../helpers/vectors.js';

const IMAGE_DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const NOW = new Date('2026-11-24T12:00:00Z');
const keyring = (...files: string[]) => Keyring.read(files.map((f) => ({ name: f, bytes: readVector(f) })));
const rules = async (keys: string, identity: string, extra: Partial<SignatureAcceptanceRules> = {}) => ({
  keyring: await keyring(keys),
  manifestDigest: IMAGE_DIGEST,
  validateSignedReference: expectedIdentityRule(identity),
  now: NOW,
  ...extra,
});

test('an expired key is rejected with its expiry date, though the signature predates it', async (t) => {
  const v = await verifySignature(
    readVector(
      'openshift-library-go/signatures/sha256=edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140/signature-1',
    ),
    await rules('openshift-library-go/keyrings/simple.txt', 'x/y', {
      manifestDigest: 'sha256:edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140',
    }),
  );
  t.like(v, {
    verdict: 'rejected',
    stage: 'crypto',
    reason: 'key D04761B116203B0C0859B61628B76E05B923888E expired on 2021-04-21T04:31:39.000Z',
    keyFingerprint: 'D04761B116203B0C0859B61628B76E05B923888E',
  });
});

test('keyValidityAt "signature" judges the key when it signed (the CVO), not now', async (t) => {
  const v = await verifySignature(
    readVector(
      'openshift-library-go/signatures/sha256=edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140/signature-1',
    ),
    await rules(
      'openshift-library-go/keyrings/simple.txt',
      'registry.svc.ci.openshift.org/ocp/release:4.0.0-0.ci-2019-04-19-181452',
      {
        manifestDigest: 'sha256:edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140',
        keyValidityAt: 'signature',
      },
    ),
  );
  t.like(v, {
    verdict: 'accepted',
    signature: { keyFingerprint: 'D04761B116203B0C0859B61628B76E05B923888E' },
  });
});

test('a signing subkey counts as its primary key, and both fingerprints are reported', async (t) => {
  for (const file of ['containers-image/subkey.signature', 'containers-image/subkey.signature-v3']) {
    const v = await verifySignature(
      readVector(file),
      await rules('containers-image/public-key-with-subkey.gpg', 'testing/manifest:latest'),
    );
    t.like(v, {
      verdict: 'accepted',
      signature: {
        keyFingerprint: 'B9F4CDB9FD8C475BFA340AC38D54A947EE396F36',
        subkeyFingerprint: '57D1D95BBC53BA0EAFF0718CD75B3109B3BAAEAF',
        dockerReference: 'testing/manifest:latest',
        packetVersion: file.endsWith('-v3') ? 3 : 4,
      },
    });
  }
});

test('RSA-1024 legacy signatures are accepted with a warning, and rejected when strict', async (t) => {
  const bytes = readVector('containers-image-legacy-1024bit/image.signature');
  const lenient = await verifySignature(
    bytes,
    await rules('containers-image-legacy-1024bit/pubring.gpg', 'testing/manifest'),
  );
  t.like(lenient, { verdict: 'accepted' });
  t.deepEqual(lenient.verdict === 'accepted' && lenient.signature.warnings, [
    'weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8)',
  ]);
  const strict = await verifySignature(
    bytes,
    await rules('containers-image-legacy-1024bit/pubring.gpg', 'testing/manifest', { strict: true }),
  );
  t.like(strict, {
    verdict: 'rejected',
    stage: 'crypto',
    reason: 'weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8) rejected',
  });
});

test('a cleartext-signed message is checked, and its payload keeps the trailing newline gpg keeps', async (t) => {
  const bytes = readVector('containers-image/invalid-cleartext.signature');
  const v = await verifySignature(bytes, await rules('containers-image/pubring.gpg', 'testing/manifest'));
  t.like(v, {
    verdict: 'rejected',
    stage: 'payload',
    reason: "payload is not JSON: Unexpected token 'T'",
    keyFingerprint: '08CD26E446E2E95249B7A405E932F44B23E8DD43',
  });
  t.is(Buffer.from(parseCleartext(bytes).payload).toString(), 'This is not JSON\n');
});

test('a tampered cleartext message fails the crypto step', async (t) => {
  const text = Buffer.from(readVector('containers-image/invalid-cleartext.signature')).toString('utf8');
  const v = await verifySignature(
    Buffer.from(text.replace('This is not JSON', 'This is not JSOM')),
    await rules('containers-image/pubring.gpg', 'testing/manifest'),
  );
  t.like(v, {
    verdict: 'rejected',
    stage: 'crypto',
    reason: 'bad signature (made with key E932F44B23E8DD43)',
  });
});

/** A literal packet plus a v6 signature packet by algorithm 31 (ML-DSA-87+Ed448), as Red Hat publishes. */
function pqcMessage(): Uint8Array {
  const data = Buffer.from('{}');
  const literal = Buffer.concat([Buffer.from([0xcb, 6 + data.length, 0x62, 0, 0, 0, 0, 0]), data]);
  const sigBody = Buffer.from([6, 0x00, 31, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 16, ...Buffer.alloc(16)]);
  return Buffer.concat([literal, Buffer.from([0xc2, sigBody.length]), sigBody]);
}

test('a post-quantum (algorithm 31, v6) signature is "unsupported", never a crash or a pass', async (t) => {
  const v = await verifySignature(
    pqcMessage(),
    await rules('containers-image/pubring.gpg', 'testing/manifest'),
  );
  t.like(v, {
    verdict: 'rejected',
    stage: 'unsupported',
    reason: 'unsupported public-key algorithm 31 (signature packet v6)',
  });
});

test('an unsigned or empty message is a failure', async (t) => {
  const r = await rules('containers-image/pubring.gpg', 'testing/manifest');
  t.like(await verifySignature(readVector('containers-image/unsigned-literal.signature'), r), {
    verdict: 'rejected',
    reason: 'Unexpected signature count 0',
  });
  t.like(await verifySignature(new Uint8Array(), r), { verdict: 'rejected', stage: 'message' });
  t.like(await verifySignature(Buffer.from('<html>soft 404</html>'), r), {
    verdict: 'rejected',
    stage: 'message',
    reason: 'not a valid OpenPGP message: not an OpenPGP packet at byte 0 (0x3c)',
  });
});

test('key files: several at once; unreadable files are named in the error', async (t) => {
  const ring = await keyring(
    'containers-image/public-key-1.gpg',
    'openshift-library-go/keyrings/combined.txt',
  );
  t.deepEqual(ring.fingerprints, [
    '08CD26E446E2E95249B7A405E932F44B23E8DD43',
    '567E347AD0044ADE55BA8A5F199E2F91FD431D51',
    'D04761B116203B0C0859B61628B76E05B923888E',
  ]);
  const buggy = await t.throwsAsync(keyring('openshift-oc-mirror/keys/buggy-ocp-sig-key.asc'), {
    instanceOf: KeyError,
  });
  t.regex(buggy!.message, /^cannot read public key file openshift-oc-mirror\/keys\/buggy-ocp-sig-key.asc: /);
  const pqc = await t.throwsAsync(keyring('redhat-keys/RPM-GPG-KEY-redhat-mldsa.txt'), {
    instanceOf: KeyError,
  });
  t.is(
    pqc!.message,
    'cannot read public key file redhat-keys/RPM-GPG-KEY-redhat-mldsa.txt: No key packet found (no key this verifier supports: e.g. a v6/PQC key)',
  );
  await t.throwsAsync(Keyring.read([]), { message: 'no public keys given' });
});

test('manifest digests: exact bytes; schema1 without its JWS signatures; invalid schema1 is an error', (t) => {
  t.is(manifestDigest(readVector('containers-image/image.manifest.json')), IMAGE_DIGEST);
  const payload = '{\n   "schemaVersion": 1,\n   "name": "a/b",\n   "tag": "latest"\n}';
  const formatLength = payload.length - 2;
  const formatTail = Buffer.from(payload.slice(formatLength)).toString('base64url');
  const protectedHeader = Buffer.from(JSON.stringify({ formatLength, formatTail })).toString('base64url');
  const signed = `${payload.slice(0, formatLength)},\n   "signatures": [{"protected": "${protectedHeader}", "signature": "x"}]\n}`;
  t.is(manifestDigest(Buffer.from(signed)), `sha256:${createHash('sha256').update(payload).digest('hex')}`);
  t.throws(() => manifestDigest(readVector('containers-image/v2s1-invalid-signatures.manifest.json')), {
    instanceOf: ManifestError,
    message: 'error unmarshalling signatures: a number is not a list of JWS signatures',
  });
});

test('the digest is compared over its full length: a difference in any one character rejects', async (t) => {
  const signature = readVector('containers-image/image.signature');
  const r = await rules('containers-image/pubring.gpg', 'docker.io/testing/manifest');
  t.like(await verifySignature(signature, r), { verdict: 'accepted' });
  const hex = IMAGE_DIGEST.slice('sha256:'.length);
  // First, middle and last hex characters, and the algorithm name.
  const changed = [0, 31, 63].map(
    (i) => `sha256:${hex.slice(0, i)}${hex[i] === '0' ? '1' : '0'}${hex.slice(i + 1)}`,
  );
  for (const digest of [...changed, `sha512:${hex}`, `${IMAGE_DIGEST}0`]) {
    t.like(
      await verifySignature(signature, { ...r, manifestDigest: digest }),
      {
        verdict: 'rejected',
        stage: 'digest',
        reason: `Signature for docker digest ${JSON.stringify(IMAGE_DIGEST)} does not match`,
      },
      digest,
    );
  }
});

test('a digest or identity rejection still reports the key and the payload it read; a message failure reports none', async (t) => {
  const signature = readVector('containers-image/image.signature');
  const r = await rules('containers-image/pubring.gpg', 'docker.io/testing/manifest');
  const accepted = await verifySignature(signature, r);
  if (accepted.verdict !== 'accepted') return t.fail(accepted.reason);
  const { keyFingerprint } = accepted.signature;
  const untrusted = {
    untrustedDockerManifestDigest: IMAGE_DIGEST,
    untrustedDockerReference: 'testing/manifest',
  };
  const wrongDigest = await verifySignature(signature, { ...r, manifestDigest: `sha256:${'0'.repeat(64)}` });
  t.like(wrongDigest, { stage: 'digest', keyFingerprint, untrusted, warnings: [] });
  const wrongName = await verifySignature(signature, { ...r, validateSignedReference: () => 'not this one' });
  t.like(wrongName, { stage: 'identity', reason: 'not this one', keyFingerprint, untrusted, warnings: [] });
  const empty = await verifySignature(new Uint8Array(), r);
  t.like(empty, { stage: 'message', keyFingerprint: undefined, untrusted: undefined });
  t.deepEqual(empty.verdict === 'rejected' && empty.warnings, []);
});
