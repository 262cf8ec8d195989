/**
 * Policy evaluation over real signatures (test/fixtures/vectors): each requirement kind, AND semantics,
 * every way to give signedBy its keys, and every signedIdentity kind through signedBy.
 * containers-image/dir-img-valid/signature-1 is signed by public-key.gpg (08CD26E4…) for
 * testing/manifest:latest, manifest digest D.
 */
import test from 'ava';
import {
  evaluatePolicy,
  NO_KEYS,
  NO_SIGNATURE,
  parsePolicy,
  PolicyImageError,
  SIGSTORE_UNSUPPORTED,
  type PolicyResult,
} from '../../../src/policy/index.js';
import { parseNormalizedReference, referenceString } from '../../../src/reference/index.js';
import { readVector } from '../../helpers/vectors.js';

const D = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const NOW = new Date('2026-11-24T12:00:00Z');
const KEY = 'containers-image/public-key.gpg';
const KEY_FPR = '08CD26E446E2E95249B7A405E932F44B23E8DD43';
const OTHER_KEY = 'containers-image/public-key-2.gpg';
const VALID = 'containers-image/dir-img-valid/signature-1';
const BAD_PAYLOAD = 'containers-image/dir-img-mixed/signature-1';
const UNKNOWN_KEY = 'containers-image/unknown-key.signature';
const IMAGE = `docker.io/testing/manifest@${D}`;

const signedBy = (extra: object = {}) => ({ type: 'signedBy', keyType: 'GPGKeys', keyPath: KEY, ...extra });

/** Evaluates `default: requirements` for `reference`; key paths are read from the vectors. */
async function evaluate(
  requirements: object[],
  signatures: string[],
  reference = IMAGE,
  manifestDigest = D,
): Promise<PolicyResult> {
  return evaluatePolicy(
    parsePolicy(JSON.stringify({ default: requirements })),
    {
      reference: parseNormalizedReference(reference),
      manifestDigest,
      signatures: signatures.map((file, i) => ({ index: i + 1, bytes: readVector(file) })),
    },
    { readKeyFile: async (path) => readVector(path), now: NOW },
  );
}

const accepted = (index: number, signedReference = 'testing/manifest:latest') => ({
  index,
  verdict: 'accepted',
  reason: undefined,
  stage: undefined,
  keyFingerprint: KEY_FPR,
  subkeyFingerprint: undefined,
  signedReference,
  warnings: [],
});
const KEYS = { sources: [KEY], fingerprints: [KEY_FPR], error: undefined };

test('insecureAcceptAnything allows, and the whole result is reported', async (t) => {
  t.deepEqual(await evaluate([{ type: 'insecureAcceptAnything' }], []), {
    image: `docker://${IMAGE}`,
    reference: IMAGE,
    manifestDigest: D,
    section: 'default',
    scope: undefined,
    tried: [],
    allowed: true,
    verdict: 'allowed',
    reason: undefined,
    requirements: [{ index: 0, type: 'insecureAcceptAnything', verdict: 'allowed', reason: undefined }],
  });
});

test('reject denies with the host text naming the image as pulled', async (t) => {
  const r = await evaluate([{ type: 'reject' }], [VALID], 'docker.io/testing/manifest:latest');
  t.like(r, {
    allowed: false,
    verdict: 'denied',
    reason: 'Running image docker://docker.io/testing/manifest:latest is rejected by policy.',
  });
});

test('signedBy: a valid signature by the key allows; each signature and the keys are reported', async (t) => {
  const r = await evaluate([signedBy()], [BAD_PAYLOAD, VALID]);
  t.true(r.allowed);
  t.deepEqual(r.requirements, [
    {
      index: 0,
      type: 'signedBy',
      verdict: 'allowed',
      reason: undefined,
      keys: KEYS,
      signatures: [
        {
          index: 1,
          verdict: 'rejected',
          reason: "payload is not JSON: Unexpected token 'T'",
          stage: 'payload',
          keyFingerprint: KEY_FPR,
          subkeyFingerprint: undefined,
          signedReference: undefined,
          warnings: [],
        },
        accepted(2),
      ],
    },
  ]);
});

test('signedBy: no signature at all', async (t) => {
  const r = await evaluate([signedBy()], []);
  t.like(r, { allowed: false, verdict: 'denied', reason: NO_SIGNATURE });
  t.is(NO_SIGNATURE, 'A signature was required, but no signature exists');
  t.deepEqual(r.requirements[0]!.signatures, []);
});

