/**
 * Fault: 1,000 rapid edits of registries.d, a third of them invalid, against a running daemon.
 * No crash; after a burst ending in a broken edit the last good configuration stays in force;
 * after a final good edit, exactly that configuration is in force.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { tokenHash } from '../../../src/auth/index.js';
import { BUILT_CLI } from '../../helpers/cli.js';
import { freePort } from '../../helpers/ports.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { startUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const REGISTRY = 'registry.example.com';
const EDITS = 1_000;
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** Edit i: every third one is broken in one of three ways (each a load error, not a warning). */
function edit(i: number, upstream: string): string {
  if (i % 3 !== 2) return `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream}/v${i}\n`;
  return [
    `docker:\n  ${REGISTRY}:\n    lookaside: [unclosed\n`,
    `docker:\n  ${REGISTRY}:\n    lookaside: {not: a-url}\n`,
    `docker:\n  ${REGISTRY}:\n    lookaside: ftp://nowhere/${i}\n  ${REGISTRY}:\n    lookaside: ${upstream}/dup\n`,
  ][Math.floor(i / 3) % 3]!;
}

test(`${EDITS} rapid, partly invalid registries.d edits: no crash, last good config in force`, async (t) => {
  t.timeout(180_000);
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const upstream = await startUpstream(t);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await writeTree(dir, {
    'rd/main.yaml': edit(0, upstream.base),
    'tokens.yaml': `tokens:\n  - name: ci\n    sha256: ${tokenHash('t')}\n    roles: [importer]\n`,
    'sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${dir}/rd`,
      `store:\n  path: ${dir}/store`,
      `listen:\n  host: 127.0.0.1\n  port: ${port}`,
      `auth:\n  tokensFile: ${dir}/tokens.yaml`,
      `import:\n  recheckDelaysMs: []\n  resyncIntervalMs: 0`,
      'log:\n  level: warn',
      '',
    ].join('\n'),
  });
  const daemon = spawn(process.execPath, [BUILT_CLI, 'serve', '--config', `${dir}/sigmirror.yaml`], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  t.teardown(() => void daemon.kill('SIGKILL'));
  await waitFor(
    'daemon',
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );

  /** Imports a fresh image and returns the lookaside path the daemon read it from. */
  let n = 0;
  const lookasideInForce = async (): Promise<string> => {
    const image = ++n;
    const r = await fetch(`${base}/v1/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify({ references: [`${REGISTRY}/ns/app@${digest(image)}`] }),
    });
    t.is(r.status, 202);
    const wanted = `/ns/app@sha256=${digest(image).slice(7)}/signature-1`;
    const hit = await waitFor(
      `import ${image}`,
      () => upstream.requests.find((u) => u.endsWith(wanted)),
      30_000,
    );
    return hit.slice(0, -wanted.length);
  };

  const file = path.join(dir, 'rd', 'main.yaml');
  const status = async () =>
    (await (await fetch(`${base}/v1/status`)).json()) as {
      registries: { lastError: { errors: string[] } | null };
    };
  const seen = (broken: boolean) =>
    waitFor(
      `the ${broken ? 'broken' : 'good'} edit is seen`,
      async () => ((await status()).registries.lastError !== null) === broken,
      10_000,
    );
  // A burst faster than the watcher's debounce: most states are never even seen, none may crash it.
  const good = EDITS - 4; // 996: valid; 995 before it and 998 after it are broken
  for (let i = 1; i < good; i++) await writeFile(file, edit(i, upstream.base)); // in place, like an editor
  await seen(true);
  // A good edit the daemon applies…
  await writeFile(file, edit(good, upstream.base));
  await seen(false);
  t.is(await lookasideInForce(), `/v${good}`);
  // …then a burst ending in a broken edit: the good one stays in force.
  for (let i = good + 1; i <= good + 2; i++) await writeFile(file, edit(i, upstream.base));
  t.false(edit(good + 2, upstream.base).includes('/v'), 'the burst ends with a broken edit');
  await seen(true);
  t.is(daemon.exitCode, null, 'still running');
  t.is(await lookasideInForce(), `/v${good}`, 'the last good configuration is in force');

  await writeFile(file, `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream.base}/final\n`);
  await seen(false); // the 1,000th edit
  t.is(await lookasideInForce(), '/final');
  t.is((await fetch(`${base}/readyz`)).status, 200);
  t.is(daemon.exitCode, null);
});
