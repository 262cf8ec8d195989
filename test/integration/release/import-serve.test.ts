/**
 * OpenShift release signatures end to end, against a real static server laid out as
 * mirror.openshift.com (three signatures for one release, a gap, an HTML soft-404, a 403 at
 * index 2), a dead store and an empty one ahead of it, real Redis, both store backends and the
 * daemon's own HTTP server: every signature imported, served byte-identical in the CVO's layout,
 * exported as the CVO's ConfigMap, and verified as the CVO decides. Fixtures: test/fixtures/releases.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { pino } from 'pino';
import { parse } from 'yaml';
import { sweep } from '../../../workers/resync.js';
import { bearer } from '../../helpers/api.js';
import { configMapShape } from '../../helpers/kube-shapes.js';
import { RELEASE_STORE_PATH, startReleaseMirror } from '../../helpers/release-mirror.js';
import { startReleaseStack } from '../../helpers/release-stack.js';
import { tempDir } from '../../helpers/tmp.js';
import { startStaticUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const FIXTURES = new URL('../../fixtures/releases/', import.meta.url).pathname;
const fixture = (name: string) => readFile(path.join(FIXTURES, name));

const A = 'sha256:2352c020dacb945a96cf665e553644f3a3c39341b636a4d9ef1653944fd9de1f';
const B = 'sha256:0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const C = 'sha256:e3f12513a4b22a2d7c0e7c9207f52128113758d9d68c7d06b11a0ac7672966f7';
const D = 'sha256:edd9824f0404f1a139688017e7001370e2f3fbc088b94da84506653b473fe140';
const UNSIGNED = `sha256:${'0'.repeat(63)}1`;
const hexOf = (digest: string) => digest.slice('sha256:'.length);
const dirOf = (digest: string) => `${RELEASE_STORE_PATH}/sha256=${hexOf(digest)}`;

/** Upstream files per release, by upstream index. */
const UPSTREAM: Record<string, Record<number, string>> = {
  [A]: { 1: 'oc-mirror-sig-2352c020.bin', 2: 'fixture-sig-2352c020.bin', 3: 'oc-mirror-sig-f8179233.bin' },
  [B]: { 1: 'ocp-4.15.0-x86_64-sig-0da63164.bin', 3: 'library-go-sig-e3f12513.bin' },
  [C]: { 1: 'library-go-sig-e3f12513.bin' },
  [D]: { 1: 'library-go-sig-edd9824f.bin', 3: 'fixture-sig-edd9824f.bin' },
};
/** What the CVO reads (and so what must be imported, in order): up to the first 404, past a 403. */
const IMPORTED: Record<string, string[]> = {
  [A]: [UPSTREAM[A]![1]!, UPSTREAM[A]![2]!, UPSTREAM[A]![3]!],
  [B]: [UPSTREAM[B]![1]!],
  [C]: [UPSTREAM[C]![1]!],
  [D]: [UPSTREAM[D]![1]!, UPSTREAM[D]![3]!],
};

async function layOutMirror(t: ExecutionContext) {
  const root = await tempDir(t, 'sigmirror-mirror-openshift-');
  for (const [digest, files] of Object.entries(UPSTREAM))
    for (const [n, name] of Object.entries(files)) {
      await mkdir(path.join(root, dirOf(digest)), { recursive: true });
      await copyFile(path.join(FIXTURES, name), path.join(root, dirOf(digest), `signature-${n}`));
    }
  const mirror = await startReleaseMirror(t, root, {
    forbidden: [`${dirOf(D)}/signature-2`],
    softMissing: [`${dirOf(C)}/`],
  });
  const empty = await tempDir(t, 'sigmirror-empty-store-');
  const emptyStore = `${await startStaticUpstream(t, empty)}/official/signatures/openshift/release`;
  return { root, mirror, stores: ['http://127.0.0.1:1/dead/store', emptyStore, mirror.storeUrl] };
}

