import test from 'ava';
import {
  anchoredTagRegexp,
  candidateScopes,
  parseNormalizedReference,
  referenceString,
} from '../../../src/reference/index.js';

const HEX = 'a'.repeat(64);

const normalised: Array<[string, string]> = [
  ['busybox', 'docker.io/library/busybox'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['index.docker.io/foo/bar', 'docker.io/foo/bar'],
  ['docker.io/foo', 'docker.io/library/foo'],
  ['quay.io/ns/app@sha256:' + HEX, 'quay.io/ns/app@sha256:' + HEX],
  ['localhost/app', 'localhost/app'],
  ['localhost:5000/a/b:v1', 'localhost:5000/a/b:v1'],
  ['foo/bar', 'docker.io/foo/bar'],
  ['reg.example.com:5000/a/b/c:t1', 'reg.example.com:5000/a/b/c:t1'],
  ['Reg.Example.com/x', 'Reg.Example.com/x'],
  ['a__b/c--d', 'docker.io/a__b/c--d'],
  // Only exactly 64 hex digits are an image ID; 65 are an ordinary name (normalize.go).
  ['a'.repeat(65), `docker.io/library/${'a'.repeat(65)}`],
  ['a'.repeat(63), `docker.io/library/${'a'.repeat(63)}`],
];
for (const [input, want] of normalised) {
  test(`normalises ${input}`, (t) => {
    t.is(referenceString(parseNormalizedReference(input)), want);
  });
}

const invalid: Array<[string, string]> = [
  ['', 'invalid reference format'],
  ['UPPER', 'invalid reference format: repository name must be lowercase'],
  ['foo/Bar:tag', 'invalid reference format: repository name must be lowercase'],
  [HEX, `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
  ['x@sha256:abc', 'invalid reference format'],
  ['x@sha256:' + 'A'.repeat(64), 'invalid checksum digest format'],
  ['x@md5:' + 'a'.repeat(32), 'unsupported digest algorithm'],
  ['x@sha256:' + 'a'.repeat(63), 'invalid checksum digest length'],
  ['x@sha512:' + 'a'.repeat(64), 'invalid checksum digest length'],
  ['reg:5000/a/../b', 'invalid reference format'],
  ['a/b:' + 't'.repeat(129), 'invalid reference format'],
  ['reg/' + 'a'.repeat(260), 'repository name must not be more than 255 characters'],
  ['a//b', 'invalid reference format'],
];
for (const [input, message] of invalid) {
  test(`rejects ${JSON.stringify(input.slice(0, 40))}`, (t) => {
    t.throws(() => parseNormalizedReference(input), { message, name: 'ReferenceError' });
  });
}

test('a tag on its own (policy check --tag): one word character, then up to 127 of [\\w.-], nothing around it', (t) => {
  for (const good of ['latest', 'v1.0', '_x', '1', 't'.repeat(128), 'A-b.c_d'])
    t.true(anchoredTagRegexp.test(good), good);
  for (const bad of ['', '-x', '.x', 't'.repeat(129), 'a b', 'x:y', 'x@y', ' v1', 'v1\n'])
    t.false(anchoredTagRegexp.test(bad), JSON.stringify(bad));
});

test('candidates: identity, parents down to host:port, wildcards without port', (t) => {
  t.deepEqual(candidateScopes(parseNormalizedReference('reg.example.com:5000/a/b/c:t')), [
    'reg.example.com:5000/a/b/c:t',
    'reg.example.com:5000/a/b/c',
    'reg.example.com:5000/a/b',
    'reg.example.com:5000/a',
    'reg.example.com:5000',
    '*.example.com',
    '*.com',
  ]);
  t.deepEqual(candidateScopes(parseNormalizedReference('127.0.0.1:5000/x@sha256:' + HEX)), [
    '127.0.0.1:5000/x@sha256:' + HEX,
    '127.0.0.1:5000/x',
    '127.0.0.1:5000',
    '*.0.0.1',
    '*.0.1',
    '*.1',
  ]);
  t.deepEqual(candidateScopes(parseNormalizedReference('localhost/app:1')), [
    'localhost/app:1',
    'localhost/app',
    'localhost',
  ]);
});
