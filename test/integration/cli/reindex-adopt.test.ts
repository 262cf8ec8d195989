/**
 * A lookaside tree copied into the fs store by hand (from another mirror) has no metadata: the
 * mirror serves it, but listings, verify and the console knew nothing of it until
 * `sigmirror images reindex` adopted it with the claims an import records.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const REF = `docker.io/testing/manifest@${DIGEST}`;

test('images reindex adopts a hand-copied tree: listed, described with its claims, verifiable', async (t) => {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  await writeTree(dir, {
    'c.yaml': `store:\n  path: ${dir}/store\nredis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}\n`,
  });
  const config = path.join(dir, 'c.yaml');
  const copied = path.join(dir, 'store/docker.io/testing/manifest@sha256=' + DIGEST.slice(7));
  await mkdir(copied, { recursive: true });
  await writeFile(path.join(copied, 'signature-1'), readVector('containers-image/dir-img-valid/signature-1'));

  const reindexed = await sigmirrorAsync(['images', 'reindex', '--config', config]);
  t.is(reindexed.code, 0, reindexed.stderr);
  t.is(reindexed.stdout, 'adopted 1 signature(s) of 1 image(s) that had no metadata\nindexed 1 image(s)\n');
  const listed = await sigmirrorAsync(['images', 'list', '--json', '--config', config]);
  t.like(JSON.parse(listed.stdout), { items: [{ reference: REF, signatures: 1, status: 'unverified' }] });
  const described = await sigmirrorAsync(['images', 'describe', REF, '--config', config]);
  t.is(described.code, 0, described.stderr);
  t.true(described.stdout.includes('  Source:\t<adopted by reindex>\n'), described.stdout);
  t.true(described.stdout.includes('    Identity:\ttesting/manifest:latest\n'), described.stdout);
  t.true(described.stdout.includes('    Key ID:\tE932F44B23E8DD43\n'), described.stdout);
  const verified = await sigmirrorAsync([
    'verify',
    REF,
    '--expected-identity',
    'testing/manifest:latest',
    '--public-key',
    `${vectorsDir}/containers-image/pubring.gpg`,
    '--config',
    config,
  ]);
  t.is(verified.code, 0, verified.stderr);
  const again = await sigmirrorAsync(['images', 'reindex', '--json', '--config', config]);
  t.deepEqual(JSON.parse(again.stdout), { indexed: 1, adopted: { images: 0, signatures: 0, skipped: [] } });
});
