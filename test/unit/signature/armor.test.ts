/**
 * ASCII armor and cleartext detection (src/signature/armor.ts): what counts as armor, which block
 * is decoded, and that headers, blank lines and the checksum line are skipped.
 */
import test from 'ava';
import { dearmor, isArmored, isCleartext } from '../../../src/signature/armor.js';

const text = (s: string) => Buffer.from(s, 'latin1');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const BODY = Buffer.from([0xa3, 0x01, 0x02, 0x03, 0xff]).toString('base64'); // "owECA/8="

test('armor is recognised at the start, after whitespace, within the first 64 bytes only', (t) => {
  t.true(isArmored(text('-----BEGIN PGP MESSAGE-----\n')));
  t.true(isArmored(text(' \r\n\t-----BEGIN PGP SIGNATURE-----')));
  t.true(isArmored(text('-----BEGIN PGP ')));
  t.false(isArmored(text('-----BEGIN PGP')));
  t.false(isArmored(text('x-----BEGIN PGP MESSAGE-----')));
  t.false(isArmored(text(`${' '.repeat(50)}-----BEGIN PGP MESSAGE-----`)));
  t.true(isArmored(text(`${' '.repeat(49)}-----BEGIN PGP `)));
  t.false(isArmored(text('')));
});

test('a cleartext-signed message is recognised by its own header only', (t) => {
  t.true(isCleartext(text('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n')));
  t.true(isCleartext(text('\n\n-----BEGIN PGP SIGNED MESSAGE-----')));
  t.false(isCleartext(text('-----BEGIN PGP SIGNED MESSAGE----')));
  t.false(isCleartext(text('-----BEGIN PGP MESSAGE-----')));
  t.false(isCleartext(text(`${' '.repeat(31)}-----BEGIN PGP SIGNED MESSAGE-----`)));
});

test('dearmor: headers up to the blank line and the checksum line are skipped', (t) => {
  t.is(
    hex(dearmor(text(`-----BEGIN PGP MESSAGE-----\n\n${BODY}\n=abcd\n-----END PGP MESSAGE-----\n`))),
    'a3010203ff',
  );
  t.is(
    hex(
      dearmor(
        text(
          `junk first\r\n-----BEGIN PGP SIGNATURE-----\r\nVersion: x\r\nComment: y\r\n\r\n${BODY.slice(0, 4)}\r\n${BODY.slice(4)}\r\n=abcd\r\n-----END PGP SIGNATURE-----\r\n`,
        ),
      ),
    ),
    'a3010203ff',
  );
  // No blank line at all: everything after the BEGIN line is the body.
  t.is(hex(dearmor(text(`-----BEGIN PGP MESSAGE-----\n${BODY}-----END PGP MESSAGE-----`))), 'a3010203ff');
  // Text before the BEGIN line, and no blank line: the BEGIN line itself is not body.
  t.is(
    hex(dearmor(text(`junk\n-----BEGIN PGP MESSAGE-----\n${BODY}-----END PGP MESSAGE-----`))),
    'a3010203ff',
  );
  // The header block ends at a line of only blanks too.
  t.is(
    hex(dearmor(text(`-----BEGIN PGP MESSAGE-----\nVersion: x\n \t\n${BODY}\n-----END PGP MESSAGE-----\n`))),
    'a3010203ff',
  );
  // A blank line on the BEGIN line's own remainder does not end the headers.
  t.is(
    hex(dearmor(text(`-----BEGIN PGP MESSAGE-----\nVersion: 1\n\n${BODY}\n-----END PGP MESSAGE-----`))),
    'a3010203ff',
  );
  // Blank lines inside the body are skipped; the first block is the one decoded.
  t.is(
    hex(
      dearmor(
        text(
          `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${BODY}\n  \n-----END PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----\n`,
        ),
      ),
    ),
    'a3010203ff',
  );
});

test('dearmor refusals: no header, no END line, an unknown block type', (t) => {
  t.throws(() => dearmor(text(BODY)), { name: 'PacketError', message: 'no ASCII armor header' });
  t.throws(() => dearmor(text(`-----BEGIN PGP MESSAGE-----\n\n${BODY}\n`)), {
    name: 'PacketError',
    message: 'ASCII armor without an END line',
  });
  t.throws(() => dearmor(text(`-----BEGIN PGP SECRET KEY-----\n\n${BODY}\n-----END PGP SECRET KEY-----`)), {
    message: 'no ASCII armor header',
  });
  t.throws(() => dearmor(text(`x-----BEGIN PGP MESSAGE-----\n\n${BODY}\n-----END PGP MESSAGE-----`)), {
    message: 'no ASCII armor header',
  });
  t.throws(() => dearmor(text(`-----BEGIN PGP MESSAGE----- x\n\n${BODY}\n-----END PGP MESSAGE-----`)), {
    message: 'no ASCII armor header',
  });
});
