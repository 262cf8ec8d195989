/**
 * Verification throughput (issue: Verify, sign, policy check): real Red Hat RSA-4096 signatures,
 * v4 (openpgp.js path) and v3 (sigmirror's own path), through the whole verifySignature pipeline,
 * beside `skopeo standalone-verify` run per signature on the same v3 signature in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { expectedIdentityRule, Keyring, manifestDigest, verifySignature } from '../src/signature/index.js';
import type { BenchRow } from './table.js';

/** The vendored vectors (test/fixtures/vectors), from source (bench/) or built (dist/bench/). */
const VECTORS = ['../test/fixtures/vectors/', '../../test/fixtures/vectors/']
  .map((p) => fileURLToPath(new URL(p, import.meta.url)))
  .find((p) => existsSync(p))!;
const GOAL_PER_SECOND = 2000;
const ROUNDS = 3000;
const SKOPEO_ROUNDS = 20;

const KEY = 'openshift-oc-mirror/keys/custom-ocp-sig-key.asc';
const FPR = '567E347AD0044ADE55BA8A5F199E2F91FD431D51';
const V3 = {
  signature: 'openshift-oc-mirror/noo-bundle-image/signature-1',
  manifest: 'openshift-oc-mirror/noo-bundle-image/manifest.json',
  identity: 'registry.access.redhat.com/albo/aws-load-balancer-operator-bundle:0.0.1',
};
const V4 = {
  signature: 'openshift-oc-mirror/e2e-signatures/signature-1',
  digest: 'sha256:0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363',
  identity: 'quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64',
};

const read = (f: string) => readFile(path.join(VECTORS, f));

async function rate(bytes: Uint8Array, rules: Parameters<typeof verifySignature>[1]): Promise<number> {
  for (let i = 0; i < 50; i++) await verifySignature(bytes, rules); // warm up (JIT, key validity cache)
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const v = await verifySignature(bytes, rules);
    if (v.verdict !== 'accepted') throw new Error(`bench signature rejected: ${v.reason}`);
  }
  return ROUNDS / ((performance.now() - start) / 1000);
}

function skopeoRate(): number | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v skopeo && command -v gpg'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const home = execFileSync('mktemp', ['-d']).toString().trim();
  try {
    const env = { ...process.env, GNUPGHOME: home };
    execFileSync('gpg', ['--batch', '--import', path.join(VECTORS, KEY)], { env, stdio: 'ignore' });
    const args = [
      'standalone-verify',
      path.join(VECTORS, V3.manifest),
      V3.identity,
      FPR,
      path.join(VECTORS, V3.signature),
    ];
    execFileSync('skopeo', args, { env, stdio: 'ignore' });
    const start = performance.now();
    for (let i = 0; i < SKOPEO_ROUNDS; i++) execFileSync('skopeo', args, { env, stdio: 'ignore' });
    return SKOPEO_ROUNDS / ((performance.now() - start) / 1000);
  } finally {
    execFileSync('rm', ['-rf', home]);
  }
}

export async function benchVerify(): Promise<BenchRow[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-bench-verify-'));
  try {
    const keyring = await Keyring.read([{ name: KEY, bytes: await read(KEY) }]);
    const v3 = await rate(await read(V3.signature), {
      keyring,
      manifestDigest: manifestDigest(await read(V3.manifest)),
      validateSignedReference: expectedIdentityRule(V3.identity),
    });
    const v4 = await rate(await read(V4.signature), {
      keyring,
      manifestDigest: V4.digest,
      validateSignedReference: expectedIdentityRule(V4.identity),
    });
    const skopeo = skopeoRate();
    const rows: BenchRow[] = [
      {
        name: 'verify RSA-4096 v4 signature',
        value: v4,
        unit: 'sig/s',
        goal: `>= ${GOAL_PER_SECOND}`,
        ok: v4 >= GOAL_PER_SECOND,
      },
      {
        name: 'verify RSA-4096 v3 signature',
        value: v3,
        unit: 'sig/s',
        goal: `>= ${GOAL_PER_SECOND}`,
        ok: v3 >= GOAL_PER_SECOND,
      },
    ];
    if (skopeo !== undefined) {
      rows.push({
        name: 'skopeo standalone-verify (v3, per process)',
        value: skopeo,
        unit: 'sig/s',
        goal: 'baseline',
        ok: true,
      });
      rows.push({
        name: 'verify v3 vs skopeo',
        value: v3 / skopeo,
        unit: 'x',
        goal: '>= 1',
        ok: v3 >= skopeo,
      });
    }
    return rows;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