test('signedBy: one rejection is the reason; several are summarised as the host does', async (t) => {
  t.is(
    (await evaluate([signedBy({ keyPath: OTHER_KEY })], [VALID])).reason,
    'no trusted public key for key ID E932F44B23E8DD43',
  );
  t.is(
    (await evaluate([signedBy()], [BAD_PAYLOAD, UNKNOWN_KEY])).reason,
    "None of the signatures were accepted, reasons: payload is not JSON: Unexpected token 'T'; no trusted public key for key ID 5F9470E3BC6C3B55",
  );
});

test('signedBy: a signature for another manifest digest, in the policy wording', async (t) => {
  const other = `sha256:${'0'.repeat(64)}`;
  const r = await evaluate([signedBy()], [VALID], `docker.io/testing/manifest@${other}`, other);
  t.is(r.reason, `Signature for digest ${D} does not match`);
  t.like(r.requirements[0]!.signatures![0], { stage: 'digest', signedReference: 'testing/manifest:latest' });
});

test('signedBy: keys from keyPath, keyPaths or keyData', async (t) => {
  const keyData = Buffer.from(readVector(KEY)).toString('base64');
  const variants: Array<[object, readonly string[]]> = [
    [{ keyPath: KEY }, [KEY]],
    [{ keyPath: undefined, keyPaths: [OTHER_KEY, KEY] }, [OTHER_KEY, KEY]],
    [{ keyPath: undefined, keyData }, ['keyData']],
  ];
  for (const [keys, sources] of variants) {
    const r = await evaluate([signedBy(keys)], [VALID]);
    t.true(r.allowed, JSON.stringify(sources));
    t.deepEqual(r.requirements[0]!.keys!.sources, sources);
  }
  const both = await evaluate([signedBy({ keyPath: undefined, keyPaths: [OTHER_KEY, KEY] })], [VALID]);
  t.deepEqual(both.requirements[0]!.keys!.fingerprints, [
    'F2B501009F78B0B340221A12A3CD242DA6028093',
    KEY_FPR,
  ]);
});

test('signedBy: any key file that cannot be loaded makes the requirement reject, naming it', async (t) => {
  const missing = await evaluate([signedBy({ keyPath: undefined, keyPaths: [KEY, 'no/such.gpg'] })], [VALID]);
  t.is(missing.reason, 'cannot read public key file no/such.gpg: ENOENT');
  t.deepEqual(missing.requirements[0]!.keys, {
    sources: [KEY, 'no/such.gpg'],
    fingerprints: [],
    error: 'cannot read public key file no/such.gpg: ENOENT',
  });
  t.like(missing.requirements[0]!.signatures![0], { index: 1, verdict: 'rejected', stage: 'key' });
  t.deepEqual(missing.requirements[0]!.signatures![0]!.warnings, []);
  const notAKey = await evaluate([signedBy({ keyPath: VALID })], [VALID]);
  t.is(
    notAKey.reason,
    `cannot read public key file ${VALID}: Packet not allowed in this context: compressedData`,
  );
  const none = await evaluate([signedBy({ keyPath: undefined, keyPaths: [] })], [VALID]);
  t.is(none.reason, NO_KEYS);
  t.is(NO_KEYS, 'No public keys imported');
});

test('signedBy: with no signature the key problem is reported but the host reason stands', async (t) => {
  const r = await evaluate([signedBy({ keyPath: 'no/such.gpg' })], []);
  t.is(r.reason, NO_SIGNATURE);
  t.is(r.requirements[0]!.keys!.error, 'cannot read public key file no/such.gpg: ENOENT');
});

test('signedBy: key types other than GPGKeys parse but reject every signature, as unimplemented', async (t) => {
  for (const keyType of ['signedByGPGKeys', 'X509Certificates', 'signedByX509CAs']) {
    const r = await evaluate([signedBy({ keyType })], [VALID]);
    t.is(r.reason, `Unimplemented "keyType" value "${keyType}"`);
    t.is(r.requirements[0]!.keys, undefined);
  }
});

