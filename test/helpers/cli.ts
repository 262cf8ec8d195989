/** Runs the CLI from source (no build needed) and captures its exit code and output. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
/** tsx's loader by absolute URL, so the CLI runs from source whatever the working directory. */
export const TSX_LOADER = import.meta.resolve('tsx');
/** Node arguments that run the CLI from source. */
export const CLI_ARGS = ['--import', TSX_LOADER, path.join(ROOT, 'src/cli/main.ts')];
/** The built CLI (`npm test` builds first); for code paths that re-run the entry point (node:cluster). */
export const BUILT_CLI = path.join(ROOT, 'dist/src/cli/main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function sigmirror(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 90_000, // generous: a loaded CI machine starts tsx slowly
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking the event loop (tests that also serve HTTP in-process need this). */
export function sigmirrorAsync(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; killAfterMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hang ends the test rather than the suite; a test that bounds the command's time itself
    // (kill-restart's import --wait) sets a later kill so its own assertion says what happened.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
