/**
 * Cleartext-signed messages (RFC 4880 §7): the signed text is dash-unescaped, its lines hashed
 * without trailing whitespace and with CRLF endings. The payload handed on is the text with a
 * final newline, as gpg/gpgme return it (openpgp.js drops that newline). Pure.
 */
import { dearmor } from './armor.js';
import { PacketError, parseMessage, type ParsedMessage } from './packets.js';

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';

/** A cleartext message: its signatures, the text they sign (canonical) and the payload gpg returns. */
export interface CleartextMessage extends ParsedMessage {
  readonly payload: Uint8Array;
}

export function parseCleartext(bytes: Uint8Array): CleartextMessage {
  const text = Buffer.from(bytes).toString('utf8');
  const lines = text.slice(text.indexOf(BEGIN_SIGNED) + BEGIN_SIGNED.length).split(/\r?\n/);
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  const end = lines.indexOf(BEGIN_SIGNATURE);
  // A missing signature block (end = -1) is also before the blank line, which is at 1 or later.
  if (blank === -1 || end < blank) throw new PacketError('malformed cleartext-signed message');
  const body = lines.slice(blank + 1, end).map((l) => (l.startsWith('- ') ? l.slice(2) : l));
  const signed = body.map(trimSpacesAndTabs).join('\r\n');
  const signatures = parseMessage(dearmor(Buffer.from(lines.slice(end).join('\n')))).signatures;
  return {
    literal: { format: 't', data: Buffer.from(signed, 'utf8') },
    signatures,
    onePassCount: 0,
    payload: Buffer.from(body.join('\n') + '\n', 'utf8'),
  };
}

/** Trailing spaces and tabs are not signed (RFC 4880 §7.1); a loop, not a quadratic `[ \t]+$`. */
function trimSpacesAndTabs(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return line.slice(0, end);
}