test('signedBy: weak legacy keys are accepted as hosts accept them, with the warning passed on', async (t) => {
  const r = await evaluate(
    [
      signedBy({
        keyPath: 'containers-image-legacy-1024bit/pubring.gpg',
        signedIdentity: { type: 'exactRepository', dockerRepository: 'testing/manifest' },
      }),
    ],
    ['containers-image-legacy-1024bit/image.signature'],
  );
  t.true(r.allowed);
  t.deepEqual(r.requirements[0]!.signatures![0]!.warnings, [
    'weak key: RSA-1024 (1D8230F6CDB6A06716E414C1DB72F2188BB46CC8)',
  ]);
});

test('signedBaseLayer is denied with the host text; sigstoreSigned cannot be judged', async (t) => {
  t.like(
    await evaluate([{ type: 'signedBaseLayer', baseLayerIdentity: { type: 'matchRepository' } }], [VALID]),
    {
      allowed: false,
      verdict: 'denied',
      reason: 'signedBaseLayer not implemented yet!',
      requirements: [{ index: 0, type: 'signedBaseLayer', verdict: 'denied' }],
    },
  );
  t.like(await evaluate([{ type: 'sigstoreSigned', keyPath: KEY }], [VALID]), {
    allowed: false,
    verdict: 'unsupported',
    reason: SIGSTORE_UNSUPPORTED,
    requirements: [{ index: 0, type: 'sigstoreSigned', verdict: 'unsupported' }],
  });
});

test('an empty requirement list (a policy built in code; parsePolicy refuses one) denies with the host text', async (t) => {
  const policy = { ...parsePolicy(JSON.stringify({ default: [{ type: 'reject' }] })), default: [] };
  const result = await evaluatePolicy(
    policy,
    { reference: parseNormalizedReference(IMAGE), manifestDigest: D, signatures: [] },
    { readKeyFile: async (path) => readVector(path), now: NOW },
  );
  t.like(result, {
    allowed: false,
    verdict: 'denied',
    reason: 'List of verification policy requirements must not be empty',
    requirements: [],
  });
});

test('AND: every requirement must allow; the first that does not gives the reason', async (t) => {
  const rejectText = `Running image docker://${IMAGE} is rejected by policy.`;
  const andReject = await evaluate([{ type: 'insecureAcceptAnything' }, { type: 'reject' }], [VALID]);
  t.like(andReject, { allowed: false, verdict: 'denied', reason: rejectText });
  t.deepEqual(
    andReject.requirements.map((r) => [r.index, r.type, r.verdict]),
    [
      [0, 'insecureAcceptAnything', 'allowed'],
      [1, 'reject', 'denied'],
    ],
  );
  const keyData = Buffer.from(readVector(KEY)).toString('base64');
  t.true((await evaluate([signedBy(), signedBy({ keyPath: undefined, keyData })], [VALID])).allowed);
  t.like(await evaluate([signedBy(), signedBy({ keyPath: OTHER_KEY })], [VALID]), {
    allowed: false,
    reason: 'no trusted public key for key ID E932F44B23E8DD43',
  });
  // A denial is a verdict; an unsupported requirement before it does not hide it.
  t.like(await evaluate([{ type: 'sigstoreSigned', keyPath: KEY }, { type: 'reject' }], [VALID]), {
    verdict: 'denied',
    reason: rejectText,
  });
  t.like(await evaluate([signedBy(), { type: 'sigstoreSigned', keyPath: KEY }], [VALID]), {
    allowed: false,
    verdict: 'unsupported',
  });
});

