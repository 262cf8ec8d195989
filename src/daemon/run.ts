/**
 * `sigmirror serve|worker` until a signal: the daemon process, and with `listen.processes` > 1 its
 * API-only children sharing the port (api-processes.ts) whose metrics it aggregates
 * (metrics-cluster.ts). SIGHUP reloads; the first SIGTERM/SIGINT stops cleanly, a second exits.
 */
import cluster from 'node:cluster';
import { loadDaemonConfig } from '../config/index.js';
import { createLogger } from '../log.js';
import { forkApiProcesses } from './api-processes.js';
import { serveClusterMetrics } from './metrics-cluster.js';
import { startDaemon, type DaemonMode } from './start.js';

export async function runDaemon(configFile: string | undefined, requested: DaemonMode): Promise<void> {
  const loaded = loadDaemonConfig(configFile);
  const logger = createLogger(loaded.config.log.level);
  // With listen.processes > 1 the daemon process forks API-only children sharing the port.
  const serverCount = requested.api ? loaded.config.listen.processes : 1;
  const child = cluster.isWorker;
  const mode: DaemonMode = child
    ? { workers: false, api: true }
    : serverCount > 1
      ? { ...requested, api: false }
      : requested;
  const daemon = await startDaemon(loaded, logger, mode);
  const apiProcesses = !child && serverCount > 1 ? await forkApiProcesses(serverCount, logger) : undefined;
  if (apiProcesses) {
    serveClusterMetrics(daemon.metrics.registry, async () =>
      daemon.metrics.queueDepth.set(await daemon.producer.depth()),
    );
  }
  logger.info(
    { redis: daemon.redisUrl, workers: mode.workers, api: daemon.address ?? null },
    'sigmirror is running',
  );
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading registries.d and tokens');
    apiProcesses?.signal('SIGHUP');
    void daemon.reload();
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      if (child) {
        // systemd signals the whole control group and the primary signals again: ignore repeats.
        process.on('SIGTERM', () => undefined);
        process.on('SIGINT', () => undefined);
      } else {
        // A second signal exits at once.
        process.once('SIGTERM', () => process.exit(1));
        process.once('SIGINT', () => process.exit(1));
      }
      void Promise.resolve(apiProcesses?.stop())
        .then(() => daemon.close())
        .then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // The IPC channel to the primary would keep a serving child alive.
  cluster.worker?.disconnect();
}
