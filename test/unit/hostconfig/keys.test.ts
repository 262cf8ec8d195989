import test from 'ava';
import { embeddedKeyring, publicKeyProblem } from '../../../src/hostconfig/index.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new Uint8Array(Buffer.from(s));
const ARMORED_PUBLIC =
  '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF0=\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----';

test('public keys pass; secret keys, other files and empty files are refused', (t) => {
  const secret = 'a secret key; hosts need only the public key (gpg --export KEYID > key.gpg)';
  const other = 'not an OpenPGP public key (export one with gpg --export KEYID > key.gpg)';
  // Old-format (0x99: tag 6, two length octets) and new-format (0xc6) public key packets.
  t.is(publicKeyProblem(bytes(0x99, 0x01, 0x0d)), undefined);
  t.is(publicKeyProblem(bytes(0xc6, 0x33)), undefined);
  t.is(publicKeyProblem(text(`${ARMORED_PUBLIC}\n`)), undefined);
  t.is(publicKeyProblem(text(`Release key:\n${ARMORED_PUBLIC}\n`)), undefined);
  t.is(publicKeyProblem(bytes(0x95, 0x03, 0xd8)), secret);
  t.is(publicKeyProblem(bytes(0xc5, 0x33)), secret);
  t.is(
    publicKeyProblem(
      text('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQ==\n-----END PGP PRIVATE KEY BLOCK-----\n'),
    ),
    secret,
  );
  t.is(publicKeyProblem(text('-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n')), other);
  t.is(publicKeyProblem(bytes(0x89, 0x02)), other); // a binary signature packet (tag 2)
  t.is(publicKeyProblem(text('ssh-rsa AAAA...')), other);
  t.is(publicKeyProblem(bytes()), 'an empty file');
});

test('a keyring embeds one file exactly, several binary or armored files in order', (t) => {
  const a = { name: 'a.gpg', bytes: bytes(0x99, 0x00, 0x01, 0xaa) };
  const b = { name: 'b.gpg', bytes: bytes(0x99, 0x00, 0x01, 0xbb) };
  t.deepEqual(embeddedKeyring([a]), a.bytes);
  t.deepEqual(embeddedKeyring([a, b]), bytes(0x99, 0x00, 0x01, 0xaa, 0x99, 0x00, 0x01, 0xbb));
  const x = { name: 'x.asc', bytes: text(ARMORED_PUBLIC) };
  const y = { name: 'y.asc', bytes: text(`${ARMORED_PUBLIC}\n`) };
  t.is(Buffer.from(embeddedKeyring([x])).toString(), ARMORED_PUBLIC);
  t.is(
    Buffer.from(embeddedKeyring([x, y, x])).toString(),
    `${ARMORED_PUBLIC}\n${ARMORED_PUBLIC}\n${ARMORED_PUBLIC}`,
  );
  t.throws(() => embeddedKeyring([x, a]), {
    name: 'HostConfigError',
    message:
      '--embed-keys: x.asc is ASCII-armored but a.gpg is binary, and gpg reads one keyring of one kind: convert with gpg --dearmor',
  });
});
