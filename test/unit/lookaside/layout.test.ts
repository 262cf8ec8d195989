import test from 'ava';
import {
  checkRegistry,
  checkRepository,
  digestSegment,
  MAX_INDEX,
  mirrorPath,
  parseMirrorPath,
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

test('limits are exact: 255-character repositories and index MAX_INDEX pass, one more does not', (t) => {
  const long = `${'a'.repeat(127)}/${'b'.repeat(127)}`;
  t.is(checkRepository(long), long);
  t.throws(() => checkRepository(`${long}c`), { message: `invalid repository path "${long.slice(0, 80)}"` });
  t.is(releaseRelativePath(D, MAX_INDEX), `sha256=${HEX}/signature-${MAX_INDEX}`);
  t.throws(() => releaseRelativePath(D, MAX_INDEX + 1), {
    message: `invalid signature index ${MAX_INDEX + 1}`,
  });
  t.throws(() => releaseRelativePath(D, 1.5), { message: 'invalid signature index 1.5' });
  t.throws(() => releaseRelativePath(D, -1), { message: 'invalid signature index -1' });
});

test('registries: host[:port] passes unchanged; anything else is refused with its (shortened) name', (t) => {
  for (const ok of ['registry.example.com', 'reg.example.com:5000', 'localhost', '127.0.0.1:5000'])
    t.is(checkRegistry(ok), ok);
  for (const bad of ['', 'reg/x', '../x', 'reg example', `${'r'.repeat(90)}/x`])
    t.throws(() => checkRegistry(bad), {
      name: 'LayoutError',
      message: `invalid registry "${bad.slice(0, 80)}"`,
    });
});

test('error messages quote at most 80 characters of what they refuse', (t) => {
  const digest = `sha256:${'g'.repeat(100)}`;
  t.throws(() => digestSegment(digest), { message: `invalid digest "${digest.slice(0, 80)}"` });
  const repo = `${'x'.repeat(90)}/..`;
  t.throws(() => checkRepository(repo), { message: `invalid repository path "${repo.slice(0, 80)}"` });
  t.is(digestSegment(D), `sha256=${HEX}`);
});

test('the digest is matched whole: nothing before sha256: and nothing after the 64 hex digits', (t) => {
  for (const bad of [`x${D}`, `/../${D}`, `${D}0`, `${D}/..`, `${D}\n`])
    t.throws(() => digestSegment(bad), {
      name: 'LayoutError',
      message: `invalid digest "${bad.slice(0, 80)}"`,
    });
});

test('a fragment, like a query, stays after the path; a base of slashes joins at the root', (t) => {
  t.is(
    signatureUrl('https://s.example/ns/repo#frag', D, 1),
    `https://s.example/ns/repo@sha256=${HEX}/signature-1#frag`,
  );
  t.is(releaseSignatureUrl('https://m.example/s#f', D, 1), `https://m.example/s/sha256=${HEX}/signature-1#f`);
  t.is(releaseSignatureUrl('///', D, 1), `/sha256=${HEX}/signature-1`);
  t.is(
    releaseSignatureUrl('https://m.example/a/?x=/', D, 4),
    `https://m.example/a/sha256=${HEX}/signature-4?x=/`,
  );
});

test('parseMirrorPath: the longest valid path parses; one index more, a missing mark or junk before the hex do not', (t) => {
  const repository = `${'a'.repeat(125)}/${'b'.repeat(124)}`; // r.io/ + 250 = 255 characters
  const image = { registry: 'r.io', repository, digest: D };
  const longest = mirrorPath(image, MAX_INDEX);
  t.deepEqual(parseMirrorPath(longest), { image, index: MAX_INDEX });
  t.is(parseMirrorPath(longest.replace(`signature-${MAX_INDEX}`, `signature-${MAX_INDEX + 1}`)), undefined);
  // No `@sha256=`: the name must not be taken from around the hex.
  t.is(parseMirrorPath(`r.io/ab${HEX}/signature-12`), undefined); // after `r.io/ab`: the hex, as if a mark stood there
  t.is(parseMirrorPath(`reg.io/a@sha256=x${HEX}/signature-1`), undefined);
});
