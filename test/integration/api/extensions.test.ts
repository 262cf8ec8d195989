import { needs } from '../../helpers/needs.js';
import { bearer, startApi } from '../../helpers/api.js';
import { rawRequest } from '../../helpers/http.js';
import { readVector } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55'; // what image.signature signs
const PATH = `/extensions/v2/registry.example.com/testing/manifest/signatures/${DIGEST}`;
const SIG = readVector('containers-image/image.signature');
const SIG_B = readVector('containers-image/no-optional-fields.signature');
const ID = 'a'.repeat(32);
const body = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    schemaVersion: 2,
    name: `${DIGEST}@${ID}`,
    type: 'atomic',
    content: Buffer.from(SIG).toString('base64'),
    ...overrides,
  });
const put = (base: string, b: string, headers: Record<string, string> = bearer('signer'), path = PATH) =>
  fetch(`${base}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: b,
  });

test('an image without signatures lists [] (never 404: containers/image aborts on it)', async (t) => {
  const api = await startApi(t);
  const r = await fetch(`${api.base}${PATH}`);
  t.is(r.status, 200);
  t.is(r.headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(await r.json(), { signatures: [] });
});

test('PUT stores the next signature-N: listed by GET and served by the mirror', async (t) => {
  const api = await startApi(t);
  const r = await put(api.base, body());
  t.is(r.status, 201, await r.clone().text());
  t.is(r.headers.get('location'), PATH);
  t.is(await r.text(), '');
  const second = await put(
    api.base,
    body({
      name: `${DIGEST}@${'b'.repeat(32)}`,
      content: Buffer.from(SIG_B).toString('base64'),
      version: 2,
      schemaVersion: undefined,
      type: 'AtomicImageV1',
    }),
  );
  t.is(second.status, 201);
  t.deepEqual(await (await fetch(`${api.base}${PATH}`)).json(), {
    signatures: [
      {
        schemaVersion: 2,
        name: `${DIGEST}@${ID}`,
        type: 'atomic',
        content: Buffer.from(SIG).toString('base64'),
      },
      {
        schemaVersion: 2,
        name: `${DIGEST}@${'b'.repeat(32)}`,
        type: 'atomic',
        content: Buffer.from(SIG_B).toString('base64'),
      },
    ],
  });
  const mirrored = await fetch(
    `${api.base}/sigstore/registry.example.com/testing/manifest@${DIGEST.replace(':', '=')}/signature-2`,
  );
  t.true(Buffer.from(await mirrored.arrayBuffer()).equals(Buffer.from(SIG_B)));
  const list = await api.store.list({
    registry: 'registry.example.com',
    repository: 'testing/manifest',
    digest: DIGEST,
  });
  t.like(list[0], { origin: 'upload', by: 'signer-bot', name: `${DIGEST}@${ID}` });
});

test('duplicates by name or by content are 409 SIGNATURE_EXISTS', async (t) => {
  const api = await startApi(t);
  t.is((await put(api.base, body())).status, 201);
  const sameName = await put(api.base, body({ content: Buffer.from(SIG_B).toString('base64') }));
  t.is(sameName.status, 409);
  t.like(((await sameName.json()) as { errors: unknown[] }).errors[0], { code: 'SIGNATURE_EXISTS' });
  const sameBytes = await put(api.base, body({ name: `${DIGEST}@${'c'.repeat(32)}` }));
  t.is(sameBytes.status, 409);
  t.is(
    (
      await api.store.list({
        registry: 'registry.example.com',
        repository: 'testing/manifest',
        digest: DIGEST,
      })
    ).length,
    1,
  );
});

const invalid: Array<[string, string, string]> = [
  ['not JSON', '{', 'body is not valid JSON'],
  ['wrong version', body({ schemaVersion: 1 }), 'schemaVersion must be 2'],
  ['unknown key', body({ extra: 1 }), 'body: Unrecognized key: "extra"'],
  ['unknown type', body({ type: 'cosign' }), 'type must be "atomic", not "cosign"'],
  [
    'name of another digest',
    body({ name: `sha256:${'0'.repeat(64)}@${ID}` }),
    'name must be <digest>@<id> with the digest of the URL',
  ],
  ['short id', body({ name: `${DIGEST}@abc` }), 'the id in name must be 32 characters of [A-Za-z0-9]'],
  ['bad base64', body({ content: 'not base64!' }), 'content is not standard padded base64'],
  [
    'not OpenPGP',
    body({ content: Buffer.from('<html>').toString('base64') }),
    'content is not a simple-signing OpenPGP message: not an OpenPGP message (starts with 0x3c)',
  ],
  [
    'payload for another image',
    body({
      content: Buffer.from(
        readVector(
          `openshift-library-go/signatures/sha256=${'e3f12513a4b22a2d7c0e7c9207f52128113758d9d68c7d06b11a0ac7672966f7'}/signature-1`,
        ),
      ).toString('base64'),
    }),
    `the signature is for sha256:e3f12513a4b22a2d7c0e7c9207f52128113758d9d68c7d06b11a0ac7672966f7, not ${DIGEST}`,
  ],
];
for (const [name, b, detail] of invalid) {
  test(`PUT rejected before any write: ${name}`, async (t) => {
    const api = await startApi(t);
    const r = await put(api.base, b);
    t.is(r.status, 400);
    const error = ((await r.json()) as { errors: Array<{ code: string; detail: unknown }> }).errors[0]!;
    t.is(error.code, 'SIGNATURE_INVALID');
    t.is(error.detail, detail);
    t.deepEqual(await (await fetch(`${api.base}${PATH}`)).json(), { signatures: [] });
  });
}

test('auth, names, digests and size limits', async (t) => {
  const api = await startApi(t, { api: { defaultRegistry: 'registry.example.com', maxBodyBytes: 2048 } });
  t.is((await put(api.base, body(), {})).status, 401);
  t.is((await put(api.base, body(), bearer('reader'))).status, 403);
  const big = await put(api.base, JSON.stringify({ content: 'A'.repeat(4096) }));
  t.is(big.status, 413);
  t.like(((await big.json()) as { errors: unknown[] }).errors[0], { code: 'SIZE_INVALID' });
  for (const traversal of ['ns/../etc', 'ns/%2e%2e/etc', 'ns%2f..%2fetc', 'ns//app', 'ns/app%00']) {
    const bad = await rawRequest(api.base, `/extensions/v2/${traversal}/signatures/${DIGEST}`);
    t.is(bad.status, 400, traversal);
    t.like((JSON.parse(bad.body) as { errors: unknown[] }).errors[0], { code: 'NAME_INVALID' });
  }
  const badDigest = await fetch(`${api.base}/extensions/v2/ns/app/signatures/sha256:abc`);
  t.is(badDigest.status, 400);
  t.like(((await badDigest.json()) as { errors: unknown[] }).errors[0], { code: 'DIGEST_INVALID' });
  // Without a host the default registry applies: the same image as with it.
  t.is(
    (await put(api.base, body(), bearer('signer'), `/extensions/v2/testing/manifest/signatures/${DIGEST}`))
      .status,
    201,
  );
  t.is(
    ((await (await fetch(`${api.base}${PATH}`)).json()) as { signatures: unknown[] }).signatures.length,
    1,
  );
});

test('a daemon without tokens tells whoever presents one how to configure them', async (t) => {
  const api = await startApi(t, { auth: { anonymousRead: true } });
  const r = await fetch(`${api.base}${PATH}`, {
    method: 'PUT',
    headers: { authorization: 'Bearer anything' },
  });
  t.is(r.status, 401);
  t.deepEqual(await r.json(), {
    errors: [
      {
        code: 'UNAUTHORIZED',
        message:
          'no API tokens are configured (auth.tokensFile is unset or lists none): create one with `sigmirror token create --name <you> --role admin`, add its entry to a tokens file and set auth.tokensFile',
      },
    ],
  });
});
