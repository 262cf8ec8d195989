/**
 * `sigmirror verify-blob`: verdicts in the words of `verify` and POST /v1/verify (trusted,
 * rejected, unsupported; keyFingerprint, subkeyFingerprint), exit codes and usage errors, on the
 * real vectors.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { sigmirror } from '../../helpers/cli.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const V = (f: string) => `${vectorsDir}/${f}`;
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const base = ['verify-blob', '--public-key', V('containers-image/pubring.gpg')];

test('a trusted, matching signature exits 0 and says what was verified', (t) => {
  const r = sigmirror([
    ...base,
    '--signature',
    V('containers-image/image.signature'),
    '--manifest',
    V('containers-image/image.manifest.json'),
    '--expected-identity',
    'docker.io/testing/manifest',
  ]);
  t.is(r.code, 0, r.stderr);
  t.is(
    r.stdout,
    `trusted key 08CD26E446E2E95249B7A405E932F44B23E8DD43 identity testing/manifest digest ${DIGEST}\n`,
  );
  t.is(r.stderr, '');
});

test('--json: the fields of a verify report (verdict, stage, reason, keyFingerprint, subkeyFingerprint, …)', (t) => {
  const r = sigmirror([
    'verify-blob',
    '--public-key',
    V('containers-image/public-key-with-subkey.gpg'),
    '--signature',
    V('containers-image/subkey.signature-v3'),
    '--digest',
    DIGEST,
    '--expected-identity',
    'testing/manifest:latest',
    '--json',
  ]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), {
    signature: V('containers-image/subkey.signature-v3'),
    sha256: createHash('sha256').update(readVector('containers-image/subkey.signature-v3')).digest('hex'),
    expectedIdentity: 'testing/manifest:latest',
    verdict: 'trusted',
    stage: null,
    reason: null,
    keyId: 'D75B3109B3BAAEAF',
    keyFingerprint: 'B9F4CDB9FD8C475BFA340AC38D54A947EE396F36',
    subkeyFingerprint: '57D1D95BBC53BA0EAFF0718CD75B3109B3BAAEAF',
    digest: DIGEST,
    identity: 'testing/manifest:latest',
    warnings: [],
  });
});

test('a rejected signature exits 1 with the reason', (t) => {
  const r = sigmirror([
    ...base,
    '--signature',
    V('containers-image/image.signature'),
    '--digest',
    DIGEST,
    '--expected-identity',
    'example.com/does-not/match',
  ]);
  t.is(r.code, 1);
  t.is(r.stderr, '');
  t.is(
    r.stdout,
    'rejected (identity) key 08CD26E446E2E95249B7A405E932F44B23E8DD43: Docker reference testing/manifest does not match example.com/does-not/match\n',
  );
  const expired = sigmirror([
    ...base,
    '--signature',
    V('containers-image/expired.signature'),
    '--digest',
    DIGEST,
  ]);
  t.is(expired.code, 1);
  t.is(
    expired.stdout,
    'rejected (crypto) key 08CD26E446E2E95249B7A405E932F44B23E8DD43: signature expired on 2025-06-24T10:00:00.000Z\n',
  );
});

test('legacy RSA-1024: accepted with a warning; --strict rejects', (t) => {
  const args = [
    'verify-blob',
    '--public-key',
    V('containers-image-legacy-1024bit/pubring.gpg'),
    '--signature',
    V('containers-image-legacy-1024bit/image.signature'),
    '--digest',
    DIGEST,
  ];
  const lenient = sigmirror(args);
  t.is(lenient.code, 0);
  t.is(lenient.stderr, 'sigmirror: warning: weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8)\n');
  const strict = sigmirror([...args, '--strict']);
  t.is(strict.code, 1);
  t.is(
    strict.stdout,
    'rejected (crypto) key 1D8230F6CDB6A06716E414C1DB72F2188BB46CC8: weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8) rejected\n',
  );
});

test('usage errors exit 2 with a clear message', (t) => {
  const sig = ['--signature', V('containers-image/image.signature')];
  const cases: [string[], string][] = [
    [[...base, ...sig], 'sigmirror: give exactly one of --manifest and --digest\n'],
    [[...base, ...sig, '--digest', 'sha256:abc'], 'sigmirror: --digest: invalid checksum digest length\n'],
    [
      ['verify-blob', '--public-key', '/nonexistent.gpg', ...sig, '--digest', DIGEST],
      'sigmirror: cannot read public key file /nonexistent.gpg: ENOENT\n',
    ],
    [
      [...base, '--signature', '/nonexistent.sig', '--digest', DIGEST],
      'sigmirror: cannot read signature file /nonexistent.sig: ENOENT\n',
    ],
    [
      [...base, ...sig, '--digest', DIGEST, '--expected-identity', 'UPPER/case'],
      'sigmirror: --expected-identity: invalid reference format: repository name must be lowercase\n',
    ],
  ];
  for (const [args, stderr] of cases) {
    const r = sigmirror(args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stderr, stderr);
  }
  const buggy = sigmirror([
    'verify-blob',
    '--public-key',
    V('openshift-oc-mirror/keys/buggy-ocp-sig-key.asc'),
    ...sig,
    '--digest',
    DIGEST,
  ]);
  t.is(buggy.code, 2);
  t.regex(buggy.stderr, /^sigmirror: cannot read public key file .*buggy-ocp-sig-key.asc: /);
});

test('with --json a usage error is one JSON line on stderr, with its code', (t) => {
  const r = sigmirror([...base, '--signature', V('containers-image/image.signature'), '--json']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.deepEqual(JSON.parse(r.stderr), {
    error: { code: 'USAGE', message: 'give exactly one of --manifest and --digest' },
  });
  const key = sigmirror([
    ...base.slice(0, 1),
    '--public-key',
    '/nonexistent.gpg',
    '--digest',
    DIGEST,
    '--signature',
    'x',
    '--json',
  ]);
  t.deepEqual(JSON.parse(key.stderr), {
    error: { code: 'INVALID_KEY', message: 'cannot read public key file /nonexistent.gpg: ENOENT' },
  });
});
