/**
 * Restarts and recovery as an operator meets them (issue 22): 1,000 images imported from a local
 * upstream by a real `sigmirror serve` process that is SIGKILLed five times at random moments
 * while imports are writing, its Redis (without persistence: the queue and the index are lost)
 * restarted once, and a periodic resync due every 15 s so that its spaced-out jobs (1 s apart per
 * host: a quarter of an hour for 1,000 images) are pending when the operator then runs
 * `sigmirror import --wait --from-file` of the same 1,000 references. Waiting behind the resync
 * would take over 1,000 s; joining its jobs and starting them now takes 5–6 s on this box when it
 * is idle and 6–12 s with both cores kept busy (the issue's "say 30 s"), so the bound is 90 s: a
 * loaded CI machine passes, a wait behind the schedule cannot. Afterwards every image equals the
 * upstream byte for byte with contiguous indices, and no temporary file is left under the
 * served root (the start-up sweeps removed the killed writers' staging files).
 */
import { spawn } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { BUILT_CLI, sigmirrorAsync } from '../../helpers/cli.js';
import {
  enqueueAll,
  FAULT_REGISTRY,
  imageDigest,
  jobCounts,
  manyImagesUpstream,
  storeDifferences,
  privateRedisServer,
  redisPingAnswers,
} from '../../helpers/faults.js';
import { freePort } from '../../helpers/ports.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ redis: true, tools: ['redis-server', 'redis-cli'] });

const IMAGES = 1_000;
const KILLS = 5;
/** The import --wait bound: it must not grow with the images the resync has scheduled. */
const WAIT_BOUND_MS = 90_000;

/** `sigmirror serve` (the built CLI), its log kept; killed when the test ends. */
function serve(t: ExecutionContext, config: string) {
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-2_000_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  t.teardown(() => void child.kill('SIGKILL'));
  return Object.assign(child, { log: () => log });
}

