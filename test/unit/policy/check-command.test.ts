/** `sigmirror policy check` end to end over an fs store of real vector signatures: output and exit codes. */
import path from 'node:path';
import test from 'ava';
import { createFsStore } from '../../../src/store/index.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const D = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const IMAGE = `docker.io/testing/manifest@${D}`;
const KEY = path.join(vectorsDir, 'containers-image/public-key.gpg');
const FPR = '08CD26E446E2E95249B7A405E932F44B23E8DD43';

/** A store holding a payload-corrupt signature (1) and a valid one (2), and a policy file. */
async function setup(t: Parameters<typeof tempDir>[0], policy: string) {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  const image = { registry: 'docker.io', repository: 'testing/manifest', digest: D };
  const files = ['containers-image/dir-img-mixed/signature-1', 'containers-image/dir-img-valid/signature-1'];
  await store.append(
    image,
    files.map((f) => ({ bytes: readVector(f) })),
    { origin: 'import' },
  );
  await store.close();
  await writeTree(dir, { 'policy.json': policy });
  return (...args: string[]) =>
    sigmirrorAsync([
      'policy',
      'check',
      '--policy',
      `${dir}/policy.json`,
      '--store-path',
      `${dir}/store`,
      ...args,
    ]);
}

const SIGNED_BY = { type: 'signedBy', keyType: 'GPGKeys', keyPath: KEY };

test('an allowed image: the section, each requirement and each signature; exit 0', async (t) => {
  const check = await setup(
    t,
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: { docker: { 'docker.io/testing': [SIGNED_BY] } },
    }),
  );
  const r = await check(IMAGE);
  t.is(r.stderr, '');
  t.is(
    r.stdout,
    [
      `image:   docker://${IMAGE}`,
      `digest:  ${D}`,
      'section: transports.docker["docker.io/testing"]',
      '  [0] signedBy: allowed',
      `      keys ${KEY}: ${FPR}`,
      `      signature-1: rejected key ${FPR}: payload is not JSON: Unexpected token 'T'`,
      `      signature-2: accepted key ${FPR} identity testing/manifest:latest`,
      'verdict: allowed',
      '',
    ].join('\n'),
  );
  t.is(r.code, 0);
});

test('a denied image exits 1; --tag evaluates the pull by tag; --json has every field', async (t) => {
  const check = await setup(
    t,
    JSON.stringify({ default: [{ ...SIGNED_BY, signedIdentity: { type: 'matchExact' } }] }),
  );
  const byDigest = await check(IMAGE);
  t.is(byDigest.code, 1);
  t.regex(
    byDigest.stdout,
    /\nverdict: denied: None of the signatures were accepted, reasons: payload is not JSON: Unexpected token 'T'; Signature for identity testing\/manifest:latest is not accepted\n$/,
  );
  const byTag = await check(IMAGE, '--tag', 'latest', '--json');
  t.is(byTag.code, 0);
  const json = JSON.parse(byTag.stdout) as Record<string, unknown>;
  t.like(json, {
    image: 'docker://docker.io/testing/manifest:latest',
    manifestDigest: D,
    section: 'default',
    scope: null,
    allowed: true,
    verdict: 'allowed',
    reason: null,
  });
  t.deepEqual((json.requirements as Array<{ signatures: unknown[] }>)[0]!.signatures[1], {
    index: 2,
    verdict: 'accepted',
    reason: null,
    stage: null,
    keyFingerprint: FPR,
    subkeyFingerprint: null,
    signedReference: 'testing/manifest:latest',
    warnings: [],
  });
});

test('usage errors exit 2: a reference without digest, a bad tag, an invalid policy', async (t) => {
  const check = await setup(t, '{"default": [{"type": "reject"}],\n "transports": {"docker": {"x": []}}}');
  const noDigest = await check('docker.io/testing/manifest:latest');
  t.is(noDigest.code, 2);
  t.is(
    noDigest.stderr,
    'sigmirror: invalid reference "docker.io/testing/manifest:latest": "docker.io/testing/manifest:latest" has no digest: an image is named by registry/repository@sha256:<hex>\n',
  );
  const badTag = await check(IMAGE, '--tag', 'no/tag');
  t.is(badTag.code, 2);
  t.is(badTag.stderr, 'sigmirror: invalid tag "no/tag"\n');
  const invalid = await check(IMAGE);
  t.is(invalid.code, 2);
  t.regex(
    invalid.stderr,
    /^sigmirror: invalid policy:\n.*\/policy\.json:2: transports\.docker\.x: list of verification policy requirements must not be empty\n$/,
  );
  t.is(invalid.stdout, '');
});

test('a store directory that does not exist is a failure, not "no signatures"', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'policy.json': '{"default": [{"type": "insecureAcceptAnything"}]}' });
  const r = await sigmirrorAsync([
    ...['policy', 'check', '--policy', `${dir}/policy.json`],
    ...['--store-path', `${dir}/no-store`, IMAGE],
  ]);
  t.is(r.stderr, `sigmirror: no signature store at ${dir}/no-store\n`);
  t.is(r.code, 1);
});
