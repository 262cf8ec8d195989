/**
 * Real processes: `sigmirror worker` killed with SIGKILL mid-import, a second worker takes the
 * stalled job over, and `sigmirror import --wait` reports it; graceful SIGTERM finishes the job.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { CLI_ARGS, sigmirrorAsync } from '../../helpers/cli.js';
import { REGISTRY } from '../../helpers/pipeline.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { bytesHandler, startUpstream, type Upstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const HEX = '5'.repeat(64);
const REF = `${REGISTRY}/team/app@sha256:${HEX}`;
const SIGS = [
  readVector('containers-image/image.signature'),
  readVector('containers-image/no-optional-fields.signature'),
  readVector('containers-image/dir-img-valid-2/signature-2'),
  readVector('containers-image/subkey.signature'),
];
const sigPath = (n: number) => `/team/app@sha256=${HEX}/signature-${n}`;

/** An upstream whose every answer takes `delayMs`, so a kill lands mid-import. */
async function slowUpstream(t: ExecutionContext, delayMs: number): Promise<Upstream> {
  const up = await startUpstream(t);
  SIGS.forEach((s, i) =>
    up.routes.set(sigPath(i + 1), (req, res) => setTimeout(() => bytesHandler(s)(req, res), delayMs)),
  );
  return up;
}

async function setup(t: ExecutionContext, upstream: string, extraConfig = '') {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  await writeTree(dir, {
    'rd/up.yaml': `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream}\n`,
    'sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${dir}/rd`,
      `store:\n  path: ${dir}/store`,
      `import:\n  lockDurationMs: 1500\n  recheckDelaysMs: []\n  resyncIntervalMs: 0`,
      `log:\n  level: info`,
      extraConfig,
    ].join('\n'),
  });
  return { dir, config: path.join(dir, 'sigmirror.yaml') };
}

function worker(t: ExecutionContext, config: string): ChildProcess & { log: () => string } {
  const child = spawn(process.execPath, [...CLI_ARGS, 'worker', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.teardown(() => void child.kill('SIGKILL'));
  return Object.assign(child, { log: () => log });
}

async function storedSignatures(dir: string): Promise<Buffer[]> {
  const imageDir = path.join(dir, 'store', REGISTRY, `team/app@sha256=${HEX}`);
  const names = (await readdir(imageDir)).sort();
  return Promise.all(names.map((n) => readFile(path.join(imageDir, n))));
}

test('a worker killed mid-import loses nothing: another one completes the job', async (t) => {
  t.timeout(90_000);
  const up = await slowUpstream(t, 400);
  const s = await setup(t, up.base);
  const a = worker(t, s.config);
  await waitFor('worker A', () => a.log().includes('sigmirror is running'), 20_000);
  const queued = await sigmirrorAsync(['import', REF, '--config', s.config]);
  t.is(queued.code, 0, queued.stderr);
  t.regex(
    queued.stdout,
    /^queued registry\.example\.com:5000\/team\/app@sha256:5+ \(job import-5+-registry\.example\.com_5000\/team\/app\)\n$/,
  );
  await waitFor('the import to be under way', () => up.requests.includes(sigPath(2)), 20_000);
  a.kill('SIGKILL');
  await new Promise((r) => a.once('exit', r));
  const b = worker(t, s.config);
  await waitFor('worker B', () => b.log().includes('sigmirror is running'), 20_000);
  const waited = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait', '--json']);
  t.is(waited.code, 0, waited.stderr);
  const report = JSON.parse(waited.stdout) as { jobs: Array<{ state: string; result: { fetched: number } }> };
  t.is(report.jobs[0]!.state, 'completed');
  const stored = await storedSignatures(s.dir);
  t.deepEqual(
    stored.map((b) => b.toString('hex')),
    SIGS.map((x) => Buffer.from(x).toString('hex')),
  );
});

test('SIGTERM lets the in-flight import finish before the worker exits', async (t) => {
  t.timeout(60_000);
  const up = await slowUpstream(t, 300);
  const s = await setup(t, up.base);
  const a = worker(t, s.config);
  await waitFor('worker', () => a.log().includes('sigmirror is running'), 20_000);
  t.is((await sigmirrorAsync(['import', REF, '--config', s.config])).code, 0);
  await waitFor('the import to be under way', () => up.requests.includes(sigPath(1)), 20_000);
  const exited = new Promise<number | null>((resolve) => a.once('exit', resolve));
  a.kill('SIGTERM');
  t.is(await exited, 0);
  t.is((await storedSignatures(s.dir)).length, SIGS.length, 'the whole image was imported before exit');
});

test('import rejects tag references and reports failed jobs with exit 1', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(403).end());
  const s = await setup(t, up.base);
  const tag = await sigmirrorAsync(['import', `${REGISTRY}/team/app:v1`, '--config', s.config]);
  t.is(tag.code, 2);
  t.is(
    tag.stderr,
    `sigmirror: invalid reference "${REGISTRY}/team/app:v1": "${REGISTRY}/team/app:v1" has no digest: an image is named by registry/repository@sha256:<hex>\n`,
  );
  const a = worker(t, s.config);
  await waitFor('worker', () => a.log().includes('sigmirror is running'), 20_000);
  const failed = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.is(failed.code, 1);
  t.is(failed.stdout, `FAILED ${REF}: HTTP 403 from ${up.base}${sigPath(1)}\n`);
  t.true(failed.stderr.endsWith('sigmirror: 1 of 1 imports failed\n'));
});

test('a worker with worker.statusPort serves /healthz, /readyz and its own import metrics, nothing else', async (t) => {
  t.timeout(60_000);
  const up = await slowUpstream(t, 0);
  const s = await setup(t, up.base, 'worker:\n  statusPort: 0\n');
  const a = worker(t, s.config);
  await waitFor('the status endpoint', () => a.log().includes('worker status endpoint listening'), 20_000);
  const address = /"address":"([^"]+)","msg":"worker status endpoint listening"/.exec(a.log())?.[1];
  const base = `http://${address}`;
  t.is((await fetch(`${base}/healthz`)).status, 200);
  t.like(await (await fetch(`${base}/readyz`)).json(), { status: 'ready' });
  const waited = await sigmirrorAsync(['import', REF, '--config', s.config, '--wait']);
  t.is(waited.code, 0, waited.stderr);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  t.true(metrics.includes('\nsigmirror_import_jobs_total{outcome="imported"} 1\n'), metrics.slice(0, 300));
  t.true(metrics.includes(`\nsigmirror_store_signatures_added_total{source="import"} ${SIGS.length}\n`));
  for (const route of [
    `/sigstore/${REGISTRY}/team/app@sha256=${HEX}/signature-1`,
    '/v1/images',
    '/console',
  ]) {
    t.is((await fetch(`${base}${route}`)).status, 404, route);
  }
});