async function healthy(base: string): Promise<boolean> {
  return fetch(`${base}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
}

/** Every file under `root` that is not a `signature-N` (temp files, whatever a crash left). */
async function strayFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory() && !/^signature-\d+$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** A seeded generator, so a failing run can be repeated (the seed is logged). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

test(`${IMAGES} images, ${KILLS} SIGKILLs and a Redis loss: the store equals the upstream, no temp file is left, import --wait ends in ${WAIT_BOUND_MS / 1000} s`, async (t) => {
  t.timeout(300_000);
  const seed = Number(process.env.SIGMIRROR_TEST_SEED ?? Date.now() % 100_000);
  t.log(`seed ${seed}`);
  const rand = random(seed);
  const dir = await tempDir(t);
  const redisPort = await freePort();
  let redis = privateRedisServer(t, redisPort);
  await waitFor('redis-server', () => redisPingAnswers(redisPort), 10_000);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const upstream = await manyImagesUpstream(t, IMAGES, 2);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storeRoot = path.join(dir, 'store');
  await writeTree(dir, {
    'rd/up.yaml': `docker:\n  ${FAULT_REGISTRY}:\n    lookaside: ${upstream.base}\n`,
    'sigmirror.yaml': [
      `redis: { url: "${redisUrl}", prefix: restarts }`,
      `registriesDir: ${dir}/rd`,
      `store: { path: ${storeRoot} }`,
      `listen: { host: 127.0.0.1, port: ${port} }`,
      'import: { concurrency: 16, perHostConcurrency: 16, lockDurationMs: 2000, recheckDelaysMs: [], resyncIntervalMs: 15000, resyncSpacingMs: 1000 }',
      'log: { level: info }',
      '',
    ].join('\n'),
  });
  const config = path.join(dir, 'sigmirror.yaml');
  const refs = Array.from({ length: IMAGES }, (_, n) => `${FAULT_REGISTRY}/ns/app${n}@${imageDigest(n)}`);
  await writeFile(path.join(dir, 'refs.txt'), `${refs.join('\n')}\n`);

  let daemon = serve(t, config);
  await waitFor('the daemon', () => healthy(base), 60_000);
  await enqueueAll(redisUrl, 'restarts', IMAGES);
  let killedWhileActive = 0;
  const swept: number[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    // A random moment while imports are writing.
    await waitFor(
      'imports running',
      async () => ((await jobCounts(redisUrl, 'restarts')).active ?? 0) > 0,
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200 + rand() * 1_500));
    if (((await jobCounts(redisUrl, 'restarts')).active ?? 0) > 0) killedWhileActive++;
    daemon.kill('SIGKILL');
    await new Promise((resolve) => daemon.once('exit', resolve));
    if (kill === 3) {
      // Redis goes too, and comes back empty: the queue and the image index are lost.
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      redis = privateRedisServer(t, redisPort);
      await waitFor('redis-server again', () => redisPingAnswers(redisPort), 10_000);
      await enqueueAll(redisUrl, 'restarts', IMAGES); // the operator's bulk import, again
    }
    daemon = serve(t, config);
    await waitFor('the daemon again', () => healthy(base), 60_000);
    const d = daemon;
    const sweptLine = await waitFor(
      'the start-up sweep',
      () => /"removed":(\d+),"files":\[[^\]]*\],"msg":"store swept/.exec(d.log()),
      30_000,
    );
    swept.push(Number(sweptLine[1]));
  }
  t.log(
    `killed ${killedWhileActive} of ${KILLS} times while imports were active; sweeps removed ${swept.join(', ')}`,
  );
  t.true(killedWhileActive >= 3, 'the kills hit running imports');
  // Let the periodic resync schedule its spaced-out jobs for the images imported so far.
  await waitFor(
    'periodic jobs pending',
    async () => ((await jobCounts(redisUrl, 'restarts')).delayed ?? 0) >= 100,
    60_000,
  );

  const started = Date.now();
  // Jobs a SIGKILL left active wait for BullMQ's stalled-job check (lock and check interval):
  // the CLI's own --timeout and WAIT_BOUND_MS bound it, not the helper's default kill at 60 s.
  const r = await sigmirrorAsync(
    [
      'import',
      '--from-file',
      path.join(dir, 'refs.txt'),
      '--config',
      config,
      '--wait',
      '--json',
      '--timeout',
      '120',
    ],
    { killAfterMs: 130_000 },
  );
  const took = Date.now() - started;
  if (r.code !== 0)
    // The error names the images still pending: what the daemon logged about them shows why.
    for (const [, ref] of r.stderr.matchAll(/(registry\.example\.com\/ns\/app\d+)@/g))
      t.log(
        `${ref}:\n${daemon
          .log()
          .split('\n')
          .filter((line) => line.includes(`${ref}@`))
          .join('\n')}`,
      );
  t.is(r.code, 0, r.stderr.slice(-2000));
  const rows = (
    JSON.parse(r.stdout) as { jobs: Array<{ outcome: string; joined: { reason: string } | null }> }
  ).jobs;
  t.is(rows.length, IMAGES);
  t.deepEqual([...new Set(rows.map((row) => row.outcome))], ['imported']);
  const joinedResync = rows.filter((row) => row.joined?.reason === 'periodic').length;
  t.log(`import --wait of ${IMAGES}: ${took} ms; ${joinedResync} joined a pending periodic resync`);
  t.true(joinedResync >= 100, 'the explicit import met the resync schedule');
  t.true(took < WAIT_BOUND_MS, `import --wait took ${took} ms`);

  // The staging directory is not reachable through the mirror, even for a file being written.
  const staged = path.join(storeRoot, '.staging', `.tmp-${daemon.pid}-0123456789ab-signature-1`);
  await writeFile(staged, 'half');
  for (const url of [
    `/sigstore/.staging/${path.basename(staged)}`,
    '/sigstore/.staging/',
    '/sigstore/%2Estaging/x',
  ])
    t.is((await fetch(`${base}${url}`)).status, 404, url);
  await rm(staged);

  daemon.kill('SIGTERM'); // a clean stop: nothing is being written when the tree is read
  await new Promise((resolve) => daemon.once('exit', resolve));
  t.deepEqual(await storeDifferences(storeRoot, IMAGES), []);
  t.deepEqual(await strayFiles(storeRoot), []);
});
