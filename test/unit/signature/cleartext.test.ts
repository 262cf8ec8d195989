/**
 * Cleartext-signed messages (src/signature/cleartext.ts): the text that is signed (dash-unescaped,
 * trailing spaces and tabs dropped, CRLF line ends), the payload gpg hands on (LF, final newline),
 * the signatures read from the armored block, and malformed messages.
 */
import test from 'ava';
import { parseCleartext } from '../../../src/signature/cleartext.js';
import { armored, syntheticSignature } from '../../helpers/synthetic-signature.js';

const SIGNATURE_PACKET = syntheticSignature('x').subarray(-15);
const BLOCK = armored(SIGNATURE_PACKET, 'SIGNATURE').toString('latin1');
const message = (body: string, nl = '\n') =>
  Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${body}\n${BLOCK}`.replaceAll('\n', nl));

test('signed text: dash-escapes removed, trailing blanks dropped, lines joined with CRLF', (t) => {
  const parsed = parseCleartext(message('first line  \t\n- -dashed\n- plain\n-not escaped\n\nlast'));
  t.is(
    Buffer.from(parsed.literal!.data).toString(),
    'first line\r\n-dashed\r\nplain\r\n-not escaped\r\n\r\nlast',
  );
  t.is(parsed.literal!.format, 't');
  t.is(Buffer.from(parsed.payload).toString(), 'first line  \t\n-dashed\nplain\n-not escaped\n\nlast\n');
  t.is(parsed.onePassCount, 0);
  t.is(parsed.signatures.length, 1);
  t.like(parsed.signatures[0], { version: 4, publicKeyAlgorithm: 1, hashAlgorithm: 8 });
});

test('CRLF input reads the same; a line of only blanks is signed empty', (t) => {
  const parsed = parseCleartext(message('a \nb\t\t\n \t ', '\r\n'));
  t.is(Buffer.from(parsed.literal!.data).toString(), 'a\r\nb\r\n');
  t.is(Buffer.from(parsed.payload).toString(), 'a \nb\t\t\n \t \n');
});

test('text before the header is ignored; the first blank line ends the armor headers', (t) => {
  const bytes = Buffer.concat([Buffer.from('junk\n\nmore junk\n'), message('body')]);
  t.is(Buffer.from(parseCleartext(bytes).payload).toString(), 'body\n');
});

test('malformed: no blank line after the headers, no signature block', (t) => {
  t.throws(() => parseCleartext(Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n${BLOCK}`)), {
    name: 'PacketError',
    message: 'malformed cleartext-signed message',
  });
  t.throws(() => parseCleartext(Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nbody\n')), {
    message: 'malformed cleartext-signed message',
  });
  // The signature block's line must stand alone.
  t.throws(() => parseCleartext(Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\n\nbody\n ${BLOCK}`)), {
    message: 'malformed cleartext-signed message',
  });
});

test('the blank line may hold spaces and tabs, and may follow the BEGIN line directly (no armor headers)', (t) => {
  const spaced = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n \t\nbody\n${BLOCK}`);
  t.is(Buffer.from(parseCleartext(spaced).payload).toString(), 'body\n');
  const bare = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\n\nbody\n${BLOCK}`);
  t.is(Buffer.from(parseCleartext(bare).payload).toString(), 'body\n');
});

test('malformed: no blank line anywhere (not even in the signature block)', (t) => {
  const block = BLOCK.split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
  t.throws(
    () => parseCleartext(Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nbody\n${block}`)),
    {
      name: 'PacketError',
      message: 'malformed cleartext-signed message',
    },
  );
});