const post = (base: string, route: string, body: unknown, role: Parameters<typeof bearer>[0]) =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: { ...bearer(role), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function importAll(t: ExecutionContext, base: string, names: string[]) {
  const res = await post(base, '/v1/releases/imports', { digests: names }, 'importer');
  t.is(res.status, 202);
  const { jobs } = (await res.json()) as { jobs: Array<{ digest: string; id: string }> };
  const results: Record<string, Record<string, unknown>> = {};
  for (const job of jobs) {
    const status = await waitFor(
      `import of ${job.digest}`,
      async () => {
        const res = await fetch(`${base}/v1/imports/${encodeURIComponent(job.id)}`);
        const s = (await res.json()) as Record<string, unknown>;
        return s.state === 'completed' || s.state === 'failed' ? s : undefined;
      },
      20_000,
    );
    results[job.digest] = status.state === 'completed' ? (status.result as Record<string, unknown>) : status;
  }
  return results;
}

const releaseUrl = (base: string, digest: string, n: number) =>
  `${base}/release-signatures/sha256=${hexOf(digest)}/signature-${n}`;

for (const backend of ['fs', 'redis'] as const) {
  test(`${backend}: every signature imported, served in the CVO layout, exported and verified as the CVO`, async (t) => {
    t.timeout(90_000);
    const { root, mirror, stores } = await layOutMirror(t);
    const stack = await startReleaseStack(t, { signatureStores: stores, backend });
    const results = await importAll(t, stack.base, [
      A,
      `quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64@${B}`,
      C,
      D,
      UNSIGNED,
    ]);

    // What each import read, and why it stopped (the CVO's rules).
    t.like(results[A], {
      fetched: 3,
      added: [1, 2, 3],
      endedBy: 'not-found',
      skipped: [],
      lookaside: mirror.storeUrl,
    });
    t.like(results[B], { fetched: 1, added: [1], endedBy: 'not-found', skipped: [] });
    t.like(results[C], { fetched: 1, added: [1], endedBy: 'soft-404', skipped: [] });
    t.like(results[D], { fetched: 2, added: [1, 2], endedBy: 'not-found', skipped: [2] });
    // No store had it, but one could not be asked: not "unsigned" yet, so the job fails (and retries).
    t.like(results[UNSIGNED], { state: 'failed', error: 'cannot connect to 127.0.0.1:1 (ECONNREFUSED)' });
    t.regex(
      (results[D]!.warnings as string[])[0]!,
      /HTTP 403 from .*signature-2: passed over, as the CVO does; reading signature-3/,
    );
    t.false(mirror.requests.includes(`${dirOf(B)}/signature-3`), 'a 404 ends the list (the gap)');
    t.false(mirror.requests.includes(`${dirOf(C)}/signature-3`), 'the HTML page ends the list');
    t.true(mirror.requests.includes(`${dirOf(D)}/signature-4`), 'after the 403 the list goes on to the 404');

    await checkServed(t, stack.base);
    if (backend === 'fs') await checkStaticTree(t, stack.storeRoot);
    await checkConfigMaps(t, stack.base);
    await checkVerification(t, stack.base);

    // A signature published later is appended by the periodic resync; nothing else moves.
    await copyFile(
      path.join(FIXTURES, 'library-go-sig-e3f12513.bin'),
      path.join(root, dirOf(A), 'signature-4'),
    );
    const swept = await sweep({
      store: stack.store,
      producer: stack.producer,
      registries: () => stack.registries.current().config,
      spacingMs: 0,
      logger: pino({ level: 'silent' }),
      // A day later: every image is due again.
      intervalMs: 86_400_000,
      now: () => Date.now() + 86_400_000,
    });
    t.is(swept.images, 4); // the four releases known (the failed one never reached the store)
    await waitFor(
      'the resync of A',
      async () =>
        (await stack.store.list({ registry: 'release-signatures', repository: 'release', digest: A }))
          .length === 4,
      20_000,
    );
    const fourth = await fetch(releaseUrl(stack.base, A, 4));
    t.deepEqual(Buffer.from(await fourth.arrayBuffer()), await fixture('library-go-sig-e3f12513.bin'));
  });
}

/** Byte-identical in the CVO layout, a real 404 after the last, the mirror's caching rules. */
async function checkServed(t: ExecutionContext, base: string) {
  for (const [digest, files] of Object.entries(IMPORTED)) {
    for (const [i, name] of files.entries()) {
      const res = await fetch(releaseUrl(base, digest, i + 1));
      t.is(res.status, 200, `${digest} signature-${i + 1}`);
      t.is(res.headers.get('content-type'), 'application/octet-stream');
      t.is(res.headers.get('cache-control'), 'public, max-age=60, must-revalidate');
      t.deepEqual(Buffer.from(await res.arrayBuffer()), await fixture(name), `${digest} signature-${i + 1}`);
      const again = await fetch(releaseUrl(base, digest, i + 1), {
        headers: { 'if-none-match': res.headers.get('etag')! },
      });
      t.is(again.status, 304);
    }
    const missing = await fetch(releaseUrl(base, digest, files.length + 1));
    t.is(missing.status, 404);
    t.is(missing.headers.get('content-type'), 'text/plain; charset=utf-8');
    t.is(missing.headers.get('cache-control'), 'public, max-age=10');
    t.is(await missing.text(), 'signature not found\n');
  }
  const head = await fetch(releaseUrl(base, A, 1), { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-length'), String((await fixture(IMPORTED[A]![0]!)).length));
  t.is((await fetch(releaseUrl(base, A, 1), { method: 'POST' })).status, 405);
  t.is((await fetch(`${base}/release-signatures/sha256=${hexOf(A)}/signature-0`)).status, 404);
  t.is((await fetch(`${base}/release-signatures/sha256:${hexOf(A)}/signature-1`)).status, 404);
  t.is((await fetch(releaseUrl(base, UNSIGNED, 1))).status, 404);
}

/** The fs store's tree, served by any static web server, is the same CVO store. */
async function checkStaticTree(t: ExecutionContext, storeRoot: string) {
  const staticBase = await startStaticUpstream(t, storeRoot);
  for (const [digest, files] of Object.entries(IMPORTED))
    for (const [i, name] of files.entries()) {
      const res = await fetch(`${staticBase}/release-signatures/sha256=${hexOf(digest)}/signature-${i + 1}`);
      t.deepEqual(Buffer.from(await res.arrayBuffer()), await fixture(name));
    }
}

/** ConfigMap keys and bytes equal the upstream files, in a shape the API server accepts. */
async function checkConfigMaps(t: ExecutionContext, base: string) {
  for (const [digest, files] of Object.entries(IMPORTED)) {
    const name = `sha256-${hexOf(digest)}`;
    const json = await fetch(`${base}/v1/releases/${digest}/configmap`);
    t.is(json.status, 200);
    t.is(json.headers.get('content-type'), 'application/json; charset=utf-8');
    const map = configMapShape.parse(await json.json());
    t.deepEqual(map.metadata, {
      name,
      namespace: 'openshift-config-managed',
      labels: { 'release.openshift.io/verification-signatures': '' },
    });
    t.deepEqual(
      Object.keys(map.binaryData),
      files.map((_, i) => `${name}-${i + 1}`),
    );
    for (const [i, file] of files.entries())
      t.deepEqual(Buffer.from(map.binaryData[`${name}-${i + 1}`]!, 'base64'), await fixture(file));
    const yaml = await fetch(`${base}/v1/releases/${digest}/configmap?format=yaml`);
    t.is(yaml.headers.get('content-type'), 'application/yaml; charset=utf-8');
    t.deepEqual(parse(await yaml.text(), { version: '1.1' }), map);
  }
  t.is((await fetch(`${base}/v1/releases/${UNSIGNED.replace('1', '2')}/configmap`)).status, 404);
  t.is((await fetch(`${base}/v1/releases/sha256:abc/configmap`)).status, 400);
}

interface Report {
  verdict: string;
  stage: string | null;
  keyFingerprint: string | null;
}

/** The CVO's decision: a key of the keyring signed the digest; the identity is not looked at. */
async function checkVerification(t: ExecutionContext, base: string) {
  const verify = async (release: string, key: string, save = false) => {
    const res = await post(
      base,
      '/v1/verify',
      { release, publicKeys: [(await fixture(key)).toString()], save },
      save ? 'auditor' : 'reader',
    );
    t.is(res.status, 200);
    return (await res.json()) as { verified: boolean; release: string; signatures: Report[] };
  };
  const verdicts = (r: { signatures: Report[] }) => r.signatures.map((s) => [s.verdict, s.stage]);
  const ocMirror = await verify(A, 'oc-mirror-release-pk.asc', true);
  t.true(ocMirror.verified);
  t.is(ocMirror.release, A);
  t.deepEqual(verdicts(ocMirror), [
    ['trusted', null],
    ['rejected', 'crypto'],
    ['rejected', 'digest'],
  ]);
  t.is(ocMirror.signatures[0]!.keyFingerprint, 'FC358FA834ABE2517DFCC5AEF53FAEFBECBD6FD9');
  t.deepEqual(verdicts(await verify(A, 'fixture-signer.asc')), [
    ['rejected', 'crypto'],
    ['trusted', null],
    ['rejected', 'crypto'],
  ]);
  t.true((await verify(B, 'cluster-update-keys-redhat-release.asc')).verified);
  t.true((await verify(C, 'library-go-keyring-redhat.txt')).verified);
  // The openshift-ci key expired in 2021 after signing: the CVO still accepts (library-go's test data).
  t.deepEqual(verdicts(await verify(D, 'library-go-keyring-simple.txt')), [
    ['trusted', null],
    ['rejected', 'crypto'],
  ]);
  t.false((await verify(B, 'oc-mirror-release-pk.asc')).verified);
  const listed = (await (await fetch(`${base}/v1/releases?status=verified`)).json()) as {
    items: Array<{ release: string; signatures: number }>;
  };
  t.deepEqual(
    listed.items.map((i) => [i.release, i.signatures]),
    [[A, 3]],
  );
}
