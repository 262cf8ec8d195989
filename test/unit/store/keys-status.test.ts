/**
 * The store's pure parts: image keys from references (src/reference image-key.ts), release keys
 * (release-key.ts), the append checks (errors.ts) and an image's listing status (status.ts).
 */
import test from 'ava';
import { checkAppend, SignatureLimitError, SignatureNameTakenError } from '../../../src/store/errors.js';
import { imageKeyFromReference, imageReference as imageKeyString } from '../../../src/reference/index.js';
import { isReleaseKey, releaseDirectory, releaseKey } from '../../../src/store/release-key.js';
import { imageStatus, summarize } from '../../../src/store/status.js';
import type { SignatureEntry } from '../../../src/store/types.js';

const HEX = 'c'.repeat(64);

test('image keys: digest references only, sha256 only, normalised', (t) => {
  t.deepEqual(imageKeyFromReference(`quay.io/ns/app@sha256:${HEX}`), {
    registry: 'quay.io',
    repository: 'ns/app',
    digest: `sha256:${HEX}`,
  });
  t.deepEqual(imageKeyFromReference(`busybox@sha256:${HEX}`), {
    registry: 'docker.io',
    repository: 'library/busybox',
    digest: `sha256:${HEX}`,
  });
  t.throws(() => imageKeyFromReference('quay.io/ns/app:1'), {
    name: 'ReferenceError',
    message: '"quay.io/ns/app:1" has no digest: an image is named by registry/repository@sha256:<hex>',
  });
  t.throws(() => imageKeyFromReference(`a/b:1@sha256:${HEX}`), {
    name: 'ReferenceError',
    message: `"a/b:1@sha256:${HEX}" has both a tag and a digest; give only the digest`,
  });
  t.throws(() => imageKeyFromReference(`a/b@sha512:${'d'.repeat(128)}`), {
    name: 'ReferenceError',
    message: `"a/b@sha512:${'d'.repeat(128)}": only sha256 digests are supported`,
  });
  t.is(
    imageKeyString({ registry: 'r:5000', repository: 'a/b', digest: `sha256:${HEX}` }),
    `r:5000/a/b@sha256:${HEX}`,
  );
});

test('release keys: reserved registry and repository, the CVO directory', (t) => {
  const key = releaseKey(`sha256:${HEX}`);
  t.deepEqual(key, { registry: 'release-signatures', repository: 'release', digest: `sha256:${HEX}` });
  t.true(isReleaseKey(key));
  t.false(isReleaseKey({ ...key, registry: 'quay.io' }));
  t.false(isReleaseKey({ ...key, repository: 'other' }));
  t.is(releaseDirectory(`sha256:${HEX}`), `release-signatures/sha256=${HEX}`);
});

test('appends: a name already taken (stored or in the same batch), and the 127 cap', (t) => {
  t.notThrows(() => checkAppend(0, [], [{}, { name: 'a' }, { name: undefined }]));
  t.notThrows(() => checkAppend(2, ['a', null], [{ name: 'b' }, {}]));
  const taken = t.throws(() => checkAppend(1, ['a'], [{ name: 'a' }]), {
    instanceOf: SignatureNameTakenError,
  });
  t.like(taken, {
    name: 'SignatureNameTakenError',
    message: 'a signature named a exists',
    signatureName: 'a',
  });
  t.throws(() => checkAppend(0, [], [{ name: 'x' }, { name: 'x' }]), {
    message: 'a signature named x exists',
  });
  t.notThrows(() => checkAppend(0, [null], [{}, {}]));
  t.notThrows(() => checkAppend(126, [], [{}]));
  const limit = t.throws(() => checkAppend(126, [], [{}, {}]), { instanceOf: SignatureLimitError });
  t.like(limit, {
    name: 'SignatureLimitError',
    existing: 126,
    message:
      'the image has 126 signatures; at most 127 are kept per image (hosts fail a pull that reads more)',
  });
  t.throws(() => checkAppend(127, [], [{}]), { message: /^the image has 127 signatures/ });
  t.notThrows(() => checkAppend(127, [], []));
});

