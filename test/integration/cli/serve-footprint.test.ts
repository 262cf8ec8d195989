/**
 * What a serving process loads and how V8 runs it (issue 18, RSS of the serving process): the
 * API-only processes of `listen.processes` > 1 never load the import workers, and no process
 * loads openpgp.js before it verifies or signs; the installed binary caps the young generation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { BUILT_CLI } from '../../helpers/cli.js';
import { needs } from '../../helpers/needs.js';
import { redisPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const redisTest = await needs({ redis: true });
const MODULE_LOG_HOOK = new URL('../../fixtures/module-log/register.mjs', import.meta.url).pathname;

/** The built CLI's `serve` (node:cluster re-runs it), in its own process group; its log so far. */
async function serve(t: ExecutionContext, processes: number, command: readonly string[]) {
  const dir = await tempDir(t);
  const prefix = await redisPrefix(t);
  await writeTree(dir, {
    'sigmirror.yaml':
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}\nstore:\n  path: ${dir}/store\n` +
      `registriesDir: ${dir}/rd\nlisten:\n  port: 0\n  processes: ${processes}\nlog:\n  level: info\n`,
  });
  const [binary, ...args] = command;
  const child = spawn(binary!, [...args, 'serve', '--config', path.join(dir, 'sigmirror.yaml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, MODULE_LOG: path.join(dir, 'modules.log') },
  });
  t.teardown(() => killGroup(child));
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor('the daemon to run', () => log.includes('sigmirror is running'), 60_000);
  return { child, dir, log: () => log };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The module URLs each process resolved, by pid. */
function modulesByPid(file: string): Map<number, string[]> {
  const byPid = new Map<number, string[]>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [pid, url] = line.split(' ');
    const urls = byPid.get(Number(pid)) ?? [];
    urls.push(url!);
    byPid.set(Number(pid), urls);
  }
  return byPid;
}

redisTest(
  'API-only processes load neither the import workers nor openpgp.js, and no process loads openpgp.js to start',
  async (t) => {
    t.timeout(120_000);
    const { child, dir, log } = await serve(t, 2, [process.execPath, '--import', MODULE_LOG_HOOK, BUILT_CLI]);
    await waitFor('the API processes', () => log().includes('API processes listening'), 60_000);
    const byPid = modulesByPid(path.join(dir, 'modules.log'));
    const daemon = byPid.get(child.pid!) ?? [];
    const apiProcesses = [...byPid].filter(([pid]) => pid !== child.pid).map(([, urls]) => urls);
    t.is(apiProcesses.length, 2);
    // The hook sees the daemon process load the workers, so their absence below means something.
    t.true(daemon.some((url) => url.endsWith('/dist/workers/import.js')));
    for (const urls of apiProcesses) {
      t.true(
        urls.some((url) => url.endsWith('/dist/src/api/app.js')),
        'an API process loads the API',
      );
      t.deepEqual(
        urls.filter((url) => /\/dist\/workers\/|\/daemon\/workers\.js$/.test(url)),
        [],
      );
    }
    for (const urls of [daemon, ...apiProcesses])
      t.deepEqual(
        urls.filter((url) => url.includes('/node_modules/openpgp/')),
        [],
      );
  },
);

redisTest('the installed binary runs serve with 2 MB semi-spaces (its shebang)', async (t) => {
  t.timeout(120_000);
  // Executed as systemd's ExecStart runs /usr/local/bin/sigmirror: the file itself, not `node file`.
  const { child } = await serve(t, 1, [BUILT_CLI]);
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
  t.is(path.basename(argv[0]!), 'node');
  t.true(argv.includes('--max-semi-space-size=2'), argv.join(' '));
  t.is(argv[argv.indexOf('--max-semi-space-size=2') + 1], BUILT_CLI);
});
