import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { redisAnswers } from '../../../src/redis/index.js';
import { BUILT_CLI, CLI_ARGS } from '../../helpers/cli.js';
import { rawRequest } from '../../helpers/http.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const toolTest = await needs({ tools: ['redis-server'] });

toolTest(
  'serve on the embedded default starts its own Redis, watches registries.d and stops on SIGTERM',
  async (t) => {
    t.timeout(120_000);
    const dir = await tempDir(t);
    await writeTree(dir, {
      'sigmirror.yaml': `store:\n  path: ${dir}/var/store\nregistriesDir: ${dir}/rd\nlisten:\n  port: 0\nlog:\n  level: info\n`,
      'rd/a.yaml': 'docker:\n  x.io:\n    lookaside: https://x\n',
    });
    const child = spawn(process.execPath, [...CLI_ARGS, 'serve'], {
      cwd: dir,
      env: { ...process.env, SIGMIRROR_CONFIG: path.join(dir, 'sigmirror.yaml') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => void child.kill('SIGKILL'));
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor('the daemon to run', () => log.includes('sigmirror is running'), 60_000); // tsx compiles on a loaded machine
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    t.like(
      lines.find((l) => l.msg === 'configuration loaded'),
      { config: path.join(dir, 'sigmirror.yaml') },
    );
    t.like(
      lines.find((l) => l.msg === 'registries.d configuration applied'),
      { scopes: 1 },
    );
    const address = lines.find((l) => l.msg === 'API listening')?.address as string;
    t.like(await (await fetch(`http://${address}/healthz`)).json(), {
      status: 'ok',
      registries: { inForce: true, rejectedEdit: null },
    });
    const ready = await fetch(`http://${address}/readyz`);
    t.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { redis: 'ok', registries: 'ok', store: 'ok' },
    });
    const socket = path.join(dir, 'var/redis/redis.sock');
    t.true(await redisAnswers(socket));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    t.is(await exited, 0);
    t.regex(log, /"msg":"stopped"/);
    await waitFor('the embedded Redis to stop', async () => !(await redisAnswers(socket, 200)));
    t.false(existsSync(socket));
  },
);

test('serve with an invalid config file exits 1 naming file and line', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'sigmirror.yaml': 'listen:\n  port: "x"\n' });
  const child = spawn(
    process.execPath,
    [...CLI_ARGS, 'serve', '--config', path.join(dir, 'sigmirror.yaml')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 1);
  t.is(
    err,
    `sigmirror: ${dir}/sigmirror.yaml:2: listen.port: Invalid input: expected number, received string\n`,
  );
});

/** `sigmirror serve` (the built CLI) with `listen.processes: 2` in its own process group. */
async function serveTwoProcesses(t: ExecutionContext) {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'sigmirror.yaml': `store:\n  path: ${dir}/var/store\nregistriesDir: ${dir}/rd\nlisten:\n  port: 0\n  processes: 2\nlog:\n  level: info\n`,
  });
  // The built CLI: node:cluster re-runs the entry point, which tsx's loader does not survive.
  // Its own process group, so a failed test kills the cluster children too (they hold the pipes).
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--config', path.join(dir, 'sigmirror.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  t.teardown(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const output = { log: '' };
  child.stderr.on('data', (d: Buffer) => (output.log += d.toString()));
  return { child, output };
}

toolTest(
  'listen.processes: 2 serves from two API processes sharing the port, replaces a crashed one; SIGTERM stops them all',
  async (t) => {
    t.timeout(60_000);
    const { child, output } = await serveTwoProcesses(t);
    // Children log through their own stderr: their lines may arrive after the primary's.
    const count = (text: string) => output.log.split(text).length - 1;
    await waitFor(
      'the API processes',
      () => output.log.includes('API processes listening') && count('"API listening"') >= 2,
      30_000,
    );
    const lines = output.log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const listening = lines.filter((l) => l.msg === 'API listening');
    t.is(listening.length, 2);
    t.is(new Set(listening.map((l) => l.pid)).size, 2);
    const address = listening[0]!.address as string;
    t.is(listening[1]!.address, address, 'one shared port');
    const ready = await fetch(`http://${address}/readyz`);
    t.is(ready.status, 200);
    // A crashed server is replaced.
    process.kill(listening[0]!.pid as number, 'SIGKILL');
    await waitFor('a replacement', () => count('"API listening"') === 3, 30_000);
    t.regex(output.log, /API process exited; starting another/);
    t.is((await fetch(`http://${address}/healthz`)).status, 200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    t.is(await exited, 0);
    await t.throwsAsync(fetch(`http://${address}/healthz`));
  },
);

toolTest(
  'with listen.processes: 2, every scrape of /metrics counts the requests of all processes',
  async (t) => {
    t.timeout(60_000);
    const { child, output } = await serveTwoProcesses(t);
    await waitFor('the API processes', () => output.log.split('"API listening"').length - 1 >= 2, 30_000);
    const address = /"address":"([^"]+)"/.exec(
      output.log.slice(output.log.indexOf('"API listening"') - 300),
    )?.[1];
    const base = `http://${address}`;
    // A new connection per request: the cluster hands connections to the two processes in turn.
    const missing = `/sigstore/registry.example.com/ns/app@sha256=${'d'.repeat(64)}/signature-1`;
    for (let i = 0; i < 20; i++) t.is((await rawRequest(base, missing)).status, 404);
    const mirrorLine = (text: string) =>
      text.split('\n').find((l) => l.startsWith('sigmirror_api_requests_total{route="/sigstore/*"'));
    for (let scrape = 0; scrape < 4; scrape++) {
      const r = await rawRequest(base, '/metrics');
      t.is(r.status, 200);
      t.is(
        mirrorLine(r.body),
        'sigmirror_api_requests_total{route="/sigstore/*",method="GET",status="404"} 20',
      );
      // Each of the three processes (the primary and two API processes) loaded registries.d once.
      t.true(
        r.body.includes('\nsigmirror_registries_reloads_total{result="applied"} 3\n'),
        r.body.slice(0, 400),
      );
      t.true(r.body.includes('\nsigmirror_queue_depth 0\n'));
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    t.is(await exited, 0);
  },
);
