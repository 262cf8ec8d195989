/**
 * `sigmirror release import|verify|configmap|list` against the daemon's parts (real Redis, the
 * real worker, a static mirror.openshift.com), and `release.repositories`: importing an image of
 * a release repository imports its release signatures. The ConfigMap files are read back by
 * kubectl itself (`kubectl label --local`, no cluster needed) and checked against the fixtures.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { bearer } from '../../helpers/api.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { configMapShape } from '../../helpers/kube-shapes.js';
import { sh } from '../../helpers/real-clients.js';
import { RELEASE_STORE_PATH, startReleaseMirror } from '../../helpers/release-mirror.js';
import { startReleaseStack } from '../../helpers/release-stack.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { releaseKey } from '../../../src/store/index.js';

const withKubectl = await needs({ redis: true, tools: ['kubectl'] });
const test = await needs({ redis: true });

const FIXTURES = new URL('../../fixtures/releases/', import.meta.url).pathname;
const fixture = (name: string) => readFile(path.join(FIXTURES, name));
const A = 'sha256:2352c020dacb945a96cf665e553644f3a3c39341b636a4d9ef1653944fd9de1f';
const B = 'sha256:0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const SIGNED: Record<string, string[]> = {
  [A]: ['oc-mirror-sig-2352c020.bin', 'fixture-sig-2352c020.bin', 'oc-mirror-sig-f8179233.bin'],
  [B]: ['ocp-4.15.0-x86_64-sig-0da63164.bin'],
};
const hexOf = (digest: string) => digest.slice('sha256:'.length);

async function mirrorOf(t: ExecutionContext) {
  const root = await tempDir(t, 'sigmirror-mirror-openshift-');
  for (const [digest, files] of Object.entries(SIGNED)) {
    const dir = path.join(root, RELEASE_STORE_PATH, `sha256=${hexOf(digest)}`);
    await mkdir(dir, { recursive: true });
    for (const [i, name] of files.entries())
      await copyFile(path.join(FIXTURES, name), path.join(dir, `signature-${i + 1}`));
  }
  return startReleaseMirror(t, root);
}

withKubectl('release import --wait, list, verify --save and configmap files kubectl reads', async (t) => {
  t.timeout(120_000);
  const mirror = await mirrorOf(t);
  const stack = await startReleaseStack(t, { signatureStores: [mirror.storeUrl] });
  const cli = (...args: string[]) => sigmirrorAsync([...args, '--config', stack.configFile]);

  const bad = await cli('release', 'import', 'quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /names no release: give sha256:<64 hex> or <pullspec>@sha256:<64 hex>/);
  const imported = await cli(
    'release',
    'import',
    A,
    `quay.io/openshift-release-dev/ocp-release@${B}`,
    '--wait',
  );
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stdout, new RegExp(`imported release ${A}: 3 upstream, 3 new`));
  t.regex(imported.stdout, new RegExp(`imported release ${B}: 1 upstream, 1 new`));

  const listed = await cli('releases', 'list', '--json');
  t.is(listed.code, 0, listed.stderr);
  const rows = (JSON.parse(listed.stdout) as { items: Array<Record<string, unknown>> }).items;
  t.deepEqual(
    rows.map((r) => [r.release, r.signatures, r.status, r.source]),
    [
      [B, 1, 'unverified', mirror.storeUrl],
      [A, 3, 'unverified', mirror.storeUrl],
    ],
  );

  const verified = await cli(
    'release',
    'verify',
    A,
    '--public-key',
    path.join(FIXTURES, 'oc-mirror-release-pk.asc'),
    '--save',
  );
  t.is(verified.code, 0, verified.stderr);
  t.is(
    verified.stdout,
    [
      'signature-1\ttrusted key FC358FA834ABE2517DFCC5AEF53FAEFBECBD6FD9 (signed for quay.io/oc-mirror/release/test-release-index-multi:v0.0.1)',
      'signature-2\trejected: no trusted public key for key ID 9E6EEA901376F50C',
      `signature-3\trejected key FC358FA834ABE2517DFCC5AEF53FAEFBECBD6FD9: Signature for docker digest "sha256:f81792339c8b5934191d18a53b18bc1d584e01a9f37d59c0aa6905b00200aa1b" does not match`,
      `release ${A} is verified (verdicts saved)`,
      '',
    ].join('\n'),
  );
  const wrongKey = await cli(
    'release',
    'verify',
    B,
    '--public-key',
    path.join(FIXTURES, 'oc-mirror-release-pk.asc'),
  );
  t.is(wrongKey.code, 1);
  t.regex(wrongKey.stdout, new RegExp(`release ${B} is NOT verified`));
  const table = await cli('releases', 'list', '--status', 'verified');
  t.regex(table.stdout, new RegExp(`^RELEASE +SIGNATURES +STATUS +LAST IMPORT +SOURCE\\n${A} +3 +verified `));

  const out = path.join(stack.dir, 'manifests');
  const written = await cli(
    'release',
    'configmap',
    A,
    `quay.io/openshift-release-dev/ocp-release@${B}`,
    '--output-dir',
    out,
  );
  t.is(written.code, 0, written.stderr);
  t.deepEqual((await readdir(out)).sort(), [`sha256-${hexOf(B)}.yaml`, `sha256-${hexOf(A)}.yaml`].sort());
  for (const [digest, files] of Object.entries(SIGNED)) {
    // kubectl reads the file as an API object without a cluster; the result must be the same ConfigMap.
    const read = await sh('kubectl', [
      'label',
      '--local',
      '-f',
      path.join(out, `sha256-${hexOf(digest)}.yaml`),
      'checked=yes',
      '-o',
      'json',
    ]);
    const map = configMapShape.parse(JSON.parse(read));
    t.deepEqual(map.metadata.labels, { 'release.openshift.io/verification-signatures': '', checked: 'yes' });
    for (const [i, name] of files.entries())
      t.deepEqual(
        Buffer.from(map.binaryData[`sha256-${hexOf(digest)}-${i + 1}`]!, 'base64'),
        await fixture(name),
      );
    t.is(Object.keys(map.binaryData).length, files.length);
  }
  const all = await cli('release', 'configmap', '--all', '--output', 'json');
  t.is(all.code, 0, all.stderr);
  const list = JSON.parse(all.stdout) as { apiVersion: string; kind: string; items: unknown[] };
  t.like(list, { apiVersion: 'v1', kind: 'List' });
  t.deepEqual(
    list.items.map((i) => configMapShape.parse(i).metadata.name),
    [`sha256-${hexOf(B)}`, `sha256-${hexOf(A)}`],
  );
  await writeFile(path.join(stack.dir, 'all.json'), all.stdout);
  const names = await sh('kubectl', [
    'label',
    '--local',
    '-f',
    path.join(stack.dir, 'all.json'),
    'x=y',
    '-o',
    'name',
  ]);
  t.is(names, `configmap/sha256-${hexOf(B)}\nconfigmap/sha256-${hexOf(A)}\n`);
  const unknown = await cli('release', 'configmap', `sha256:${'e'.repeat(64)}`);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /release sha256:e{64} is not in the store \(import it first\)/);
  t.is((await cli('release', 'configmap', A, '--all')).code, 2);
});

test('release.repositories: importing a release image imports its release signatures too', async (t) => {
  t.timeout(60_000);
  const mirror = await mirrorOf(t);
  const stack = await startReleaseStack(t, {
    signatureStores: [mirror.storeUrl],
    repositories: ['quay.io/openshift-release-dev/ocp-release'],
  });
  const res = await fetch(`${stack.base}/v1/imports`, {
    method: 'POST',
    headers: { ...bearer('importer'), 'content-type': 'application/json' },
    body: JSON.stringify({
      references: [`quay.io/openshift-release-dev/ocp-release@${B}`, `quay.io/other/app@${A}`],
    }),
  });
  t.is(res.status, 202);
  for (const job of ((await res.json()) as { jobs: Array<{ id: string }> }).jobs)
    await waitFor(
      `image job ${job.id}`,
      async () => {
        const status = (await (
          await fetch(`${stack.base}/v1/imports/${encodeURIComponent(job.id)}`)
        ).json()) as {
          state?: string;
        };
        return status.state === 'completed' || status.state === 'failed';
      },
      20_000,
    );
  await waitFor(
    'the release signatures of B',
    async () => (await stack.store.list(releaseKey(B))).length === 1,
    20_000,
  );
  const served = await fetch(`${stack.base}/release-signatures/sha256=${hexOf(B)}/signature-1`);
  t.deepEqual(Buffer.from(await served.arrayBuffer()), await fixture(SIGNED[B]![0]!));
  // quay.io/other/app is no release repository: its digest is not imported as a release.
  t.deepEqual(await stack.store.list(releaseKey(A)), []);
  t.false(mirror.requests.some((r) => r.includes(hexOf(A))));
});
