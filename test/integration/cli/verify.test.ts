/**
 * `sigmirror verify` over the store, `--save` records in the OpenShift shape, and
 * `sigmirror signatures remove`: records are history, signatures are deleted only on request.
 */
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { indexConnection } from '../../../src/redis/index.js';
import { createFsStore, redisImageIndex, type ImageKey } from '../../../src/store/index.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const IMAGE: ImageKey = {
  registry: 'docker.io',
  repository: 'testing/manifest',
  digest: 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55',
};
const REF = `docker.io/testing/manifest@${IMAGE.digest}`;
const KEY = `${vectorsDir}/containers-image/pubring.gpg`;

/** A config whose store holds: signature-1 not JSON (signed), signature-2 valid for :latest. */
/** `sigmirror verify` of the test image against the containers-image keyring. */
const verify = (config: string, identity: string, ...extra: string[]) =>
  sigmirrorAsync([
    'verify',
    REF,
    '--expected-identity',
    identity,
    '--public-key',
    KEY,
    '--config',
    config,
    ...extra,
  ]);

async function setup(t: ExecutionContext) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  await writeTree(dir, {
    'sigmirror.yaml': `store:\n  path: ${dir}/store\nredis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}\n`,
  });
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const store = createFsStore({ root: path.join(dir, 'store'), index: redisImageIndex(redis, prefix) });
  await store.append(
    IMAGE,
    [
      { bytes: readVector('containers-image/invalid-blob.signature') },
      { bytes: readVector('containers-image/dir-img-valid/signature-1') },
    ],
    { origin: 'import' },
  );
  return { config: path.join(dir, 'sigmirror.yaml'), store };
}

test('verify reports every signature and exits 0 when one is trusted', async (t) => {
  const { config } = await setup(t);
  const r = await verify(config, 'testing/manifest:latest');
  t.is(r.code, 0, r.stderr);
  t.is(
    r.stdout,
    [
      "signature-1\trejected (payload) key 08CD26E446E2E95249B7A405E932F44B23E8DD43: payload is not JSON: Unexpected token 'T'",
      `signature-2\ttrusted key 08CD26E446E2E95249B7A405E932F44B23E8DD43 identity testing/manifest:latest digest ${IMAGE.digest}`,
      `${REF} is verified for testing/manifest:latest`,
      '',
    ].join('\n'),
  );
});

test('verify exits 1 when no signature is trusted for the identity', async (t) => {
  const { config } = await setup(t);
  const r = await verify(config, 'testing/manifest:other', '--json');
  t.is(r.code, 1);
  const out = JSON.parse(r.stdout) as {
    verified: boolean;
    saved: boolean;
    signatures: { verdict: string; stage: string; reason: string }[];
  };
  t.false(out.verified);
  t.false(out.saved);
  t.deepEqual(
    out.signatures.map((s) => [s.verdict, s.stage]),
    [
      ['rejected', 'payload'],
      ['rejected', 'identity'],
    ],
  );
  t.is(
    out.signatures[1]!.reason,
    'Docker reference testing/manifest:latest does not match testing/manifest:other',
  );
});

test('verify of an image the store does not know: IMAGE_UNKNOWN, exit 3; a known unsigned one: exit 1', async (t) => {
  const { config, store } = await setup(t);
  const other = `docker.io/testing/manifest@sha256:${'e'.repeat(64)}`;
  const args = [
    'verify',
    other,
    '--expected-identity',
    'testing/manifest',
    '--public-key',
    KEY,
    '--config',
    config,
  ];
  const r = await sigmirrorAsync(args);
  t.is(r.code, 3);
  t.is(r.stdout, '');
  t.is(r.stderr, `sigmirror: no image ${other} is stored: import it first (\`sigmirror import ${other}\`)\n`);
  const json = await sigmirrorAsync([...args, '--json']);
  t.is(json.code, 3);
  t.is(json.stdout, '');
  t.like(JSON.parse(json.stderr), { error: { code: 'IMAGE_UNKNOWN' } });
  await store.append({ ...IMAGE, digest: `sha256:${'e'.repeat(64)}` }, [], { origin: 'import' });
  const unsigned = await sigmirrorAsync(args);
  t.is(unsigned.code, 1);
  t.is(unsigned.stderr, `sigmirror: warning: ${other} has no stored signatures\n`);
  t.is(unsigned.stdout, `${other} is NOT verified for testing/manifest\n`);
});

