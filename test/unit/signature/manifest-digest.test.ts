/**
 * The digest a signature must name (src/signature/manifest-digest.ts): exact bytes, except a
 * signed schema1 manifest (libtrust's formatLength/formatTail), and each refusal's reason.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { manifestDigest } from '../../../src/signature/manifest-digest.js';

const sha = (s: string | Buffer) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const header = (formatLength: number, formatTail: string, extra = {}) =>
  b64(JSON.stringify({ formatLength, formatTail: b64(formatTail), ...extra }));
const schema1 = (signatures: unknown) =>
  `{"schemaVersion":1,"name":"a/b","signatures":${JSON.stringify(signatures)}}`;

test('anything but a signed schema1 manifest is digested as its exact bytes', (t) => {
  for (const bytes of [
    '{"schemaVersion":2}',
    '{"schemaVersion":1}',
    '{"schemaVersion":1,"signatures":null}',
    '{"schemaVersion":"1","signatures":[]}',
    '[1]',
    'null',
    'not json',
    '',
  ])
    t.is(manifestDigest(Buffer.from(bytes)), sha(bytes), bytes);
});

test('a signed schema1 manifest: its first formatLength bytes and formatTail', (t) => {
  const manifest = schema1([{ protected: header(32, '}') }]);
  t.is(manifest.slice(0, 32), '{"schemaVersion":1,"name":"a/b",');
  t.is(manifestDigest(Buffer.from(manifest)), sha('{"schemaVersion":1,"name":"a/b",}'));
  // Two signatures agreeing on the payload; unknown fields are allowed.
  const two = schema1([
    { protected: header(32, '}', { time: 'x' }), header: {} },
    { protected: header(32, '}') },
  ]);
  t.is(manifestDigest(Buffer.from(two)), sha('{"schemaVersion":1,"name":"a/b",}'));
  // formatLength may be the whole manifest.
  const whole = schema1([{ protected: header(0, '') }]);
  t.is(manifestDigest(Buffer.from(whole)), sha(''));
  // formatLength equal to the manifest's own length (the header's digits change its length: search).
  let length = 1;
  while (schema1([{ protected: header(length, '') }]).length !== length) length++;
  const exact = schema1([{ protected: header(length, '') }]);
  t.is(manifestDigest(Buffer.from(exact)), sha(exact));
});

test('schema1 refusals name the reason', (t) => {
  const error = (signatures: unknown) =>
    t.throws(() => manifestDigest(Buffer.from(schema1(signatures))), { name: 'ManifestError' })?.message;
  t.is(error('x'), 'error unmarshalling signatures: a string is not a list of JWS signatures');
  t.is(error({}), 'error unmarshalling signatures: a object is not a list of JWS signatures');
  t.is(error([1]), 'error unmarshalling signatures: a list is not a list of JWS signatures');
  t.is(error([{}]), 'error unmarshalling signatures: a list is not a list of JWS signatures');
  t.is(error([]), 'schema1 manifest has an empty signatures list');
  t.is(error([{ protected: b64('not json') }]), 'schema1 signature has no valid protected header');
  t.is(
    error([{ protected: b64('{"formatLength":-1,"formatTail":""}') }]),
    'schema1 signature has no valid protected header',
  );
  t.is(
    error([{ protected: b64('{"formatLength":1.5,"formatTail":""}') }]),
    'schema1 signature has no valid protected header',
  );
  t.is(error([{ protected: b64('{"formatLength":1}') }]), 'schema1 signature has no valid protected header');
  t.is(error([{ protected: header(100000, '') }]), 'invalid format length');
  t.is(
    error([{ protected: header(32, '}') }, { protected: header(31, '}') }]),
    'schema1 signatures disagree on the payload',
  );
  t.is(
    error([{ protected: header(32, '}') }, { protected: header(32, ']') }]),
    'schema1 signatures disagree on the payload',
  );
  const manifest = schema1([{ protected: header(1, '') }]);
  const over = manifest.length + 1;
  t.throws(() => manifestDigest(Buffer.from(schema1([{ protected: header(over + 20, '') }]))), {
    message: 'invalid format length',
  });
});
