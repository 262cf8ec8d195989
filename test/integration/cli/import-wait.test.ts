/**
 * `sigmirror import --wait` always finishes and says why: imported, "no signature found yet" with
 * the scheduled re-check's time, FAILED with the reason, or no worker on that Redis and prefix.
 * Real Redis, the real import worker in this process, a real upstream on 127.0.0.1, the CLI as a
 * separate process. Serial: each test runs a worker and CLI processes; side by side on a busy
 * machine they only starve each other.
 */
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { REGISTRY, startPipeline } from '../../helpers/pipeline.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { bytesHandler, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const HEX = '7'.repeat(64);
const REF = `${REGISTRY}/team/app@sha256:${HEX}`;
const JOB = `import-${HEX}-${REGISTRY.replace(':', '_')}/team/app`;
const sigPath = (n: number) => `/team/app@sha256=${HEX}/signature-${n}`;
const HOUR = 3_600_000;

/** The CLI's config: the same Redis and prefix as the pipeline, the same re-check delays. */
async function cliConfig(
  t: ExecutionContext,
  prefix: string,
  redisUrl = TEST_REDIS_URL,
  delays = [HOUR],
): Promise<string> {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'c.yaml': `redis:\n  url: ${redisUrl}\n  prefix: ${prefix}\nimport:\n  recheckDelaysMs: [${delays.join(', ')}]\n`,
  });
  return path.join(dir, 'c.yaml');
}

async function setup(t: ExecutionContext, delays = [HOUR]) {
  const up = await startUpstream(t);
  const p = await startPipeline(t, { upstreamBase: up.base, recheckDelaysMs: delays, attempts: 1 });
  return { up, p, config: await cliConfig(t, p.prefix, TEST_REDIS_URL, delays) };
}

test.serial('no signature upstream yet: --wait returns 0 and says when the re-check runs', async (t) => {
  const s = await setup(t);
  const before = Date.now();
  const r = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.is(r.code, 0, r.stderr);
  const m = /^no signature found yet for (\S+); next re-check at (\S+)\n$/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.is(m![1], REF);
  const due = Date.parse(m![2]!);
  t.true(due >= before + HOUR && due <= Date.now() + HOUR, m![2]);
  const job = await s.p.producer.status(JOB);
  t.like(job, { state: 'delayed', data: { reason: 'recheck', recheck: 1 }, runAt: due });
});

test.serial('no signature and no re-check left: --wait says the periodic resync looks again', async (t) => {
  const s = await setup(t, []);
  const r = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.is(r.code, 0, r.stderr);
  t.is(
    r.stdout,
    `no signature found yet for ${REF}; no re-check is scheduled (the periodic resync looks again)\n`,
  );
});

test.serial('--json: each job has its outcome, and the re-check time for no-signatures', async (t) => {
  const s = await setup(t);
  const r = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait', '--json']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const [row] = (JSON.parse(r.stdout) as { jobs: Array<Record<string, unknown>> }).jobs;
  t.like(row, { reference: REF, id: JOB, outcome: 'no-signatures', error: null });
  t.regex(String(row!.nextCheckAt), /^\d{4}-\d\d-\d\dT/);
});

test.serial('signatures upstream: imported; an explicit import runs a scheduled re-check now', async (t) => {
  const s = await setup(t);
  const first = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.regex(first.stdout, /^no signature found yet/);
  s.up.routes.set(sigPath(1), bytesHandler(readVector('containers-image/image.signature')));
  s.up.routes.set(sigPath(2), bytesHandler(readVector('containers-image/no-optional-fields.signature')));
  const second = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.is(second.code, 0, second.stderr);
  t.is(
    second.stdout,
    `imported ${REF}: 2 upstream, 2 new (joined a re-check scheduled for later; started it now)\n`,
  );
  t.is(
    (await s.p.store.list({ registry: REGISTRY, repository: 'team/app', digest: `sha256:${HEX}` })).length,
    2,
  );
});