test('--save appends Trusted/ForImage records; a failed check is recorded, nothing is deleted', async (t) => {
  const { config, store } = await setup(t);
  const ok = await verify(config, 'testing/manifest:latest', '--save');
  t.is(ok.code, 0, ok.stderr);
  t.like((await store.listImages({ limit: 10 })).items[0], { status: 'verified' });
  const bad = await verify(config, 'testing/manifest:other', '--save');
  t.is(bad.code, 1);
  const entries = await store.list(IMAGE);
  t.is(entries.length, 2, 'no signature was deleted');
  t.like((await store.listImages({ limit: 10 })).items[0], { status: 'failed', signatures: 2 });
  const history = entries[1]!.verifications;
  t.is(history.length, 2);
  t.like(history[0], {
    verdict: 'trusted',
    expectedIdentity: 'testing/manifest:latest',
    keyFingerprint: '08CD26E446E2E95249B7A405E932F44B23E8DD43',
    issuedBy: { commonName: 'E932F44B23E8DD43' },
    identity: 'testing/manifest:latest',
  });
  t.regex(history[0]!.by, /^cli:/);
  const [trusted, forImage] = history[0]!.conditions as Record<string, string>[];
  t.like(trusted, { type: 'Trusted', status: 'True', reason: 'manually verified' });
  t.like(forImage, { type: 'ForImage', status: 'True' });
  t.is(trusted!.message, `verified by user "${history[0]!.by}"`);
  t.like(history[1], { verdict: 'rejected', stage: 'identity', expectedIdentity: 'testing/manifest:other' });
  t.like((history[1]!.conditions as unknown[])[0], { type: 'Trusted', status: 'True' });
  t.like((history[1]!.conditions as unknown[])[1], {
    type: 'ForImage',
    status: 'False',
    reason: 'verification failed',
    message: 'Docker reference testing/manifest:latest does not match testing/manifest:other',
  });
  t.like(entries[0]!.verifications[0], {
    verdict: 'rejected',
    stage: 'payload',
    issuedBy: { commonName: 'E932F44B23E8DD43' },
  });
});

test('signatures remove: refuses without confirmation, removes with --yes and renumbers', async (t) => {
  const { config, store } = await setup(t);
  const refused = await sigmirrorAsync(['signatures', 'remove', REF, '--index', '1', '--config', config]);
  t.is(refused.code, 1);
  t.is(refused.stderr, 'sigmirror: not confirmed (stdin is not a terminal: use --yes); nothing removed\n');
  t.is((await store.list(IMAGE)).length, 2);
  const missing = await sigmirrorAsync([
    'signatures',
    'remove',
    REF,
    '--index',
    '7',
    '--yes',
    '--config',
    config,
  ]);
  t.is(missing.code, 2);
  t.is(missing.stderr, `sigmirror: ${REF} has no signature-7\n`);
  const removed = await sigmirrorAsync([
    'signatures',
    'remove',
    REF,
    '--index',
    '1',
    '--yes',
    '--config',
    config,
  ]);
  t.is(removed.code, 0, removed.stderr);
  t.is(removed.stdout, `removed 1 signature(s) of ${REF}\n`);
  const left = await store.list(IMAGE);
  t.deepEqual(
    left.map((e) => e.index),
    [1],
  );
  t.true(
    Buffer.from((await store.read(IMAGE, 1))!).equals(
      readVector('containers-image/dir-img-valid/signature-1'),
    ),
  );
  const usage = await sigmirrorAsync(['signatures', 'remove', REF, '--config', config]);
  t.is(usage.code, 2);
  t.is(usage.stderr, 'sigmirror: give exactly one of --index and --all\n');
});

test('images list, describe and reindex show what the store and its index hold', async (t) => {
  const { config } = await setup(t);
  const list = await sigmirrorAsync(['images', 'list', '--config', config]);
  t.is(list.code, 0, list.stderr);
  t.is(list.stdout.split('\n')[0], `${'IMAGE'.padEnd(REF.length)}  SIGNATURES  STATUS      LAST IMPORT`);
  t.regex(
    list.stdout.split('\n')[1]!,
    new RegExp(`^${REF.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  2           unverified  \\d{4}-`),
  );
  const json = await sigmirrorAsync(['images', 'list', '--status', 'verified', '--json', '--config', config]);
  t.deepEqual(JSON.parse(json.stdout), { items: [] });
  const bad = await sigmirrorAsync(['images', 'list', '--status', 'nope', '--config', config]);
  t.is(bad.code, 2);
  t.is(bad.stderr, 'sigmirror: --status: one of verified, failed, unverified, unsigned\n');
  const saved = await verify(config, 'testing/manifest:latest', '--save');
  t.is(saved.code, 0, saved.stderr);
  const described = await sigmirrorAsync(['images', 'describe', REF, '--config', config]);
  t.is(described.code, 0, described.stderr);
  const text = described.stdout;
  t.true(text.startsWith(`Image:\t\t${REF}\nStatus:\t\tverified\nSignatures:\t2\n`), text);
  t.true(text.includes('signature-2:\n  Size:\t\t'), text);
  t.true(text.includes('  Claims (not verified):\n    Identity:\t<unknown>'), text);
  t.regex(
    text,
    / {2}Verifications \(newest first\):\n {4}\S+\tcli:\S+\ttrusted for testing\/manifest:latest key 08CD26E446E2E95249B7A405E932F44B23E8DD43\n/,
  );
  const unknown = await sigmirrorAsync([
    'images',
    'describe',
    `docker.io/x/y@sha256:${'e'.repeat(64)}`,
    '--config',
    config,
  ]);
  t.is(unknown.code, 3);
  t.is(unknown.stderr, `sigmirror: docker.io/x/y@sha256:${'e'.repeat(64)}: no such image in the store\n`);
  const re = await sigmirrorAsync(['images', 'reindex', '--config', config]);
  t.is(re.code, 0, re.stderr);
  t.is(re.stdout, 'indexed 1 image(s)\n');
});
