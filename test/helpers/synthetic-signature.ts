/**
 * A well-framed OpenPGP signed message that signs nothing real, for tests and benches that need
 * many distinct blobs the store and the fetcher accept as signatures (src/signature/blob.ts):
 * a literal data packet holding `label` and a v4 signature packet. No key verifies it.
 */
export function syntheticSignature(label: string, padding = 0): Buffer {
  return signedMessage(Buffer.concat([Buffer.from(label, 'utf8'), Buffer.alloc(padding, 0x2e)]));
}

/**
 * The same around a simple-signing payload claiming `digest` and `reference` (what the signatures
 * API checks on PUT, without verifying): `label` makes the bytes unique, `padding` makes them big.
 */
export function syntheticSimpleSigning(
  digest: string,
  reference: string,
  label: string,
  padding = 0,
): Buffer {
  const payload = {
    critical: {
      type: 'atomic container signature',
      image: { 'docker-manifest-digest': digest },
      identity: { 'docker-reference': reference },
    },
    optional: { creator: label, ...(padding ? { padding: '.'.repeat(padding) } : {}) },
  };
  return signedMessage(Buffer.from(JSON.stringify(payload)));
}

function signedMessage(data: Buffer): Buffer {
  // Literal data: format 'b', no file name, time 0, then the data.
  const literal = packet(11, Buffer.concat([Buffer.from([0x62, 0, 0, 0, 0, 0]), data]));
  // Signature v4: type 0 (binary), RSA (1), SHA-256 (8), empty subpacket areas, hash prefix, MPI.
  const signature = packet(2, Buffer.from([4, 0, 1, 8, 0, 0, 0, 0, 0xab, 0xcd, 0, 8, 0xff]));
  return Buffer.concat([literal, signature]);
}

/** A new-format packet header (RFC 9580 §4.2.1) with a one-, two- or five-octet length. */
function packet(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length =
    n < 192
      ? Buffer.from([n])
      : n < 8384
        ? Buffer.from([((n - 192) >> 8) + 192, (n - 192) & 0xff])
        : Buffer.from([255, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([0xc0 | tag]), length, body]);
}

/** ASCII armor (RFC 9580 §6.2) of a binary message, with its CRC-24 line, as gpg --armor writes it. */
export function armored(bytes: Uint8Array, type = 'MESSAGE'): Buffer {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  const crcBytes = Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]);
  const lines =
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return Buffer.from(
    `-----BEGIN PGP ${type}-----\n\n${lines.join('\n')}\n=${crcBytes.toString('base64')}\n-----END PGP ${type}-----\n`,
  );
}
