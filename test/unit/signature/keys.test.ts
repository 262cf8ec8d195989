import test from 'ava';
import * as openpgp from 'openpgp';
import { Keyring, KeyError, readKeyFile } from '../../../src/signature/keys.js';
import { readVector } from '../../helpers/vectors.js';

const CREATED = new Date('2025-01-01T00:00:00Z');
const generate = (options: Partial<Parameters<typeof openpgp.generateKey>[0]> = {}) =>
  openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'signer', email: 'signer@example.com' }],
    format: 'object',
    date: CREATED,
    ...options,
  });
const keyringOf = (...keys: openpgp.PublicKey[]) =>
  Keyring.read(keys.map((key, i) => ({ name: `key-${i}.asc`, bytes: Buffer.from(key.armor()) })));
const idOf = (key: { getKeyID(): { toHex(): string } }) => key.getKeyID().toHex();
const fprOf = (key: { getFingerprint(): string }) => key.getFingerprint().toUpperCase();
const at = (iso: string) => new Date(iso);

test('a file that holds no key: a KeyError naming the file and openpgp.js reason, no hint', async (t) => {
  const err = await t.throwsAsync(readKeyFile({ name: 'junk.gpg', bytes: Buffer.from('hello') }), {
    instanceOf: KeyError,
  });
  t.is(err.name, 'KeyError');
  t.is(
    err.message,
    'cannot read public key file junk.gpg: Error during parsing. This message / key probably does not conform to a valid OpenPGP format.',
  );
});

test('find: a primary key by ID or fingerprint has no subkey fingerprint; a subkey names both', async (t) => {
  const { publicKey } = await generate({ subkeys: [{ sign: true }] });
  const keyring = await keyringOf(publicKey);
  for (const wanted of [idOf(publicKey), fprOf(publicKey), idOf(publicKey).toLowerCase()])
    t.like(keyring.find(wanted), {
      primaryFingerprint: fprOf(publicKey),
      subkeyFingerprint: undefined,
      rsaBits: undefined,
    });
  const subkey = publicKey.subkeys[0]!;
  t.like(keyring.find(idOf(subkey)), {
    primaryFingerprint: fprOf(publicKey),
    subkeyFingerprint: fprOf(subkey),
  });
  t.is(keyring.find('0123456789ABCDEF'), undefined);
});

test('find: an RSA key reports its modulus size', async (t) => {
  const keyring = await Keyring.read([
    {
      name: 'release-key-2',
      bytes: readVector('redhat-keys/cluster-update-keys_verifier-public-key-redhat-release.asc'),
    },
  ]);
  const rsa = keyring.keys.map((k) => keyring.find(idOf(k))!).find((k) => k.rsaBits !== undefined);
  t.is(rsa?.rsaBits, 4096);
});

test('a key is judged now, not at the signature time: expired from its expiry instant on', async (t) => {
  const { publicKey } = await generate({ keyExpirationTime: 3600 });
  const key = (await keyringOf(publicKey)).find(idOf(publicKey))!;
  const expired = `key ${fprOf(publicKey)} expired on 2025-01-01T01:00:00.000Z`;
  t.is(await (await keyringOf(publicKey)).signingProblem(key, at('2025-01-01T00:59:59.999Z')), undefined);
  t.is(await (await keyringOf(publicKey)).signingProblem(key, at('2025-01-01T01:00:00.000Z')), expired);
});

test('validity answers are reused for less than 60 s, then checked again', async (t) => {
  const { publicKey } = await generate({ keyExpirationTime: 3600 });
  const keyring = await keyringOf(publicKey);
  const key = keyring.find(idOf(publicKey))!;
  const first = at('2025-01-01T00:59:30.000Z');
  t.is(await keyring.signingProblem(key, first), undefined);
  t.is(
    await keyring.signingProblem(key, at('2025-01-01T01:00:29.999Z')),
    undefined,
    'within 60 s: the answer of 30 s before expiry, though the key has expired since',
  );
  t.is(
    await keyring.signingProblem(key, at('2025-01-01T01:00:30.000Z')),
    `key ${fprOf(publicKey)} expired on 2025-01-01T01:00:00.000Z`,
    '60 s after the answer: checked again',
  );
});

test('validity answers are kept per key and per subkey', async (t) => {
  const { publicKey: valid } = await generate();
  const { publicKey: expiring } = await generate({
    keyExpirationTime: 3600,
    userIDs: [{ name: 'other' }],
  });
  const keyring = await keyringOf(expiring, valid);
  const now = at('2026-01-01T00:00:00Z');
  t.regex((await keyring.signingProblem(keyring.find(idOf(expiring))!, now))!, /expired on/);
  t.is(await keyring.signingProblem(keyring.find(idOf(valid))!, now), undefined);

  const { publicKey: twoSubkeys } = await generate({
    subkeys: [{ sign: true, keyExpirationTime: 3600 }, { sign: true }],
  });
  const [short, lasting] = twoSubkeys.subkeys;
  const subkeys = await keyringOf(twoSubkeys);
  t.is(
    await subkeys.signingProblem(subkeys.find(idOf(short!))!, now),
    `subkey ${fprOf(short!)} may not sign: Subkey is expired`,
  );
  t.is(await subkeys.signingProblem(subkeys.find(idOf(lasting!))!, now), undefined);
});

test('why a key may not sign: openpgp.js reason without its wrapping, whole when unwrapped', async (t) => {
  const { publicKey, privateKey } = await generate();
  const { publicKey: revoked } = await openpgp.revokeKey({
    key: privateKey,
    format: 'object',
    date: at('2025-02-01T00:00:00Z'),
  });
  const revokedRing = await keyringOf(revoked);
  t.is(
    await revokedRing.signingProblem(revokedRing.find(idOf(revoked))!, at('2026-01-01T00:00:00Z')),
    `key ${fprOf(revoked)} may not sign: Primary key is revoked`,
  );
  // The encryption subkey: openpgp.js's own message, which has no wrapped reason.
  const keyring = await keyringOf(publicKey);
  const encryption = publicKey.subkeys[0]!;
  t.is(
    await keyring.signingProblem(keyring.find(idOf(encryption))!, at('2026-01-01T00:00:00Z')),
    `subkey ${fprOf(encryption)} may not sign: Could not find valid signing key packet in key ${idOf(publicKey)}`,
  );
});

test("an RSA key's node:crypto object is built once per key", async (t) => {
  const keyring = await Keyring.read([
    {
      name: 'release-key-2',
      bytes: readVector('redhat-keys/cluster-update-keys_verifier-public-key-redhat-release.asc'),
    },
  ]);
  const rsa = keyring.keys.map((k) => keyring.find(idOf(k))!).find((k) => k.rsaBits !== undefined)!;
  const object = keyring.rsaKeyObject(rsa);
  t.is(object.asymmetricKeyType, 'rsa');
  t.is(keyring.rsaKeyObject(rsa), object);
});
