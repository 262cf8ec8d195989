/**
 * Defects 6 and 7 of the hostile-input issue: the signatures API's caps (signatures per image,
 * bytes per signature) and name uniqueness under concurrency. Each failed on 582dc85.
 */
import { needs } from '../../helpers/needs.js';
import { MAX_SIGNATURES_PER_IMAGE, MAX_SIGNATURE_BYTES } from '../../../src/limits.js';
import { bearer, startApi } from '../../helpers/api.js';
import { syntheticSimpleSigning } from '../../helpers/synthetic-signature.js';

const test = await needs({ redis: true });

const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: DIGEST };
const PATH = `/extensions/v2/registry.example.com/ns/app/signatures/${DIGEST}`;
const signature = (label: string, padding = 0) =>
  syntheticSimpleSigning(DIGEST, 'registry.example.com/ns/app:1', label, padding);
const id = (n: number) => n.toString(36).padStart(32, '0');

function put(base: string, bytes: Buffer, name = `${DIGEST}@${id(0)}`) {
  return fetch(`${base}${PATH}`, {
    method: 'PUT',
    headers: { ...bearer('signer'), 'content-type': 'application/json' },
    body: JSON.stringify({ schemaVersion: 2, name, type: 'atomic', content: bytes.toString('base64') }),
  });
}

test(`defect 6: an image takes at most ${MAX_SIGNATURES_PER_IMAGE} signatures; the next PUT is a 409 that writes nothing`, async (t) => {
  t.timeout(120_000);
  const api = await startApi(t);
  for (let n = 1; n <= MAX_SIGNATURES_PER_IMAGE; n++) {
    const r = await put(api.base, signature(`s${n}`), `${DIGEST}@${id(n)}`);
    if (r.status !== 201) return t.fail(`PUT ${n}: ${r.status} ${await r.text()}`);
  }
  const over = await put(api.base, signature('one too many'), `${DIGEST}@${id(999)}`);
  t.is(over.status, 409);
  t.deepEqual(await over.json(), {
    errors: [
      {
        code: 'SIGNATURE_LIMIT',
        message: `the image has ${MAX_SIGNATURES_PER_IMAGE} signatures; at most ${MAX_SIGNATURES_PER_IMAGE} are kept per image (hosts fail a pull that reads more)`,
      },
    ],
  });
  t.is((await api.store.list(IMAGE)).length, MAX_SIGNATURES_PER_IMAGE);
  const mirror = (n: number) =>
    fetch(`${api.base}/sigstore/registry.example.com/ns/app@sha256=${'c'.repeat(64)}/signature-${n}`);
  t.is((await mirror(MAX_SIGNATURES_PER_IMAGE)).status, 200);
  t.is((await mirror(MAX_SIGNATURES_PER_IMAGE + 1)).status, 404);
});

test('defect 6: a 3.6 MB signature is stored and served byte-exact; one byte over 4 MiB decoded is a 413', async (t) => {
  const api = await startApi(t);
  const big = signature('big', 3_600_000);
  const r = await put(api.base, big);
  t.is(r.status, 201, await r.text());
  const served = await fetch(
    `${api.base}/sigstore/registry.example.com/ns/app@sha256=${'c'.repeat(64)}/signature-1`,
  );
  t.true(Buffer.from(await served.arrayBuffer()).equals(big));
  const [entry] = await api.store.list(IMAGE);
  t.like(entry!.parsed, { untrustedDigest: DIGEST, untrustedIdentity: 'registry.example.com/ns/app:1' });
  // Both sizes use five-octet packet lengths, so the size grows exactly with the padding.
  const probe = signature('over', 10_000);
  const over = signature('over', 10_000 + MAX_SIGNATURE_BYTES + 1 - probe.length);
  t.is(over.length, MAX_SIGNATURE_BYTES + 1);
  const tooBig = await put(api.base, over, `${DIGEST}@${id(2)}`);
  t.is(tooBig.status, 413);
  t.deepEqual(await tooBig.json(), {
    errors: [{ code: 'SIZE_INVALID', message: `the signature is larger than ${MAX_SIGNATURE_BYTES} bytes` }],
  });
  t.is((await api.store.list(IMAGE)).length, 1);
});

test('defect 7: ten concurrent PUTs of one name store exactly one signature', async (t) => {
  const api = await startApi(t);
  const name = `${DIGEST}@${id(7)}`;
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, n) => put(api.base, signature(`racer ${n}`), name)),
  );
  const statuses = answers.map((r) => r.status).sort();
  t.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  for (const r of answers.filter((a) => a.status === 409))
    t.deepEqual(await r.json(), {
      errors: [{ code: 'SIGNATURE_EXISTS', message: `a signature named ${name} exists` }],
    });
  const entries = await api.store.list(IMAGE);
  t.deepEqual(
    entries.map((e) => e.name),
    [name],
  );
});
