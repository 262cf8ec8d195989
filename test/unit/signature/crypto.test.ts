import test from 'ava';
import * as openpgp from 'openpgp';
import { checkSignaturePacket, type CryptoResult } from '../../../src/signature/crypto.js';
import { Keyring } from '../../../src/signature/keys.js';
import { parseMessage, type SignaturePacketInfo } from '../../../src/signature/packets.js';
import { readVector } from '../../helpers/vectors.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const PAYLOAD = Buffer.from('{"critical":{}}');

/** A signature file's one signature packet and literal. */
function parsed(bytes: Uint8Array) {
  const message = parseMessage(bytes);
  return { sig: message.signatures[0]!, literal: message.literal! };
}

const verdict = (result: CryptoResult) =>
  result.ok ? { ok: true, warnings: result.warnings } : { ok: false, reason: result.reason };

/** An RSA-2048 key of our own, and v4 signatures it makes with a chosen hash. */
const rsa2048 = (async () => {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'rsa',
    rsaBits: 2048,
    userIDs: [{ name: 'signer' }],
    format: 'object',
    date: new Date('2025-01-01T00:00:00Z'),
  });
  const keyring = await Keyring.read([{ name: 'rsa2048.asc', bytes: Buffer.from(publicKey.armor()) }]);
  const sign = async (hash: openpgp.enums.hash) =>
    parsed(
      await openpgp.sign({
        message: await openpgp.createMessage({ binary: PAYLOAD, date: new Date('2025-06-01T00:00:00Z') }),
        signingKeys: privateKey,
        date: new Date('2025-06-01T00:00:00Z'),
        format: 'binary',
        config: { preferredHashAlgorithm: hash, rejectHashAlgorithms: new Set() },
      }),
    );
  return { keyring, sign };
})();

const subkeyRing = () =>
  Keyring.read([
    { name: 'public-key-with-subkey.gpg', bytes: readVector('containers-image/public-key-with-subkey.gpg') },
  ]);

test('an RSA-2048 key is no weak key, even under strict', async (t) => {
  const { keyring, sign } = await rsa2048;
  const { sig, literal } = await sign(openpgp.enums.hash.sha256);
  t.deepEqual(verdict(await checkSignaturePacket(sig, literal, keyring, { now: NOW, strict: true })), {
    ok: true,
    warnings: [],
  });
});

test('RSA-1024 and SHA-1 (v4 and v3 legacy signatures) warn; strict rejects each', async (t) => {
  const keyring = await Keyring.read([
    { name: 'pubring.gpg', bytes: readVector('containers-image-legacy-1024bit/pubring.gpg') },
  ]);
  const weakKey = 'weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8)';
  for (const file of ['no-optional-fields.signature', 'invalid-blob.signature-v3']) {
    const { sig, literal } = parsed(readVector(`containers-image-legacy-1024bit/${file}`));
    t.is(sig.hashAlgorithm, 2, file);
    t.deepEqual(verdict(await checkSignaturePacket(sig, literal, keyring, { now: NOW, strict: false })), {
      ok: true,
      warnings: [weakKey, 'weak message hash: SHA-1'],
    });
    t.deepEqual(verdict(await checkSignaturePacket(sig, literal, keyring, { now: NOW, strict: true })), {
      ok: false,
      reason: `${weakKey} rejected`,
    });
  }
  // SHA-1 with a strong key: the hash alone is rejected under strict (the decision is made from
  // the packet's hash field, before the signature is checked).
  const strong = await rsa2048;
  const { sig, literal } = await strong.sign(openpgp.enums.hash.sha256);
  t.deepEqual(
    verdict(
      await checkSignaturePacket({ ...sig, hashAlgorithm: 2 }, literal, strong.keyring, {
        now: NOW,
        strict: true,
      }),
    ),
    { ok: false, reason: 'weak message hash SHA-1 rejected' },
  );
});

test('refused before any key is looked up: other signature types, unknown hashes, no issuer', async (t) => {
  const { keyring, sign } = await rsa2048;
  const { sig, literal } = await sign(openpgp.enums.hash.sha256);
  const check = async (changed: Partial<SignaturePacketInfo>) =>
    verdict(
      await checkSignaturePacket({ ...sig, ...changed }, literal, keyring, { now: NOW, strict: false }),
    );
  t.deepEqual(await check({ signatureType: 0x13 }), {
    ok: false,
    reason: 'signature type 0x13 is not a document signature',
  });
  t.deepEqual(await check({ hashAlgorithm: 1 }), { ok: false, reason: 'unsupported hash algorithm 1' });
  t.deepEqual(await check({ issuerKeyId: undefined, issuerFingerprint: undefined }), {
    ok: false,
    reason: 'no trusted public key for key ID (none)',
  });
});

test('openpgp.js reasons: a packet it cannot read, a signature from the future', async (t) => {
  const { sig, literal } = parsed(readVector('containers-image/image.signature'));
  const keyring = await Keyring.read([
    { name: 'public-key.gpg', bytes: readVector('containers-image/public-key.gpg') },
  ]);
  t.deepEqual(
    verdict(
      await checkSignaturePacket({ ...sig, body: Uint8Array.from([4, 0, 1, 2]) }, literal, keyring, {
        now: NOW,
        strict: false,
      }),
    ),
    { ok: false, reason: 'malformed signature packet: Missing signature creation time subpacket.' },
  );
  t.deepEqual(
    verdict(
      await checkSignaturePacket(sig, literal, keyring, {
        now: new Date('2020-01-01T00:00:00Z'),
        strict: false,
      }),
    ),
    { ok: false, reason: 'signature rejected: Signature creation time is in the future' },
  );
});

test('v3: only RSA; the signature MPI is read by its bit length, and one longer than the modulus is refused', async (t) => {
  const keyring = await subkeyRing();
  const { sig, literal } = parsed(readVector('containers-image/subkey.signature-v3'));
  const check = async (changed: Partial<SignaturePacketInfo>) =>
    verdict(
      await checkSignaturePacket({ ...sig, ...changed }, literal, keyring, { now: NOW, strict: false }),
    );
  t.deepEqual(await check({}), { ok: true, warnings: [] });
  // Bytes after the MPI are not part of it.
  t.deepEqual(await check({ body: Buffer.concat([sig.body, Buffer.from([0])]) }), { ok: true, warnings: [] });
  // An MPI one byte longer than the 3072-bit modulus: refused, not padded to a negative length.
  const longer = Buffer.concat([
    sig.body.subarray(0, 19),
    Buffer.from([0x0c, 0x08]),
    Buffer.from([1]),
    sig.body.subarray(21),
  ]);
  t.deepEqual(await check({ body: longer }), {
    ok: false,
    reason: 'bad signature (made with key D75B3109B3BAAEAF)',
  });

  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'signer' }],
    format: 'object',
  });
  const ecc = parsed(
    await openpgp.sign({
      message: await openpgp.createMessage({ binary: PAYLOAD }),
      signingKeys: privateKey,
      format: 'binary',
    }),
  );
  const eccRing = await Keyring.read([{ name: 'ecc.asc', bytes: Buffer.from(publicKey.armor()) }]);
  t.deepEqual(
    verdict(
      await checkSignaturePacket({ ...ecc.sig, version: 3 }, ecc.literal, eccRing, {
        now: new Date(),
        strict: false,
      }),
    ),
    { ok: false, reason: 'unsupported v3 signature algorithm 22 (only RSA)' },
  );
});
