/**
 * The keys of a signedBy requirement (src/policy/signed-by-keys.ts) and the policy file reader
 * (src/policy/load.ts): each key form, each failure in containers/image's words, and what is
 * reported (sources as written, fingerprints).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { readKeyFileFromDisk, readPolicyFile } from '../../../src/policy/load.js';
import type { SignedByRequirement } from '../../../src/policy/schema.js';
import { loadSignedByKeys, NO_KEYS } from '../../../src/policy/signed-by-keys.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const KEY = 'containers-image/public-key.gpg';
const KEY_2 = 'containers-image/public-key-2.gpg';
const read = (p: string) => readFile(path.join(vectorsDir, p)).then((b) => new Uint8Array(b));
const req = (fields: Partial<SignedByRequirement>) =>
  ({ type: 'signedBy', keyType: 'GPGKeys', ...fields }) as SignedByRequirement;

test('keyPath, keyPaths and keyData: the sources as written and the primary fingerprints', async (t) => {
  const one = await loadSignedByKeys(req({ keyPath: KEY }), read);
  t.truthy(one.keyring);
  t.deepEqual(one.report.sources, [KEY]);
  t.is(one.report.error, undefined);
  t.is(one.report.fingerprints.length, 1);
  t.regex(one.report.fingerprints[0]!, /^[0-9A-F]{40}$/);
  const two = await loadSignedByKeys(req({ keyPaths: [KEY, KEY_2] }), read);
  t.deepEqual(two.report.sources, [KEY, KEY_2]);
  t.is(two.report.fingerprints.length, 2);
  t.is(two.report.fingerprints[0], one.report.fingerprints[0]);
  const data = await loadSignedByKeys(
    req({ keyData: Buffer.from(readVector(KEY)).toString('base64') }),
    read,
  );
  t.deepEqual(data.report, { sources: ['keyData'], fingerprints: one.report.fingerprints, error: undefined });
});

test('failures reject the requirement with their reason; an empty key set is "No public keys imported"', async (t) => {
  t.deepEqual((await loadSignedByKeys(req({ keyPaths: [KEY, 'missing.gpg'] }), read)).report, {
    sources: [KEY, 'missing.gpg'],
    fingerprints: [],
    error: 'cannot read public key file missing.gpg: ENOENT',
  });
  const noCode = await loadSignedByKeys(req({ keyPath: 'x' }), () => Promise.reject(new Error('gone')));
  t.is(noCode.report.error, 'cannot read public key file x: gone');
  t.is(noCode.keyring, undefined);
  t.deepEqual((await loadSignedByKeys(req({ keyPaths: [] }), read)).report, {
    sources: [],
    fingerprints: [],
    error: NO_KEYS,
  });
  t.is(NO_KEYS, 'No public keys imported');
  // Bytes that are no key (empty keyData included): the key reader's reason.
  const unparsable =
    'cannot read public key file keyData: Error during parsing. This message / key probably does not conform to a valid OpenPGP format.';
  t.is((await loadSignedByKeys(req({ keyData: '' }), read)).report.error, unparsable);
  const junk = await loadSignedByKeys(req({ keyData: Buffer.from('not a key').toString('base64') }), read);
  t.is(junk.keyring, undefined);
  t.deepEqual(junk.report.sources, ['keyData']);
  t.is(junk.report.error, unparsable);
});

test('policy files: unreadable ones are a PolicyParseError naming the file; keys read as written', async (t) => {
  const missing = path.join(vectorsDir, 'no-such-policy.json');
  await t.throwsAsync(readPolicyFile(missing), {
    name: 'PolicyParseError',
    message: `${missing}: cannot read: ENOENT`,
  });
  await t.throwsAsync(readPolicyFile(vectorsDir), {
    name: 'PolicyParseError',
    message: `${vectorsDir}: cannot read: EISDIR`,
  });
  t.deepEqual(await readKeyFileFromDisk(path.join(vectorsDir, KEY)), readVector(KEY));
});
