/**
 * The embedded default is anchored to the installation, not the working directory: a daemon
 * started as `npm start` starts it (from the installation, no config named) is reached by the CLI
 * run from another directory: same private Redis, same store. The installation is a copy of the
 * built program (dist/, config/, package.json; node_modules linked) in a temp directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../../src/redis/index.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { bytesHandler, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ tools: ['redis-server'] });

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HEX = '9'.repeat(64);
const REF = `registry.example.test/team/app@sha256:${HEX}`;

/** A copy of the built installation; the embedded default's registries.d points at `upstream`. */
async function install(t: ExecutionContext, upstream: string): Promise<string> {
  const dir = await tempDir(t, 'sigmirror-install-');
  await mkdir(path.join(dir, 'dist'));
  for (const part of ['dist/src', 'dist/workers', 'config', 'package.json'])
    await cp(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  await writeTree(dir, {
    'config/registries.d/test.yaml': `docker:\n  registry.example.test:\n    lookaside: ${upstream}\n`,
  });
  return dir;
}

/** Runs the installed CLI from `cwd` with no config named. */
function run(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const clean = { ...process.env, ...env };
  delete clean.SIGMIRROR_CONFIG;
  return spawn(process.execPath, [cli, ...args], { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

test('the CLI run from another directory reaches the daemon started from the installation', async (t) => {
  t.timeout(120_000);
  const up = await startUpstream(t);
  up.routes.set(
    `/team/app@sha256=${HEX}/signature-1`,
    bytesHandler(readVector('containers-image/image.signature')),
  );
  const dir = await install(t, up.base);
  const cli = path.join(dir, 'dist/src/cli/main.js');
  const socket = path.join(dir, 'var/redis/redis.sock');
  const daemon = run(cli, ['serve'], dir, { SIGMIRROR_LISTEN_PORT: '0' });
  let log = '';
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.teardown(() => stop(daemon, socket));
  await waitFor('the daemon to run', () => log.includes('sigmirror is running'), 60_000);
  t.regex(log, new RegExp(`"config":"${path.join(dir, 'config/sigmirror.yaml')}"`));

  const elsewhere = os.tmpdir();
  const imported = await output(run(cli, ['import', REF, '--wait'], elsewhere));
  t.is(imported.code, 0, imported.stderr);
  t.is(imported.stdout, `imported ${REF}: 1 upstream, 1 new\n`);
  const described = await output(run(cli, ['images', 'describe', REF, '--json'], elsewhere));
  t.is(described.code, 0, described.stderr);
  t.like(JSON.parse(described.stdout), { reference: REF, signatures: [{ index: 1, origin: 'import' }] });
});

/** SIGTERM (the daemon stops the Redis it started); a Redis left behind is shut down all the same. */
async function stop(daemon: ChildProcess, socket: string): Promise<void> {
  if (daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
  }
  if (await redisAnswers(socket, 200)) {
    const client = new Redis(socket);
    await client.shutdown('NOSAVE').catch(() => undefined);
    client.disconnect();
  }
}
