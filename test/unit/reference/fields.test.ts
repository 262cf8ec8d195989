/**
 * The parts of a parsed reference (src/reference/parse.ts) and go-digest's checks one by one,
 * and namespace scopes for hosts with and without dots or ports (src/reference/scopes.ts).
 */
import test from 'ava';
import {
  candidateScopes,
  digestProblem,
  parseNormalizedReference,
  referenceString,
} from '../../../src/reference/index.js';

const HEX = 'ab'.repeat(32);

test('domain, path, name, tag and digest of a parsed reference', (t) => {
  t.deepEqual(parseNormalizedReference('busybox'), {
    domain: 'docker.io',
    path: 'library/busybox',
    name: 'docker.io/library/busybox',
    tag: undefined,
    digest: undefined,
  });
  t.deepEqual(parseNormalizedReference(`reg.example.com:5000/a/b:v1.2-x_y@sha256:${HEX}`), {
    domain: 'reg.example.com:5000',
    path: 'a/b',
    name: 'reg.example.com:5000/a/b',
    tag: 'v1.2-x_y',
    digest: `sha256:${HEX}`,
  });
  t.like(parseNormalizedReference('index.docker.io/busybox:1'), {
    domain: 'docker.io',
    path: 'library/busybox',
    tag: '1',
  });
  t.like(parseNormalizedReference('localhost/x'), { domain: 'localhost', path: 'x' });
  t.like(parseNormalizedReference('localhostx/y'), { domain: 'docker.io', path: 'localhostx/y' });
  t.like(parseNormalizedReference('a.b/c'), { domain: 'a.b', path: 'c' });
  t.like(parseNormalizedReference('a:1/c'), { domain: 'a:1', path: 'c' });
  t.like(parseNormalizedReference('docker.io/a/b'), { domain: 'docker.io', path: 'a/b' });
  t.like(parseNormalizedReference('t:Tag'), { path: 'library/t', tag: 'Tag' });
});

test('reference strings: tag and digest only when present', (t) => {
  const base = { domain: 'h', path: 'p', name: 'h/p', tag: undefined, digest: undefined };
  t.is(referenceString(base), 'h/p');
  t.is(referenceString({ ...base, tag: '' }), 'h/p:');
  t.is(referenceString({ ...base, tag: 't' }), 'h/p:t');
  t.is(referenceString({ ...base, digest: `sha256:${HEX}` }), `h/p@sha256:${HEX}`);
  t.is(referenceString({ ...base, tag: 't', digest: `sha256:${HEX}` }), `h/p:t@sha256:${HEX}`);
});

test("go-digest's checks, each with its reason", (t) => {
  t.is(digestProblem(`sha256:${HEX}`), undefined);
  t.is(digestProblem(`sha384:${'c'.repeat(96)}`), undefined);
  t.is(digestProblem(`sha512:${'0'.repeat(128)}`), undefined);
  t.is(digestProblem(`:${HEX}`), 'invalid checksum digest format');
  t.is(digestProblem('sha256:'), 'invalid checksum digest format');
  t.is(digestProblem(HEX), 'invalid checksum digest format');
  t.is(digestProblem(`sha1:${HEX}`), 'unsupported digest algorithm');
  t.is(digestProblem(`SHA256:${HEX}`), 'unsupported digest algorithm');
  t.is(digestProblem(`sha384:${HEX}`), 'invalid checksum digest length');
  t.is(digestProblem(`sha256:${HEX}0`), 'invalid checksum digest length');
  t.is(digestProblem(`sha256:${'g'.repeat(64)}`), 'invalid checksum digest format');
  t.is(digestProblem(`sha256:${'a'.repeat(63)}G`), 'invalid checksum digest format');
  t.is(digestProblem(`sha256:G${'a'.repeat(63)}`), 'invalid checksum digest format');
});

test('namespace scopes of Docker Hub names, dotless hosts and IPv4 hosts', (t) => {
  t.deepEqual(candidateScopes(parseNormalizedReference('busybox:1')), [
    'docker.io/library/busybox:1',
    'docker.io/library/busybox',
    'docker.io/library',
    'docker.io',
    '*.io',
  ]);
  t.deepEqual(candidateScopes(parseNormalizedReference('a.b.c/x/y@sha256:' + HEX)), [
    `a.b.c/x/y@sha256:${HEX}`,
    'a.b.c/x/y',
    'a.b.c/x',
    'a.b.c',
    '*.b.c',
    '*.c',
  ]);
  t.deepEqual(candidateScopes(parseNormalizedReference('localhost:5000/x')), [
    'localhost:5000/x',
    'localhost:5000/x',
    'localhost:5000',
  ]);
});
