/**
 * A private tinyproxy process on a spare 127.0.0.1 port for one test (never the system service):
 * its config and log in the test's temp dir, killed when the test ends. `extra` adds config lines
 * (`BasicAuth user password`, `ConnectPort 1` to refuse CONNECT, …).
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { freePort } from './ports.js';
import { tempDir } from './tmp.js';
import { waitFor } from './wait.js';

export interface Tinyproxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  readonly port: number;
  /** The proxy's log so far (CONNECT and request lines). */
  log(): Promise<string>;
}

export async function startTinyproxy(t: ExecutionContext, extra: readonly string[] = []): Promise<Tinyproxy> {
  const dir = await tempDir(t);
  const port = await freePort();
  const logFile = path.join(dir, 'tinyproxy.log');
  await writeFile(
    path.join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
      'MaxClients 50',
      ...extra,
      '',
    ].join('\n'),
  );
  const child = spawn('tinyproxy', ['-d', '-c', path.join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  t.teardown(() => void child.kill('SIGKILL'));
  await waitFor(
    'tinyproxy to listen',
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    10_000,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
  };
}
