import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { jobIdFor } from '../../../src/queue/index.js';
import { REGISTRY, startPipeline } from '../../helpers/pipeline.js';
import { bytesHandler, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const HEX = '9'.repeat(64);
const IMAGE = { registry: REGISTRY, repository: 'ns/app', digest: `sha256:${HEX}` };
const SIG1 = readVector('containers-image/image.signature');
const SIG2 = readVector('containers-image/no-optional-fields.signature');
const SIG3 = readVector('containers-image/dir-img-valid-2/signature-2');
const sigPath = (n: number) => `/ns/app@sha256=${HEX}/signature-${n}`;

async function finished(
  p: NonNullable<Awaited<ReturnType<typeof startPipeline>>>,
  id: string,
  timeoutMs = 10_000,
) {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const s = await p.producer.status(id);
      return s && (s.state === 'completed' || s.state === 'failed') ? s : undefined;
    },
    timeoutMs,
  );
}

test('an import stores every signature byte-exact with provenance, in upstream order', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  up.routes.set(sigPath(2), bytesHandler(SIG2));
  const p = await startPipeline(t, { upstreamBase: up.base });
  const { id } = await p.producer.enqueue(IMAGE);
  t.is(id, jobIdFor(IMAGE));
  const status = await finished(p, id);
  t.is(status.state, 'completed', status.error);
  t.like(status.result, {
    scope: REGISTRY,
    lookaside: up.base,
    fetched: 2,
    added: [1, 2],
    duplicates: 0,
    endedBy: 'not-found',
  });
  const dir = path.join(p.dir, 'store', REGISTRY, `ns/app@sha256=${HEX}`);
  t.deepEqual((await readdir(dir)).sort(), ['signature-1', 'signature-2']);
  t.true((await readFile(path.join(dir, 'signature-1'))).equals(Buffer.from(SIG1)));
  t.true((await readFile(path.join(dir, 'signature-2'))).equals(Buffer.from(SIG2)));
  const list = await p.store.list(IMAGE);
  t.deepEqual(
    list.map((e) => [e.index, e.source, e.origin, e.by]),
    [
      [1, `${up.base}${sigPath(1)}`, 'import', 'import-worker'],
      [2, `${up.base}${sigPath(2)}`, 'import', 'import-worker'],
    ],
  );
});

test('a resync merges: only new signatures are appended, indices never move', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  const p = await startPipeline(t, { upstreamBase: up.base });
  await finished(p, (await p.producer.enqueue(IMAGE)).id);
  up.routes.set(sigPath(2), bytesHandler(SIG2));
  up.routes.set(sigPath(3), bytesHandler(SIG3));
  const again = await p.producer.enqueue({ ...IMAGE, reason: 'resync' });
  t.false(again.deduplicated);
  const status = await finished(p, again.id);
  t.like(status.result, { fetched: 3, added: [2, 3], duplicates: 1 });
  t.deepEqual(
    (await p.store.list(IMAGE)).map((e) => e.size),
    [SIG1.length, SIG2.length, SIG3.length],
  );
});

test('500 then success: the job is retried and completes', async (t) => {
  const up = await startUpstream(t);
  let calls = 0;
  up.routes.set(sigPath(1), (req, res) =>
    ++calls === 1 ? res.writeHead(500).end() : bytesHandler(SIG1)(req, res),
  );
  const p = await startPipeline(t, { upstreamBase: up.base });
  const status = await finished(p, (await p.producer.enqueue(IMAGE)).id);
  t.is(status.state, 'completed');
  t.is(status.attempts, 2);
  t.is((await p.store.list(IMAGE)).length, 1);
  t.regex(await p.metrics.registry.metrics(), /sigmirror_fetch_events_total\{kind="http-status"\} 1/);
});

test('a non-retryable error (403) fails the job at once and stores nothing', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(403).end());
  const p = await startPipeline(t, { upstreamBase: up.base });
  const status = await finished(p, (await p.producer.enqueue(IMAGE)).id);
  t.is(status.state, 'failed');
  t.is(status.attempts, 1);
  t.is(status.error, `HTTP 403 from ${up.base}${sigPath(1)}`);
  t.deepEqual(await p.store.list(IMAGE), []);
});

test('403 is the end of the list for hosts configured so', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  up.routes.set(sigPath(2), (_req, res) => res.writeHead(403).end());
  const p = await startPipeline(t, { upstreamBase: up.base, treat403AsMissing: [new URL(up.base).host] });
  const status = await finished(p, (await p.producer.enqueue(IMAGE)).id);
  t.like(status.result, { fetched: 1, endedBy: 'forbidden-as-missing' });
});

test('an HTML soft-404 never reaches the store', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  up.routes.set(sigPath(2), bytesHandler(Buffer.from('<!DOCTYPE html><p>not found</p>')));
  const p = await startPipeline(t, { upstreamBase: up.base });
  const status = await finished(p, (await p.producer.enqueue(IMAGE)).id);
  t.like(status.result, { fetched: 1, endedBy: 'soft-404' });
  t.is((await p.store.list(IMAGE)).length, 1);
});

test('an image imported without signatures is re-checked and picks them up later', async (t) => {
  const up = await startUpstream(t);
  const p = await startPipeline(t, { upstreamBase: up.base, recheckDelaysMs: [500, 500, 500] });
  await p.producer.enqueue(IMAGE);
  await waitFor('the first import to look', () => up.requests.includes(sigPath(1)));
  t.is((await p.store.list(IMAGE)).length, 0);
  up.routes.set(sigPath(1), bytesHandler(SIG1)); // skopeo writes signatures after the manifest
  await waitFor(
    'the re-check to import the signature',
    async () => (await p.store.list(IMAGE)).length === 1,
    10_000,
  );
  const status = await finished(p, jobIdFor(IMAGE));
  t.like(status.data, { reason: 'recheck', recheck: 1 });
});

test('a burst of notifications for one image is one job', async (t) => {
  const up = await startUpstream(t);
  let answer!: () => void;
  const burstDone = new Promise<void>((r) => (answer = r));
  // The upstream answers only after the burst: the job is pending or running throughout it.
  up.routes.set(sigPath(1), (req, res) => void burstDone.then(() => bytesHandler(SIG1)(req, res)));
  const p = await startPipeline(t, { upstreamBase: up.base });
  const results = await Promise.all(Array.from({ length: 10 }, () => p.producer.enqueue(IMAGE)));
  answer();
  t.is(results.filter((r) => !r.deduplicated).length, 1);
  await finished(p, jobIdFor(IMAGE));
  t.is(up.requests.filter((r) => r === sigPath(1)).length, 1);
});
