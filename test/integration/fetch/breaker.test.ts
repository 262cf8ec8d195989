/**
 * The per-host circuit breaker (src/fetch/breaker.ts) against a real failing upstream: a host
 * that keeps failing is taken offline, its imports wait without spending attempts and without
 * requests, and one probe after the cool-down brings it back.
 */
import test from 'ava';
import { AgentPool, FetchError, HostBreaker, fetchSignatureList } from '../../../src/fetch/index.js';
import { REGISTRY, startPipeline } from '../../helpers/pipeline.js';
import { bytesHandler, startUpstream, type Upstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const redisTest = await needs({ redis: true });

const HEX = '6'.repeat(64);
const sigPath = (repo: string, n: number) => `/${repo}@sha256=${HEX}/signature-${n}`;

function failing(up: Upstream, repo: string): void {
  up.routes.set(sigPath(repo, 1), (_req, res) => res.writeHead(503).end('down'));
}

test('consecutive failures take the host offline; one probe after the cool-down brings it back', async (t) => {
  const up = await startUpstream(t);
  failing(up, 'ns/app');
  const clock = { now: 0 };
  const changes: Array<[string, boolean]> = [];
  const breaker = new HostBreaker({
    failuresToOpen: 3,
    openMs: 10_000,
    now: () => clock.now,
    onChange: (host, offline) => changes.push([host, offline]),
  });
  const agents = new AgentPool([], 2_000);
  t.teardown(() => agents.close());
  const host = new URL(up.base).host;
  const read = () =>
    breaker.run(host, () =>
      fetchSignatureList({ urlFor: (n) => `${up.base}${sigPath('ns/app', n)}`, agents }),
    );
  for (let i = 0; i < 3; i++) await t.throwsAsync(read(), { instanceOf: FetchError, message: /^HTTP 503 / });
  t.is(up.requests.length, 3);
  const offline = await t.throwsAsync(read(), { instanceOf: FetchError });
  t.like(offline, { kind: 'host-offline', retryable: true, retryAfterMs: 10_000 });
  t.is(offline!.message, `${host} is offline after 3 failures in a row; next try in 10 s`);
  t.is(up.requests.length, 3, 'no request while offline');
  t.deepEqual(changes, [[host, true]]);
  clock.now = 10_001;
  up.routes.set(sigPath('ns/app', 1), bytesHandler(readVector('containers-image/image.signature')));
  const r = await read();
  t.is(r.signatures.length, 1, 'the probe went through');
  t.deepEqual(changes, [
    [host, true],
    [host, false],
  ]);
});

test('answers that are not outages (404, a soft-404) never take a host offline', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath('ns/app', 1), bytesHandler(Buffer.from('<html>')));
  const breaker = new HostBreaker({ failuresToOpen: 2 });
  const agents = new AgentPool([], 2_000);
  t.teardown(() => agents.close());
  const host = new URL(up.base).host;
  for (let i = 0; i < 5; i++) {
    const r = await breaker.run(host, () =>
      fetchSignatureList({ urlFor: (n) => `${up.base}${sigPath(i % 2 ? 'ns/app' : 'ns/none', n)}`, agents }),
    );
    t.true(r.endedBy === 'soft-404' || r.endedBy === 'not-found');
  }
  t.is(up.requests.length, 5);
});

redisTest("an offline host's imports wait for the probe without spending their attempts", async (t) => {
  const up = await startUpstream(t);
  const repos = Array.from({ length: 6 }, (_, i) => `ns/app${i}`);
  for (const repo of repos) failing(up, repo);
  const breaker = new HostBreaker({ failuresToOpen: 2, openMs: 1_500 });
  const p = await startPipeline(t, { upstreamBase: up.base, attempts: 1, breaker });
  const first = await Promise.all(
    repos
      .slice(0, 2)
      .map((repo) => p.producer.enqueue({ registry: REGISTRY, repository: repo, digest: `sha256:${HEX}` })),
  );
  for (const { id } of first)
    await waitFor(`${id} to fail`, async () => (await p.producer.status(id))?.state === 'failed');
  const later = await Promise.all(
    repos
      .slice(2)
      .map((repo) => p.producer.enqueue({ registry: REGISTRY, repository: repo, digest: `sha256:${HEX}` })),
  );
  await waitFor('the later jobs to be parked', async () => {
    const states = await Promise.all(later.map(({ id }) => p.producer.status(id)));
    return states.every((s) => s?.state === 'delayed');
  });
  t.is(up.requests.length, 2, 'only the two failures reached the host');
  for (const repo of repos)
    up.routes.set(sigPath(repo, 1), bytesHandler(readVector('containers-image/image.signature')));
  for (const { id } of later) {
    const status = await waitFor(
      `${id} to complete`,
      async () => {
        const s = await p.producer.status(id);
        return s?.state === 'completed' ? s : undefined;
      },
      15_000,
    );
    // attempts: 1 allows one; had the wait spent it, the job would have failed.
    t.is(status.attempts, 1, 'the one attempt is the one that succeeded');
  }
});
