/**
 * One registries.d file decoded as yaml.v3 does it (src/registries/schema.ts): scalars into
 * strings, null as unset, YAML 1.1 booleans, unknown keys kept, and the error for each wrong shape.
 */
import test from 'ava';
import { registriesFileSchema } from '../../../src/registries/schema.js';

const decode = (value: unknown) => registriesFileSchema.parse(value);
const problem = (value: unknown) => {
  const r = registriesFileSchema.safeParse(value);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('an empty file is an empty configuration; null default-docker is absent, a null scope is empty', (t) => {
  t.deepEqual(decode(null), {});
  t.deepEqual(decode(undefined), {});
  t.deepEqual(decode({ 'default-docker': null }), { 'default-docker': undefined });
  t.deepEqual(decode({ docker: { 'a.example': null } }), { docker: { 'a.example': {} } });
  t.deepEqual(decode({ docker: null }), { docker: null });
});

test('any scalar is a string; null leaves it empty; unknown keys are kept for the warning', (t) => {
  t.deepEqual(
    decode({
      'default-docker': {
        lookaside: 123,
        sigstore: true,
        'lookaside-staging': null,
        'sigstore-staging': 'file:///s',
      },
      docker: { 'a.example': { lookaside: 'https://a/sigs', extra: 1 } },
      other: 'kept',
    }),
    {
      'default-docker': {
        lookaside: '123',
        sigstore: 'true',
        'lookaside-staging': '',
        'sigstore-staging': 'file:///s',
      },
      docker: { 'a.example': { lookaside: 'https://a/sigs', extra: 1 } },
      other: 'kept',
    },
  );
  t.deepEqual(decode({ 'default-docker': { lookaside: false } }), {
    'default-docker': { lookaside: 'false' },
  });
});

test('use-sigstore-attachments: booleans and the YAML 1.1 words, null unset', (t) => {
  const value = (v: unknown) =>
    decode({ 'default-docker': { 'use-sigstore-attachments': v } })['default-docker']![
      'use-sigstore-attachments'
    ];
  for (const word of ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', true])
    t.is(value(word), true, String(word));
  for (const word of ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', false])
    t.is(value(word), false, String(word));
  t.is(value(null), undefined);
  t.deepEqual(problem({ 'default-docker': { 'use-sigstore-attachments': 'true' } }), [
    'default-docker.use-sigstore-attachments: expected a boolean (true or false)',
  ]);
  t.deepEqual(problem({ 'default-docker': { 'use-sigstore-attachments': 'yEs' } }), [
    'default-docker.use-sigstore-attachments: expected a boolean (true or false)',
  ]);
  t.deepEqual(problem({ 'default-docker': { 'use-sigstore-attachments': 1 } }), [
    'default-docker.use-sigstore-attachments: expected a boolean (true or false)',
  ]);
});

test('wrong shapes: each error names where and what was expected', (t) => {
  t.deepEqual(problem('text'), [': expected a mapping with "default-docker" and/or "docker"']);
  t.deepEqual(problem([]), [': expected a mapping with "default-docker" and/or "docker"']);
  t.deepEqual(problem({ 'default-docker': 'x' }), ['default-docker: expected a mapping of lookaside keys']);
  t.deepEqual(problem({ docker: ['x'] }), ['docker: expected a mapping of scopes']);
  t.deepEqual(problem({ docker: { s: 'x' } }), ['docker.s: expected a mapping of lookaside keys']);
  t.deepEqual(problem({ docker: { s: { lookaside: ['x'] } } }), [
    'docker.s.lookaside: expected a string (URL)',
  ]);
  t.deepEqual(problem({ docker: { s: { sigstore: {} } } }), ['docker.s.sigstore: expected a string (URL)']);
});
