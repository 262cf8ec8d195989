/**
 * Two masters sharing one Redis with `store.backend: redis` (issue: reliability and multi-master
 * HA): imports processed by either are served byte-identically by both; SIGKILLing one in the
 * middle of an import loses nothing (the other takes over its stalled jobs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { tokenHash } from '../../../src/auth/index.js';
import { BUILT_CLI } from '../../helpers/cli.js';
import { freePort } from '../../helpers/ports.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { startUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';

const test = await needs({ redis: true });

const REGISTRY = 'registry.example.com';
/** Upstream answers this slowly, so an import is still running when a master dies. */
const UPSTREAM_DELAY_MS = 40;
const digest = (n: number) => `sha256:${createHash('sha256').update(`image-${n}`).digest('hex')}`;
/** Two signatures per image, distinct bytes (a binary OpenPGP packet header, then text). */
const signature = (n: number, i: number) => syntheticSignature(`image-${n}-signature-${i}`);

interface Master {
  readonly base: string;
  child: ChildProcess;
  start(): Promise<void>;
}

async function master(
  t: ExecutionContext,
  dir: string,
  name: string,
  prefix: string,
  upstream: string,
): Promise<Master> {
  const port = await freePort();
  await writeTree(dir, {
    [`${name}/rd/upstream.yaml`]: `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream}\n`,
    [`${name}/tokens.yaml`]: `tokens:\n  - name: ci\n    sha256: ${tokenHash('import-token')}\n    roles: [importer]\n`,
    [`${name}/sigmirror.yaml`]: [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${dir}/${name}/rd`,
      `store:\n  backend: redis\n  path: ${dir}/${name}/unused`,
      `listen:\n  host: 127.0.0.1\n  port: ${port}`,
      `auth:\n  tokensFile: ${dir}/${name}/tokens.yaml`,
      `import:\n  concurrency: 2\n  lockDurationMs: 1500\n  recheckDelaysMs: []\n  resyncIntervalMs: 0`,
      'log:\n  level: warn',
      '',
    ].join('\n'),
  });
  const m: Master = {
    base: `http://127.0.0.1:${port}`,
    child: undefined as unknown as ChildProcess,
    async start() {
      m.child = spawn(process.execPath, [BUILT_CLI, 'serve', '--config', `${dir}/${name}/sigmirror.yaml`], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const child = m.child;
      t.teardown(() => void child.kill('SIGKILL'));
      await waitFor(
        `${name} ready`,
        () =>
          fetch(`${m.base}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
      );
    },
  };
  await m.start();
  return m;
}

const mirrorUrl = (base: string, n: number, i: number) =>
  `${base}/sigstore/${REGISTRY}/ns/app${n}@sha256=${digest(n).slice(7)}/signature-${i}`;

/** Every image's signature-1..3 as one master serves them: bytes (or the status when not 200). */
async function served(base: string, images: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of images)
    for (const i of [1, 2, 3]) {
      const r = await fetch(mirrorUrl(base, n, i));
      out.push(r.status === 200 ? Buffer.from(await r.arrayBuffer()).toString('latin1') : `HTTP ${r.status}`);
    }
  return out;
}

const expected = (images: number[]) =>
  images.flatMap((n) => [signature(n, 1).toString('latin1'), signature(n, 2).toString('latin1'), 'HTTP 404']);

async function importAll(base: string, images: number[]): Promise<void> {
  for (let start = 0; start < images.length; start += 500) {
    const r = await fetch(`${base}/v1/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer import-token' },
      body: JSON.stringify({
        references: images.slice(start, start + 500).map((n) => `${REGISTRY}/ns/app${n}@${digest(n)}`),
      }),
    });
    if (r.status !== 202) throw new Error(`import answered ${r.status}: ${await r.text()}`);
  }
}

test('two masters on one Redis serve the same signatures; killing one mid-import loses nothing', async (t) => {
  t.timeout(180_000);
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const upstream = await startUpstream(t);
  const all = Array.from({ length: 160 }, (_, n) => n);
  for (const n of all)
    for (const i of [1, 2])
      upstream.routes.set(`/ns/app${n}@sha256=${digest(n).slice(7)}/signature-${i}`, (_req, res) => {
        setTimeout(() => res.writeHead(200).end(signature(n, i)), UPSTREAM_DELAY_MS);
      });
  const a = await master(t, dir, 'a', prefix, upstream.base);
  const b = await master(t, dir, 'b', prefix, upstream.base);

  // Imports through A, served by both.
  const first = all.slice(0, 20);
  await importAll(a.base, first);
  await waitFor(
    'first imports',
    async () => (await served(b.base, first.slice(-1)))[0] !== 'HTTP 404',
    60_000,
  );
  await waitFor(
    'first imports complete',
    async () => JSON.stringify(await served(b.base, first)) === JSON.stringify(expected(first)),
    60_000,
  );
  t.deepEqual(await served(a.base, first), expected(first));
  t.deepEqual(await served(b.base, first), expected(first));

  // A dies in the middle of the next import; B finishes everything, nothing lost or duplicated.
  const rest = all.slice(20);
  await importAll(a.base, rest);
  await waitFor(
    'import under way',
    async () => (await served(b.base, rest.slice(0, 5))).some((s) => !s.startsWith('HTTP')),
    30_000,
  );
  a.child.kill('SIGKILL');
  await waitFor(
    'B completes every import',
    async () => JSON.stringify(await served(b.base, rest)) === JSON.stringify(expected(rest)),
    120_000,
  );
  await a.start();
  t.deepEqual(await served(a.base, all), expected(all), 'the restarted master serves the same');
  const summary = (await (await fetch(`${b.base}/v1/images/summary`)).json()) as {
    total: number;
    counts: Record<string, number>;
  };
  t.deepEqual(summary, { counts: { verified: 0, failed: 0, unverified: 160, unsigned: 0 }, total: 160 });
});
