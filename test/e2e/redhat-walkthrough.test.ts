/**
 * docs/redhat.md replayed against a stand-in for Red Hat's sigstore on 127.0.0.1 serving a real
 * Red Hat signature (release key 2, v3 packet; oc-mirror's test data): resolve, import --wait,
 * look at what was stored, verify with Red Hat's key, serve. The commands are the page's, with
 * the upstream URL and the digest filled in.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { BUILT_CLI, sigmirrorAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { tempDir, writeTree } from '../helpers/tmp.js';
import { bytesHandler, startUpstream } from '../helpers/upstream.js';
import { readVector, vectorsDir } from '../helpers/vectors.js';
import { waitFor } from '../helpers/wait.js';

const test = await needs({ redis: true });

const REPO = 'albo/aws-load-balancer-operator-bundle';
const DIGEST = 'sha256:50b9402635dd4b312a86bed05dcdbda8c00120d3789ec2e9b527045100b3bdb4';
const IMAGE = `registry.access.redhat.com/${REPO}@${DIGEST}`;
const SIGNATURE = readVector('openshift-oc-mirror/noo-bundle-image/signature-1');
const RELEASE_KEY = path.join(vectorsDir, 'openshift-oc-mirror/keys/custom-ocp-sig-key.asc');

test('the Red Hat walkthrough: resolve, import, inspect, verify with the release key, serve', async (t) => {
  t.timeout(120_000);
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const sigstore = await startUpstream(t);
  sigstore.routes.set(
    `/webassets/docker/content/sigstore/${REPO}@sha256=${DIGEST.slice(7)}/signature-1`,
    bytesHandler(SIGNATURE),
  );
  const lookaside = `${sigstore.base}/webassets/docker/content/sigstore`;
  const port = await freePort();
  await writeTree(dir, {
    'etc/registries.d/redhat.yaml': `docker:\n  registry.access.redhat.com:\n    lookaside: ${lookaside}\n`,
    'etc/sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${dir}/etc/registries.d`,
      `store:\n  path: ${dir}/store`,
      `listen:\n  host: 127.0.0.1\n  port: ${port}`,
      '',
    ].join('\n'),
  });
  const config = `${dir}/etc/sigmirror.yaml`;
  const daemon = spawn(process.execPath, [BUILT_CLI, 'serve', '--config', config], { stdio: 'ignore' });
  t.teardown(() => void daemon.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    '/readyz',
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );

  // 1. Where signatures come from.
  const resolved = await sigmirrorAsync([
    'resolve',
    `registry.access.redhat.com/${REPO}`,
    '--registries-dir',
    `${dir}/etc/registries.d`,
    '--json',
  ]);
  t.is(resolved.code, 0, resolved.stderr);
  t.like(JSON.parse(resolved.stdout), {
    scope: 'registry.access.redhat.com',
    signatureBase: `${lookaside}/${REPO}`,
  });

  // 3. Import.
  const imported = await sigmirrorAsync(['import', '--config', config, '--wait', IMAGE]);
  t.is(imported.code, 0, imported.stderr);
  t.true(imported.stdout.includes(`imported ${IMAGE}: 1 upstream, 1 new`), imported.stdout);

  // 4. Look at what was stored, then verify with Red Hat's release key 2.
  const stored = (await (
    await fetch(`${base}/v1/images/registry.access.redhat.com/${REPO}@${DIGEST}`)
  ).json()) as {
    signatures: { index: number; source: string; parsed: Record<string, unknown> }[];
  };
  t.like(stored.signatures[0], {
    index: 1,
    source: `${lookaside}/${REPO}@sha256=${DIGEST.slice(7)}/signature-1`,
    parsed: {
      keyId: '199E2F91FD431D51',
      untrustedIdentity: `registry.access.redhat.com/${REPO}:0.0.1`,
      untrustedDigest: DIGEST,
      flags: [],
    },
  });
  const verified = await sigmirrorAsync([
    'verify',
    IMAGE,
    '--config',
    config,
    '--expected-identity',
    `registry.access.redhat.com/${REPO}:0.0.1`,
    '--public-key',
    RELEASE_KEY,
    '--save',
  ]);
  t.is(verified.code, 0, verified.stderr);
  t.true(
    verified.stdout.startsWith('signature-1\ttrusted key 567E347AD0044ADE55BA8A5F199E2F91FD431D51 identity'),
    verified.stdout,
  );

  // 5. Serve them.
  const one = await fetch(
    `${base}/sigstore/registry.access.redhat.com/${REPO}@sha256=${DIGEST.slice(7)}/signature-1`,
  );
  t.is(one.status, 200);
  t.true(Buffer.from(await one.arrayBuffer()).equals(Buffer.from(SIGNATURE)));
  t.is(
    (
      await fetch(
        `${base}/sigstore/registry.access.redhat.com/${REPO}@sha256=${DIGEST.slice(7)}/signature-99`,
      )
    ).status,
    404,
  );
  const summary = (await (await fetch(`${base}/v1/images/summary`)).json()) as {
    counts: Record<string, number>;
  };
  t.is(summary.counts.verified, 1);
});
