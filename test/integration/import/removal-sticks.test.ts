/**
 * Removals that stick (issue 16 item 5), against a real daemon, real Redis, a real upstream and
 * the real CLI: `signatures remove` renumbers, a conditional GET with the old ETag gets the new
 * bytes at once (max-age 60, must-revalidate; never "immutable"), the next import skips the
 * removed signature (tombstone by content digest, who, when), `images describe` lists it, and
 * `signatures restore` lets the next import bring it back.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { startDaemonProcess } from '../../helpers/daemon.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';
import { startUpstream } from '../../helpers/upstream.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ redis: true });

const REGISTRY = 'registry.example.com';
const DIGEST = `sha256:${createHash('sha256').update('removal-sticks').digest('hex')}`;
const REF = `${REGISTRY}/ns/app@${DIGEST}`;
const SIGS = [1, 2, 3].map((i) => syntheticSignature(`removal-sticks-${i}`));
const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CACHE = 'public, max-age=60, must-revalidate';

test('a removed signature stays removed through imports, is listed, served renumbered and restorable', async (t) => {
  t.timeout(120_000);
  const upstream = await startUpstream(t);
  SIGS.forEach((bytes, i) =>
    upstream.routes.set(`/ns/app@sha256=${DIGEST.slice(7)}/signature-${i + 1}`, (_q, r) =>
      r.writeHead(200).end(bytes),
    ),
  );
  const d = await startDaemonProcess(t, {
    registries: { 'up.yaml': `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream.base}\n` },
    config: 'import: { recheckDelaysMs: [], resyncIntervalMs: 0 }',
  });
  if (!d) return;
  const config = path.join(d.dir, 'sigmirror.yaml');
  const cli = async (...args: string[]) => {
    const r = await sigmirrorAsync([...args, '--config', config]);
    t.is(r.code, 0, r.stderr);
    return r.stdout;
  };
  const imported = async () =>
    (
      JSON.parse(await cli('import', REF, '--wait', '--json')) as {
        jobs: [{ result: Record<string, unknown> }];
      }
    ).jobs[0].result;
  const url = (n: number) => `${d.base}/sigstore/${REGISTRY}/ns/app@sha256=${DIGEST.slice(7)}/signature-${n}`;
  const get = async (n: number, etag?: string) => {
    const r = await fetch(url(n), etag ? { headers: { 'if-none-match': etag } } : {});
    return {
      status: r.status,
      etag: r.headers.get('etag'),
      cache: r.headers.get('cache-control'),
      body: Buffer.from(await r.arrayBuffer()),
    };
  };

  t.like(await imported(), { added: [1, 2, 3], tombstoned: 0 });
  const before = await get(1);
  t.deepEqual([before.status, before.cache, before.body], [200, CACHE, SIGS[0]]);

  const removal = JSON.parse(
    await cli('signatures', 'remove', REF, '--index', '1', '--yes', '--by', 'alice', '--json'),
  );
  t.like(removal, {
    removed: 1,
    indices: [1],
    tombstones: [{ sha256: hex(SIGS[0]!), by: 'alice', index: 1 }],
  });

  // A cache revalidating its copy of signature-1 gets the renumbered bytes, not a 304.
  const after = await get(1, before.etag!);
  t.deepEqual([after.status, after.cache, after.body], [200, CACHE, SIGS[1]]);
  t.is(after.etag, `"sha256:${hex(SIGS[1]!)}"`);
  const same = await get(1, after.etag!);
  t.deepEqual([same.status, same.cache, same.body.length], [304, CACHE, 0]);
  t.is((await get(3)).status, 404);

  // The next import (a resync runs the same import) does not bring it back.
  t.like(await imported(), { fetched: 3, added: [], duplicates: 2, tombstoned: 1 });
  t.deepEqual((await get(2)).body, SIGS[2]);
  t.is((await get(3)).status, 404);

  const described = await cli('images', 'describe', REF);
  t.true(described.includes(`Signatures:\t2\n`), described);
  t.regex(
    described,
    new RegExp(`\\n  sha256:${hex(SIGS[0]!)}\\twas signature-1\\tby alice\\tat \\d{4}-\\d\\d-\\d\\dT`),
  );
  const describedJson = JSON.parse(await cli('images', 'describe', REF, '--json')) as { removed: unknown[] };
  t.like(describedJson.removed, [{ sha256: hex(SIGS[0]!), by: 'alice', index: 1 }]);

  t.is(
    await cli('signatures', 'restore', REF, '--digest', `sha256:${hex(SIGS[0]!)}`),
    `lifted 1 tombstone(s) of ${REF}; the next import may bring them back\n`,
  );
  t.like(await imported(), { added: [3], tombstoned: 0 });
  t.deepEqual((await get(3)).body, SIGS[0]);
  t.false((await cli('images', 'describe', REF)).includes('Removed'));
});

test('signatures restore: exactly one of --digest and --all, digests checked', async (t) => {
  const usage = await sigmirrorAsync(['signatures', 'restore', REF]);
  t.is(usage.code, 2);
  t.is(usage.stderr, 'sigmirror: give exactly one of --digest and --all\n');
  const bad = await sigmirrorAsync(['signatures', 'restore', REF, '--digest', 'sha256:abc']);
  t.is(bad.code, 2);
  t.is(bad.stderr, 'sigmirror: --digest: "sha256:abc" is not sha256:<64 hex>\n');
});
