/**
 * Every row of test/fixtures/vectors/expectations.tsv: the verdict real tools gave (gpg 2.2.40,
 * skopeo 1.9.3, clock 2026-11-24) must be sigmirror's, for the reason they gave. The one
 * deliberate difference is listed in OVERRIDES with its evidence.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {
  expectedIdentityRule,
  Keyring,
  manifestDigest,
  ManifestError,
  verifySignature,
  type SignatureVerdict,
} from '../../../src/signature/index.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

interface Row {
  readonly line: number;
  readonly signature: string;
  readonly keys: string;
  readonly manifest: string;
  readonly digest: string;
  readonly identity: string;
  readonly expected: 'accept' | 'reject';
  readonly why: string;
}

const rows: Row[] = readFileSync(path.join(vectorsDir, 'expectations.tsv'), 'utf8')
  .split('\n')
  .map((text, i) => ({ text, line: i + 1 }))
  .filter(({ text, line }) => line > 1 && text.trim() !== '')
  .map(({ text, line }) => {
    const [signature, keys, manifest, digest, identity, expected, why] = text.split('\t') as string[];
    return { line, signature, keys, manifest, digest, identity, expected, why } as Row;
  });

/** When a verdict must differ from the row, the evidence. */
const OVERRIDES: ReadonlyMap<string, { expected: 'accept' | 'reject'; evidence: string }> = new Map([
  [
    'openshift-oc-mirror/integration-keys/v0.0.1-sha256-2352c020dacb945a96cf665e553644f3a3c39341b636a4d9ef1653944fd9de1f',
    {
      expected: 'accept',
      evidence:
        'the row says reject but its own note says "expect: PASS"; gpg reports GOODSIG with release-pk.asc, ' +
        'sha256(index.json) is the signed digest 2352c020…, and MANIFEST.md §8.10 records skopeo verifying it',
    },
  ],
]);

/** The reason a row's tool gave, as sigmirror words it (a substring of our reason). */
function expectedReason(row: Row): RegExp | undefined {
  const skopeo = /skopeo: Error verifying signature: (.*)$/.exec(row.why)?.[1];
  if (skopeo?.startsWith('Docker reference')) return new RegExp(`^${escape(skopeo)}`);
  if (skopeo?.startsWith('Signature for docker digest'))
    return /^Signature for docker digest "sha256:[0-9a-f]{64}" does not match$/;
  if (skopeo?.startsWith('Invalid docker reference')) return new RegExp(`^${escape(skopeo)}$`);
  if (skopeo?.startsWith('invalid character')) return /^payload is not JSON/;
  if (skopeo?.startsWith('Unexpected GPG signature count 0')) return /^Unexpected signature count 0$/;
  if (skopeo?.startsWith('error unmarshalling signatures')) return /^error unmarshalling signatures/;
  const summary = /gpgme Summary=(\d+)/.exec(row.why)?.[1];
  if (summary === '4') return /^bad signature \(made with key [0-9A-F]{16}\)$/;
  if (summary === '16') return /^subkey [0-9A-F]{40} may not sign: Subkey is revoked$/;
  if (summary === '64') return /^signature expired on \d{4}-\d\d-\d\dT/;
  if (summary === '128') return /^no trusted public key for key ID [0-9A-F]{16}$/;
  return undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const keyrings = new Map<string, Promise<Keyring>>();
const keyringFor = (file: string) => {
  if (!keyrings.has(file)) keyrings.set(file, Keyring.read([{ name: file, bytes: readVector(file) }]));
  return keyrings.get(file)!;
};

/** Digest the row checks against: the manifest file's, the row's digest, or an unrelated one. */
function rowDigest(row: Row): string {
  if (row.manifest !== '-') return manifestDigest(readVector(row.manifest));
  return row.digest !== '-' ? row.digest : `sha256:${'0'.repeat(64)}`;
}

async function verdictFor(
  row: Row,
): Promise<SignatureVerdict | { verdict: 'rejected'; reason: string; stage: 'manifest' }> {
  let digest: string;
  try {
    digest = rowDigest(row);
  } catch (err) {
    if (err instanceof ManifestError) return { verdict: 'rejected', stage: 'manifest', reason: err.message };
    throw err;
  }
  return verifySignature(readVector(row.signature), {
    keyring: await keyringFor(row.keys),
    manifestDigest: digest,
    validateSignedReference: row.identity === '-' ? () => undefined : expectedIdentityRule(row.identity),
    now: new Date('2026-11-24T12:00:00Z'),
  });
}

for (const row of rows) {
  const override = OVERRIDES.get(row.signature);
  const expected = override?.expected ?? row.expected;
  test(`expectations.tsv:${row.line} ${row.signature} as ${row.identity} → ${expected}`, async (t) => {
    if (override) t.log(`override (row says ${row.expected}): ${override.evidence}`);
    const result = await verdictFor(row);
    t.is(result.verdict === 'accepted' ? 'accept' : 'reject', expected, JSON.stringify(result));
    const reason = expectedReason(row);
    if (result.verdict === 'rejected' && reason) t.regex(result.reason, reason);
  });
}

test('the table covers every row of expectations.tsv', (t) => {
  t.is(rows.length, 54);
});
