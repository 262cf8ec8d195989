/**
 * Making a signature (src/signature/sign.ts): the payload's exact bytes, keys read armored or
 * binary and unlocked, every refusal's text, and a signature our own verifier accepts with the
 * signer's fingerprint and the given date.
 */
import test from 'ava';
import * as openpgp from 'openpgp';
import { buildPayload, readSigningKey, signPayload } from '../../../src/signature/sign.js';
import {
  Keyring,
  expectedIdentityRule,
  parseMessage,
  verifySignature,
} from '../../../src/signature/index.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const FIELDS = {
  manifestDigest: DIGEST,
  dockerReference: 'quay.io/a/b:1',
  creator: 'sigmirror 1',
  timestamp: 1700000000,
};

const generate = (passphrase?: string) =>
  openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'signer', email: 'signer@example.com' }],
    format: 'object',
    date: new Date('2025-01-01T00:00:00Z'),
    ...(passphrase ? { passphrase } : {}),
  });

test('the payload: compact JSON, keys sorted as containers/image writes them', (t) => {
  t.is(
    Buffer.from(buildPayload(FIELDS)).toString('utf8'),
    `{"critical":{"identity":{"docker-reference":"quay.io/a/b:1"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"atomic container signature"},"optional":{"creator":"sigmirror 1","timestamp":1700000000}}`,
  );
});

test('a signature over the payload verifies with the public key, dated as asked', async (t) => {
  const { privateKey, publicKey } = await generate();
  const key = await readSigningKey(Buffer.from(privateKey.armor()), undefined);
  const date = new Date('2026-01-02T03:04:05Z');
  const bytes = await signPayload(buildPayload(FIELDS), key, date);
  const message = parseMessage(bytes);
  t.is(message.onePassCount, 1);
  t.is(Buffer.from(message.literal!.data).toString(), Buffer.from(buildPayload(FIELDS)).toString());
  t.is(message.signatures[0]!.creationTime, date.getTime() / 1000);
  const keyring = await Keyring.read([{ name: 'pub.asc', bytes: Buffer.from(publicKey.armor()) }]);
  const verdict = await verifySignature(bytes, {
    keyring,
    manifestDigest: DIGEST,
    validateSignedReference: expectedIdentityRule('quay.io/a/b:1'),
    now: new Date('2026-06-01T00:00:00Z'),
  });
  t.like(verdict, {
    verdict: 'accepted',
    signature: {
      dockerManifestDigest: DIGEST,
      dockerReference: 'quay.io/a/b:1',
      creator: 'sigmirror 1',
      timestamp: 1700000000,
      keyFingerprint: publicKey.getFingerprint().toUpperCase(),
      packetVersion: 4,
    },
  });
});

test('keys: binary too; protected ones need and use the passphrase; the refusals', async (t) => {
  const { privateKey } = await generate('secret');
  const binary = privateKey.write();
  await t.throwsAsync(readSigningKey(binary, undefined), {
    name: 'SigningError',
    message: 'the private key is protected: give --passphrase-file',
  });
  await t.throwsAsync(readSigningKey(Buffer.from(privateKey.armor()), 'wrong'), {
    name: 'SigningError',
    message: /^cannot unlock the private key: /,
  });
  const unlocked = await readSigningKey(binary, 'secret');
  t.true(unlocked.isDecrypted());
  t.is(unlocked.getFingerprint(), privateKey.getFingerprint());
  await t.throwsAsync(readSigningKey(Buffer.from('not a key'), undefined), {
    name: 'SigningError',
    message: /^not an OpenPGP private key: /,
  });
  const { publicKey } = await generate();
  await t.throwsAsync(readSigningKey(Buffer.from(publicKey.armor()), undefined), {
    name: 'SigningError',
    message: /^not an OpenPGP private key: /,
  });
  await t.throwsAsync(signPayload(buildPayload(FIELDS), privateKey), {
    name: 'SigningError',
    message: /^cannot sign: /,
  });
});
