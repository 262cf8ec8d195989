/**
 * A real `sigmirror serve` process (the built CLI) on 127.0.0.1 for one test: its own temp dir,
 * Redis prefix, registries.d, tokens file and config; stopped with SIGKILL when the test ends.
 * The attack suites use it because only a real process shows a crash or a frozen event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { tokenHash } from '../../src/auth/index.js';
import { TOKENS } from './api.js';
import { BUILT_CLI } from './cli.js';
import { checkContract } from './contract.js';
import { freePort } from './ports.js';
import { TEST_REDIS_URL, redisPrefix } from './redis.js';
import { tempDir, writeTree } from './tmp.js';
import { waitFor } from './wait.js';

export interface DaemonProcess {
  readonly base: string;
  readonly dir: string;
  readonly storeDir: string;
  readonly prefix: string;
  readonly child: ChildProcess;
  /** Everything the daemon logged so far (pino JSON lines on stdout). */
  log(): string;
  alive(): boolean;
}

export interface DaemonOptions {
  /** Extra YAML appended to the config (top-level keys). */
  readonly config?: string;
  /** registries.d files by name. */
  readonly registries?: Readonly<Record<string, string>>;
  readonly noWorkers?: boolean;
  /** `auth.anonymousRead` (default true, as the daemon's). */
  readonly anonymousRead?: boolean;
  /** The tokens file's mode (default 0600). */
  readonly tokensMode?: number;
  /** Resolve as soon as the process runs, without waiting for /healthz (start-up failures). */
  readonly noWait?: boolean;
  /** Runs before the process starts, given its directory (e.g. to fill `<dir>/store`). */
  readonly prepare?: (dir: string) => Promise<void>;
  /** Share another daemon's Redis prefix (two masters on one Redis); default a fresh one. */
  readonly prefix?: string;
  /** `store.backend` (default fs; masters sharing one Redis use redis). */
  readonly storeBackend?: 'fs' | 'redis';
  /** Extra environment variables of the process (HTTPS_PROXY, …). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startDaemonProcess(
  t: ExecutionContext,
  options: DaemonOptions = {},
): Promise<DaemonProcess> {
  const prefix = options.prefix ?? (await redisPrefix(t));
  const dir = await tempDir(t);
  const port = await freePort();
  const tokens = Object.entries(TOKENS)
    .map(([role, token]) => `  - name: ${role}-bot\n    sha256: ${tokenHash(token)}\n    roles: [${role}]\n`)
    .join('');
  const registries = options.registries ?? { 'none.yaml': 'docker: {}\n' };
  await writeTree(dir, {
    ...Object.fromEntries(Object.entries(registries).map(([name, text]) => [`rd/${name}`, text])),
    'tokens.yaml': `tokens:\n${tokens}`,
    'sigmirror.yaml': [
      `redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }`,
      `registriesDir: ${path.join(dir, 'rd')}`,
      `store: { backend: ${options.storeBackend ?? 'fs'}, path: ${path.join(dir, 'store')} }`,
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `auth: { tokensFile: ${path.join(dir, 'tokens.yaml')}, anonymousRead: ${options.anonymousRead ?? true} }`,
      options.config ?? '',
    ].join('\n'),
  });
  await chmod(path.join(dir, 'tokens.yaml'), options.tokensMode ?? 0o600);
  await options.prepare?.(dir);
  const args = [BUILT_CLI, 'serve', '--config', path.join(dir, 'sigmirror.yaml')];
  if (options.noWorkers) args.push('--no-workers');
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-1_000_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  t.teardown(() => void child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  checkContract(base);
  const daemon = {
    base,
    dir,
    storeDir: path.join(dir, 'store'),
    prefix,
    child,
    log: () => log,
    alive: () => !exited,
  };
  if (options.noWait) return daemon;
  await waitFor(
    'the daemon to listen',
    async () => {
      // A daemon that exits (a missing build, a bad flag) fails the test now, not after 60 s.
      if (exited) throw new Error('the daemon exited before listening');
      return fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its log:\n${log.slice(-3000)}`);
  });
  return daemon;
}

/** True when the daemon is alive and answers /healthz within `ms`. */
export async function answersHealth(daemon: DaemonProcess, ms = 1_000): Promise<boolean> {
  if (!daemon.alive()) return false;
  return fetch(`${daemon.base}/healthz`, { signal: AbortSignal.timeout(ms) }).then(
    (r) => r.status === 200,
    () => false,
  );
}
