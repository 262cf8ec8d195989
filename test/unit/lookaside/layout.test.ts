import test from 'ava';
import {
  releaseRelativePath,
  releaseSignatureUrl,
  signatureRelativePath,
  signatureUrl,
} from '../../../src/lookaside/index.js';

const HEX = 'f'.repeat(64);
const D = `sha256:${HEX}`;

test('signature URLs follow the image layout', (t) => {
  t.is(
    signatureUrl('https://s.example/sigstore/ns/repo', D, 1),
    `https://s.example/sigstore/ns/repo@sha256=${HEX}/signature-1`,
  );
  t.is(
    signatureUrl('file:///var/lib/s/ns/repo', D, 12),
    `file:///var/lib/s/ns/repo@sha256=${HEX}/signature-12`,
  );
  t.is(
    signatureUrl('http://s.example/x/ns/repo?token=1', D, 2),
    `http://s.example/x/ns/repo@sha256=${HEX}/signature-2?token=1`,
  );
  t.is(signatureRelativePath('ubi9/ubi', D, 3), `ubi9/ubi@sha256=${HEX}/signature-3`);
  t.is(
    releaseSignatureUrl('https://mirror.example/sigs', D, 1),
    `https://mirror.example/sigs/sha256=${HEX}/signature-1`,
  );
});

test('release URLs join like the CVO: no doubled slash, the query string kept after the path', (t) => {
  t.is(releaseRelativePath(D, 9), `sha256=${HEX}/signature-9`);
  t.is(
    releaseSignatureUrl('https://mirror.example/sigs//', D, 2),
    `https://mirror.example/sigs/sha256=${HEX}/signature-2`,
  );
  t.is(
    releaseSignatureUrl('https://bucket.example/sigs/?sig=abc', D, 3),
    `https://bucket.example/sigs/sha256=${HEX}/signature-3?sig=abc`,
  );
  t.throws(() => releaseSignatureUrl('https://s', 'sha256:../x', 1), { name: 'LayoutError' });
  t.throws(() => releaseRelativePath(D, 0), { message: 'invalid signature index 0' });
});

test('bad digests, repositories and indices never become paths', (t) => {
  t.throws(() => signatureUrl('https://s', 'sha256:abc', 1), { message: 'invalid digest "sha256:abc"' });
  t.throws(() => signatureUrl('https://s', `sha512:${HEX}`, 1), { name: 'LayoutError' });
  t.throws(() => signatureRelativePath('../etc', D, 1), { message: 'invalid repository path "../etc"' });
  t.throws(() => signatureRelativePath('a//b', D, 1), { name: 'LayoutError' });
  t.throws(() => signatureRelativePath('a/%2e%2e', D, 1), { name: 'LayoutError' });
  t.throws(() => signatureRelativePath('a', D, 0), { message: 'invalid signature index 0' });
  t.throws(() => signatureRelativePath('a', D, 1.5), { name: 'LayoutError' });
  t.throws(() => signatureRelativePath('a', D, 5000), { name: 'LayoutError' });
});
