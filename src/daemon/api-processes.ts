/** API-only serving processes (node:cluster children sharing the listen port), replaced when they crash. */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface ApiProcesses {
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** Forks `count` children (they re-run the same command as cluster workers) and waits until they listen. */
export async function forkApiProcesses(count: number, logger: Logger): Promise<ApiProcesses> {
  const live = new Set<Worker>();
  let stopping = false;
  const fork = (): Promise<void> => {
    const child = cluster.fork();
    live.add(child);
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (stopping) return;
      // A crashed server is replaced so serving capacity does not silently shrink.
      logger.error({ pid: child.process.pid, code, signal }, 'API process exited; starting another');
      void fork();
    });
    return new Promise((resolve) => child.once('listening', () => resolve()));
  };
  await Promise.all(Array.from({ length: count }, fork));
  logger.info({ processes: count }, 'API processes listening');
  return {
    signal: (sig) => {
      for (const c of live) c.process.kill(sig);
    },
    stop: async () => {
      stopping = true;
      await Promise.all([...live].map(stopOne));
    },
  };
}

function stopOne(child: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (child.isDead()) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
