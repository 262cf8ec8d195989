import test from 'ava';
import { describeUntrusted, parsePayload, signatureMetadata } from '../../../src/signature/index.js';
import { readVector } from '../../helpers/vectors.js';

const RH_DIGEST = 'sha256:e3f12513a4b22a2d7c0e7c9207f52128113758d9d68c7d06b11a0ac7672966f7';

test('a real Red Hat v3 signature is read without verifying', (t) => {
  const d = describeUntrusted(
    readVector(`openshift-library-go/signatures/sha256=${RH_DIGEST.slice(7)}/signature-1`),
  );
  t.is(d.problem, undefined);
  t.like(d.packets[0], {
    version: 3,
    publicKeyAlgorithm: 1,
    hashAlgorithm: 8,
    issuerKeyId: '199E2F91FD431D51',
    creationTime: 1554833664,
  });
  t.deepEqual(d.payload, {
    untrustedDockerManifestDigest: RH_DIGEST,
    untrustedDockerReference: 'registry.access.redhat.com/rhel7:7.6',
    untrustedCreator: 'Red Hat RCM Pub 0.35.0-final ',
    untrustedTimestamp: undefined,
  });
});

test('a Go-produced message with short partial body lengths is read', (t) => {
  const d = describeUntrusted(
    readVector(
      'openshift-library-go/signatures/sha256=edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140/signature-1',
    ),
  );
  t.is(d.problem, undefined);
  t.is(
    d.payload?.untrustedDockerReference,
    'registry.svc.ci.openshift.org/ocp/release:4.0.0-0.ci-2019-04-19-181452',
  );
  t.is(d.payload?.untrustedTimestamp, 1555943751);
});

const problems: Array<[string, string]> = [
  [
    'containers-image/invalid-reference.signature',
    'Invalid docker reference UPPERCASEISINVALID in signature',
  ],
  ['containers-image/unsigned-literal.signature', 'the message has no signature packet'],
  ['containers-image/unsigned-encrypted.signature', 'the message has no literal data'],
  [
    'containers-image/invalid-cleartext.signature',
    'a cleartext-signed message, not a signed OpenPGP message',
  ],
  ['containers-image/v2s1-invalid-signatures.manifest.json', 'not an OpenPGP message (starts with 0x7b)'],
  ['openshift-image-registry/truncated-atomic.signature', 'cannot decompress: unexpected end of file'],
];
for (const [file, problem] of problems) {
  test(`unusable blob: ${file}`, (t) => {
    t.is(describeUntrusted(readVector(file)).problem, problem);
  });
}

const payloadErrors: Array<[string, string]> = [
  [
    '{"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"sha256:' +
      'a'.repeat(64) +
      '"},"identity":{"docker-reference":"a/b"},"extra":1}}',
    'unknown key "extra" in "critical"',
  ],
  [
    '{"critical":{"type":"other","image":{"docker-manifest-digest":"sha256:' +
      'a'.repeat(64) +
      '"},"identity":{"docker-reference":"a/b"}}}',
    'unrecognized signature type "other"',
  ],
  [
    '{"critical":{"type":"atomic container signature","image":{},"identity":{"docker-reference":"a/b"}}}',
    '"critical.image" has no "docker-manifest-digest"',
  ],
  [
    '{"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"sha256:x"},"identity":{"docker-reference":"a/b"}}}',
    'invalid docker-manifest-digest "sha256:x"',
  ],
  [
    '{"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"sha256:' +
      'a'.repeat(64) +
      '"},"identity":{"docker-reference":"a/b"}},"optional":{"timestamp":1.5}}',
    'optional.timestamp is not an integer',
  ],
  ['[]', 'the signature payload is not a JSON object'],
];
for (const [json, message] of payloadErrors) {
  test(`strict payload: ${message}`, (t) => {
    t.throws(() => parsePayload(Buffer.from(json)), { name: 'PayloadError', message });
  });
}

test('metadata flags a payload naming another digest and keeps the parsed claims', (t) => {
  const bytes = readVector('containers-image/image.signature');
  const m = signatureMetadata(bytes, `sha256:${'0'.repeat(64)}`);
  t.like(m, {
    format: 'binary',
    packetVersion: 4,
    keyId: 'E932F44B23E8DD43',
    untrustedIdentity: 'testing/manifest',
    flags: ['other-digest'],
  });
  t.deepEqual(
    signatureMetadata(bytes, 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55').flags,
    [],
  );
});
