/** `POST /v1/verify`: the CLI's verify over HTTP; reading needs reader, saving needs auditor. */
import { readFileSync } from 'node:fs';
import { needs } from '../../helpers/needs.js';
import { bearer, startApi } from '../../helpers/api.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const IMAGE = { registry: 'docker.io', repository: 'testing/manifest', digest: DIGEST };
const REF = `docker.io/testing/manifest@${DIGEST}`;
const KEY_FILE = `${vectorsDir}/containers-image/pubring.gpg`;
const ARMORED_KEY = readFileSync(`${vectorsDir}/openshift-oc-mirror/keys/custom-ocp-sig-key.asc`, 'utf8');

const post = (base: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${base}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function api(t: Parameters<typeof startApi>[0]) {
  const a = await startApi(t, { verify: { keys: { containers: KEY_FILE } } });
  await a.store.append(IMAGE, [{ bytes: readVector('containers-image/dir-img-valid/signature-1') }], {
    origin: 'import',
  });
  return a;
}

test('verify with a configured key; the verdicts come back and nothing is saved', async (t) => {
  const a = await api(t);
  const r = await post(
    a.base,
    { reference: REF, expectedIdentity: 'testing/manifest:latest', keys: ['containers'] },
    bearer('reader'),
  );
  t.is(r.status, 200);
  const body = (await r.json()) as Record<string, unknown>;
  t.like(body, {
    image: REF,
    expectedIdentity: 'testing/manifest:latest',
    verified: true,
    saved: false,
    signatures: [
      { index: 1, verdict: 'trusted', keyFingerprint: '08CD26E446E2E95249B7A405E932F44B23E8DD43' },
    ],
  });
  t.deepEqual((await a.store.list(IMAGE))[0]!.verifications, []);
});

test('save needs the auditor role and appends a record by the token name', async (t) => {
  const a = await api(t);
  const body = {
    reference: REF,
    expectedIdentity: 'testing/manifest:latest',
    keys: ['containers'],
    save: true,
  };
  const denied = await post(a.base, body, bearer('reader'));
  t.is(denied.status, 403);
  t.like(await denied.json(), {
    errors: [{ code: 'DENIED', message: 'saving verdicts needs the auditor role ("reader-bot" lacks it)' }],
  });
  t.is((await post(a.base, body, {})).status, 401);
  const saved = await post(a.base, body, bearer('auditor'));
  t.is(saved.status, 200);
  const [record] = (await a.store.list(IMAGE))[0]!.verifications;
  t.like(record, { by: 'auditor-bot', verdict: 'trusted', expectedIdentity: 'testing/manifest:latest' });
});

test('inline armored keys; a wrong key is a rejected verdict, not an error', async (t) => {
  const a = await api(t);
  const r = await post(
    a.base,
    { reference: REF, expectedIdentity: 'testing/manifest:latest', publicKeys: [ARMORED_KEY] },
    bearer('reader'),
  );
  t.is(r.status, 200);
  t.like(await r.json(), {
    verified: false,
    signatures: [
      { verdict: 'rejected', stage: 'crypto', reason: 'no trusted public key for key ID E932F44B23E8DD43' },
    ],
  });
});

test('bad requests are 400 with the reason', async (t) => {
  const a = await api(t);
  const cases: [unknown, string][] = [
    [
      { reference: REF, expectedIdentity: 'x/y', keys: ['nope'] },
      'unknown key name(s) nope; configured: containers',
    ],
    [
      { reference: 'docker.io/x/y:tag', expectedIdentity: 'x/y', keys: ['containers'] },
      '"docker.io/x/y:tag" has no digest: an image is named by registry/repository@sha256:<hex>',
    ],
    [
      { reference: REF, expectedIdentity: 'x/y', publicKeys: ['not a key'] },
      'cannot read public key file publicKeys[0]: Error during parsing. This message / key probably does not conform to a valid OpenPGP format.',
    ],
  ];
  for (const [body, message] of cases) {
    const r = await post(a.base, body, bearer('reader'));
    t.is(r.status, 400);
    const json = (await r.json()) as { errors: { message: string; detail?: unknown }[] };
    t.is(json.errors[0]!.message, message);
  }
  const both = await post(
    a.base,
    { reference: REF, expectedIdentity: 'x/y', keys: ['containers'], publicKeys: ['k'] },
    bearer('reader'),
  );
  t.is(both.status, 400);
  t.like(await both.json(), {
    errors: [{ detail: 'give exactly one of "keys" (configured key names) and "publicKeys" (armored keys)' }],
  });
});

test('an image the store does not know is 404, as `sigmirror verify` exits 3', async (t) => {
  const a = await api(t);
  const other = `docker.io/testing/manifest@sha256:${'e'.repeat(64)}`;
  const r = await post(
    a.base,
    { reference: other, expectedIdentity: 'testing/manifest', keys: ['containers'] },
    bearer('reader'),
  );
  t.is(r.status, 404);
  t.deepEqual(await r.json(), { errors: [{ code: 'NOT_FOUND', message: `no image ${other} is stored` }] });
});