test.serial('an explicit import never waits behind the periodic resync: its jobs start now', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const hexes = ['a', 'b', 'c'].map((c) => c.repeat(64));
  const refs = hexes.map((hex) => `${REGISTRY}/team/app@sha256:${hex}`);
  for (const [n, hex] of hexes.entries()) {
    s.up.routes.set(
      `/team/app@sha256=${hex}/signature-1`,
      bytesHandler(readVector('containers-image/image.signature')),
    );
    // As a sweep spaces one host's images: the last would run in three hours.
    await s.p.producer.enqueue(
      { registry: REGISTRY, repository: 'team/app', digest: `sha256:${hex}`, reason: 'periodic' },
      { delay: (n + 1) * HOUR },
    );
  }
  const started = Date.now();
  const r = await sigmirrorAsync(['import', ...refs, '--config', s.config, '--wait', '--json']);
  t.is(r.code, 0, r.stderr);
  t.true(Date.now() - started < 30_000);
  const rows = (JSON.parse(r.stdout) as { jobs: Array<Record<string, unknown>> }).jobs;
  for (const [i, row] of rows.entries()) {
    t.like(row, {
      reference: refs[i],
      outcome: 'imported',
      joined: { state: 'delayed', reason: 'periodic', promoted: true },
    });
    t.like(await s.p.producer.status(row.id as string), { data: { reason: 'import' } });
  }
  // The lines say so too; a second run joins nothing (the jobs ended) and says nothing.
  const again = await sigmirrorAsync(['import', refs[0]!, '--config', s.config, '--wait']);
  t.is(again.stdout, `imported ${refs[0]}: 1 upstream, 0 new\n`);
  // Without --wait, the queued line says the same.
  const hex = 'e'.repeat(64);
  await s.p.producer.enqueue(
    { registry: REGISTRY, repository: 'team/app', digest: `sha256:${hex}`, reason: 'periodic' },
    { delay: HOUR },
  );
  const queued = await sigmirrorAsync(['import', `${REGISTRY}/team/app@sha256:${hex}`, '--config', s.config]);
  t.is(
    queued.stdout,
    `queued ${REGISTRY}/team/app@sha256:${hex} (job import-${hex}-${REGISTRY.replace(':', '_')}/team/app, ` +
      'joined the periodic resync scheduled for later; started it now)\n',
  );
});

test.serial('a failed import: exit 1 with the reason; with --json the error is JSON too', async (t) => {
  const s = await setup(t);
  s.up.routes.set(sigPath(1), (_req, res) => res.writeHead(403).end());
  const r = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait', '--json']);
  t.is(r.code, 1);
  const [row] = (JSON.parse(r.stdout) as { jobs: Array<Record<string, unknown>> }).jobs;
  t.like(row, { outcome: 'failed', state: 'failed', error: `HTTP 403 from ${s.up.base}${sigPath(1)}` });
  t.is(r.stderr, '{"error":{"code":"IMPORT_FAILED","message":"1 of 1 imports failed"}}\n');
});

test.serial(
  'no worker consumes the queue: --wait says so, naming the Redis (no password) and prefix',
  async (t) => {
    const prefix = await redisPrefix(t);
    const url = new URL(TEST_REDIS_URL);
    if (!url.password) url.password = 's3cret'; // Redis without a password ignores it (ioredis warns)
    const config = await cliConfig(t, prefix, url.href);
    const r = await sigmirrorAsync(['import', REF, '--config', config, '--wait', '--timeout', '600']);
    t.is(r.code, 1);
    t.false(r.stderr.includes(url.password), r.stderr);
    const shown = url.href.replace(`:${url.password}@`, ':***@');
    t.true(
      r.stderr.endsWith(
        `sigmirror: no worker consumes the import queue at ${shown} (prefix ${prefix}): the jobs are queued, ` +
          'but nothing runs them. Start `sigmirror serve` (or `sigmirror worker`) with the same redis.url ' +
          'and redis.prefix, or give --config the daemon config\n',
      ),
      r.stderr,
    );
    const json = await sigmirrorAsync(['import', REF, '--config', config, '--wait', '--json']);
    t.is(json.code, 1);
    t.like(JSON.parse(json.stderr.trim().split('\n').pop()!), { error: { code: 'NO_WORKER' } });
  },
);