const entry = (...verifications: Array<{ at: string; verdict?: string }>): SignatureEntry => ({
  index: 1,
  sha256: HEX,
  size: 1,
  source: null,
  name: null,
  origin: 'import',
  by: null,
  storedAt: '2026-01-01T00:00:00Z',
  parsed: null,
  verifications: verifications.map((v) => ({ by: 'cli', ...v })),
});

test('status: unsigned, unverified, and the latest check (all records sharing its time) decides', (t) => {
  const T1 = '2026-01-01T00:00:00.000Z';
  const T2 = '2026-01-02T00:00:00.000Z';
  t.deepEqual(imageStatus([]), { status: 'unsigned', lastVerifiedAt: null });
  t.deepEqual(imageStatus([entry(), entry()]), { status: 'unverified', lastVerifiedAt: null });
  t.deepEqual(imageStatus([entry({ at: T1, verdict: 'trusted' })]), {
    status: 'verified',
    lastVerifiedAt: T1,
  });
  t.deepEqual(imageStatus([entry({ at: T1, verdict: 'rejected' })]), {
    status: 'failed',
    lastVerifiedAt: T1,
  });
  t.deepEqual(imageStatus([entry({ at: T1 })]), { status: 'failed', lastVerifiedAt: T1 });
  // A later failed check overrides an earlier trust, in whichever order the records come.
  t.deepEqual(imageStatus([entry({ at: T1, verdict: 'trusted' }, { at: T2, verdict: 'rejected' })]), {
    status: 'failed',
    lastVerifiedAt: T2,
  });
  t.deepEqual(imageStatus([entry({ at: T2, verdict: 'rejected' }), entry({ at: T1, verdict: 'trusted' })]), {
    status: 'failed',
    lastVerifiedAt: T2,
  });
  t.deepEqual(imageStatus([entry({ at: T2, verdict: 'trusted' }), entry({ at: T1, verdict: 'rejected' })]), {
    status: 'verified',
    lastVerifiedAt: T2,
  });
  // One run: any trusted signature in it makes the image verified, before or after the failures.
  t.deepEqual(imageStatus([entry({ at: T2, verdict: 'rejected' }), entry({ at: T2, verdict: 'trusted' })]), {
    status: 'verified',
    lastVerifiedAt: T2,
  });
  t.deepEqual(imageStatus([entry({ at: T2, verdict: 'trusted' }), entry({ at: T2, verdict: 'rejected' })]), {
    status: 'verified',
    lastVerifiedAt: T2,
  });
  t.deepEqual(imageStatus([entry({ at: T2, verdict: 'rejected' }), entry({ at: T2, verdict: 'rejected' })]), {
    status: 'failed',
    lastVerifiedAt: T2,
  });
  t.deepEqual(
    imageStatus([
      entry({ at: T1, verdict: 'trusted' }),
      entry({ at: T2, verdict: 'rejected' }),
      entry({ at: T1, verdict: 'trusted' }),
    ]),
    {
      status: 'failed',
      lastVerifiedAt: T2,
    },
  );
});

test('a listing row: counts, status, and a source never shown with its secret', (t) => {
  const image = { registry: 'quay.io', repository: 'ns/app', digest: `sha256:${HEX}` };
  t.deepEqual(summarize(image, { signatures: [entry()] }), {
    registry: 'quay.io',
    repository: 'ns/app',
    digest: `sha256:${HEX}`,
    reference: `quay.io/ns/app@sha256:${HEX}`,
    signatures: 1,
    status: 'unverified',
    lastVerifiedAt: null,
    lastImportAt: null,
    source: null,
  });
  t.like(
    summarize(image, {
      signatures: [],
      lastImportAt: '2026-01-01T00:00:00Z',
      source: 'https://user:pw@sig.example.com/x?token=abc',
    }),
    {
      signatures: 0,
      status: 'unsigned',
      lastImportAt: '2026-01-01T00:00:00Z',
      source: 'https://[redacted]@sig.example.com/x?token=[redacted]',
    },
  );
  t.is(summarize(image, { signatures: [], source: '' }).source, null);
});
