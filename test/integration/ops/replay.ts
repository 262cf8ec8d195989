/**
 * Helpers for replaying deployment files (systemd units, the Dockerfile) on this machine: a fake
 * root directory standing in for the absolute paths they name, and a daemon process to watch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExecutionContext } from 'ava';
import { waitFor } from '../../helpers/wait.js';

/** The absolute directories the deployment files use, replayed under a temp root. */
const ROOTED = ['/etc/sigmirror', '/var/lib/sigmirror', '/usr/lib/sigmirror'];

/** Rewrites every ROOTED path in `text` (an argument, a file's content) to lie under `root`. */
export function underRoot(root: string, text: string): string {
  return ROOTED.reduce((s, dir) => s.replaceAll(dir, `${root}${dir}`), text);
}

/** A started daemon: its combined log so far, and its exit. */
export interface Spawned {
  readonly child: ChildProcess;
  log(): string;
  /** Log lines parsed as pino JSON (other lines skipped). */
  lines(): Array<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnDaemon(
  t: ExecutionContext,
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Spawned {
  const child = spawn(argv[0]!, argv.slice(1), { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    log: () => log,
    lines: () =>
      log.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
}

/** Polls GET `url` until it answers 200 (fails early, with the log, if the daemon exits). */
export async function waitReady(daemon: Spawned, url: string, timeoutMs = 30_000): Promise<Response> {
  let exited = false;
  void daemon.exited.then(() => (exited = true));
  return waitFor(
    `200 from ${url}`,
    async () => {
      if (exited) throw new Error(`the daemon exited before answering:\n${daemon.log()}`);
      const res = await fetch(url).catch(() => undefined);
      if (res?.status === 200) return res;
      await res?.arrayBuffer();
      return undefined;
    },
    timeoutMs,
  );
}

/** Resolves with the exit once the process ends, or rejects after `ms` (the stop timeout). */
export async function exitWithin(daemon: Spawned, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      daemon.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