const NOT_ACCEPTED = 'Signature for identity testing/manifest:latest is not accepted';
const remap = { type: 'remapIdentity', prefix: 'mirror.example.com/ns', signedPrefix: 'docker.io/testing' };
// [signedIdentity (undefined: the default), image reference as pulled, allowed]
const identities: Array<[object | undefined, string, boolean]> = [
  [undefined, `testing/manifest@${D}`, true],
  [undefined, 'testing/manifest:latest', true],
  [undefined, 'testing/manifest:v2', false],
  [undefined, `testing/other@${D}`, false],
  [{ type: 'matchRepoDigestOrExact' }, `docker.io/testing/manifest@${D}`, true],
  [{ type: 'matchExact' }, 'testing/manifest:latest', true],
  [{ type: 'matchExact' }, `testing/manifest@${D}`, false],
  [{ type: 'matchRepository' }, 'testing/manifest:v2', true],
  [{ type: 'matchRepository' }, 'testing/other:latest', false],
  [
    { type: 'exactReference', dockerReference: 'docker.io/testing/manifest:latest' },
    `mirror.example.com/x/y@${D}`,
    true,
  ],
  [{ type: 'exactReference', dockerReference: 'testing/manifest:v2' }, 'testing/manifest:latest', false],
  [{ type: 'exactRepository', dockerRepository: 'testing/manifest' }, 'mirror.example.com/x/y:z', true],
  [{ type: 'exactRepository', dockerRepository: 'testing/other' }, 'testing/manifest:latest', false],
  [remap, `mirror.example.com/ns/manifest@${D}`, true],
  [remap, 'mirror.example.com/ns/manifest:latest', true],
  [remap, 'mirror.example.com/ns/manifest:v2', false],
  [remap, `mirror.example.com/other/manifest@${D}`, false],
  // The rewrite yields no valid reference: no match, as in containers/image (never a crash).
  [
    { type: 'remapIdentity', prefix: 'localhost', signedPrefix: 'docker.io/testing' },
    `localhost:5000/manifest@${D}`,
    false,
  ],
];
for (const [signedIdentity, reference, allowed] of identities) {
  test(`signedIdentity ${signedIdentity ? JSON.stringify(signedIdentity) : '(default)'} for ${reference}: ${allowed ? 'allowed' : 'denied'}`, async (t) => {
    const r = await evaluate([signedBy(signedIdentity ? { signedIdentity } : {})], [VALID], reference, D);
    t.is(r.allowed, allowed);
    t.is(r.reason, allowed ? undefined : NOT_ACCEPTED);
    t.is(r.image, `docker://${referenceString(parseNormalizedReference(reference))}`);
  });
}

// containers/image's matchRepoDigestOrExact refuses a signed reference without tag or digest
// (reference.IsNameOnly). image.signature is signed for "testing/manifest".
test('matchRepoDigestOrExact refuses a signed reference that names no tag or digest', async (t) => {
  const r = await evaluate([signedBy()], ['containers-image/image.signature']);
  t.is(r.reason, 'Signature for identity testing/manifest is not accepted');
});

// containers/image re-parses the remapped reference with ParseNamed, which refuses a
// non-canonical result ("testing/manifest:latest").
test('remapIdentity to a non-canonical signedPrefix matches nothing', async (t) => {
  const rule = { type: 'remapIdentity', prefix: 'mirror.example.com/ns', signedPrefix: 'testing' };
  const r = await evaluate(
    [signedBy({ signedIdentity: rule })],
    [VALID],
    'mirror.example.com/ns/manifest:latest',
  );
  t.is(r.reason, NOT_ACCEPTED);
});

test('an identity rule that cannot be applied (a policy built in code) rejects the signature, naming its identity', async (t) => {
  const text = JSON.stringify({
    default: [signedBy({ signedIdentity: { type: 'exactReference', dockerReference: 'a/b:1' } })],
  });
  const parsed = parsePolicy(text);
  const requirement = {
    ...parsed.default[0]!,
    signedIdentity: { type: 'exactReference', dockerReference: 'NOT VALID' },
  };
  const policy = { ...parsed, default: [requirement] } as typeof parsed;
  const r = await evaluatePolicy(
    policy,
    {
      reference: parseNormalizedReference(IMAGE),
      manifestDigest: D,
      signatures: [{ index: 1, bytes: readVector(VALID) }],
    },
    { readKeyFile: async (path) => readVector(path), now: NOW },
  );
  t.like(r, { allowed: false, reason: 'Signature for identity testing/manifest:latest is not accepted' });
});

test('an image reference a host cannot pull is a programming error', async (t) => {
  const policy = parsePolicy(JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const run = (reference: string, manifestDigest = D) =>
    evaluatePolicy(
      policy,
      { reference: parseNormalizedReference(reference), manifestDigest, signatures: [] },
      {
        readKeyFile: async () => new Uint8Array(),
      },
    );
  await t.throwsAsync(run(`r.io/x:1@${D}`), {
    instanceOf: PolicyImageError,
    name: 'PolicyImageError',
    message: `r.io/x:1@${D}: a reference with both a tag and a digest is not supported`,
  });
  await t.throwsAsync(run('r.io/x'), {
    instanceOf: PolicyImageError,
    message: 'r.io/x: a tag or a digest is needed',
  });
  await t.throwsAsync(run(`r.io/x@${D}`, `sha256:${'1'.repeat(64)}`), {
    instanceOf: PolicyImageError,
    message: `r.io/x@${D}: the manifest digest is sha256:${'1'.repeat(64)}`,
  });
});
